// When the page closes its signaling socket ("parks") and when it opens it again: the decisions only,
// no WebRTC objects, so they are unit-tested (e2e/parking.test.mjs). session-parking.js applies them;
// session.js carries them out.
//
// Once a call is established the media and the data channel go browser to browser, and the server
// has nothing to do until something changes. An open socket keeps a gateway instance busy (and, on
// Cloud Run, billed) for the whole call, so the page closes it with 4100 PARKED (wire.js) once:
//   * its RTCPeerConnection with every member in the call is connected (ICE connected or completed)
//     and its data channel open,
//   * no negotiation is under way (signaling state stable, no offer of ours outstanding) and nothing
//     waits for the server (a recovery that needs a peer, a hang-up),
//   * it does not keep the door for a member who has not joined or has left (isDoorkeeper),
//   * and the socket has been quiet for PARK_AFTER_MS (no message either way: late ICE candidates,
//     a peer's answer or candidates, a presence message).
// The server keeps the person in the call, parked (docs/protocol.md, "Parking"). The page opens the
// same link again as soon as the call is not healthy any more (ICE disconnected or failed, the data
// channel closed), when it needs to negotiate (an ICE restart, a rebuild: the leader asks the peer to
// come back too, over the data channel, and waits until the server says the peer is there), and to
// hang up (to say bye, so the call ends on the server as well).

/** Quiet time on the socket before the page parks it. */
export const PARK_AFTER_MS = 3000;
/**
 * How long a page whose call broke waits for its parked peer to come back to signaling before it
 * says the peer is gone: a peer whose page crashed or lost its network cannot tell the server, so
 * its presence says "parked" until then. The peer's own page comes back within ICE's disconnect
 * detection (a few seconds) plus a join.
 */
export const PEER_RETURN_MS = 15000;

/**
 * How long a page called back by its peer ({kind: "unpark"}: the peer must negotiate) stays on
 * signaling at least, unless the peer's offer comes sooner: without it, a page that was already
 * connected could park just as the peer's offer leaves, and the offer would meet "peer-absent".
 */
export const CALLED_BACK_HOLD_MS = 10000;

/**
 * Whether the call itself needs nothing from the server.
 * @param {{connection: RTCPeerConnectionState|null, ice: RTCIceConnectionState|null, channel: RTCDataChannelState|null}} c
 */
export function callHealthy({ connection, ice, channel }) {
  return connection === 'connected' && (ice === 'connected' || ice === 'completed') && channel === 'open';
}

/**
 * What to do with the signaling socket now. A page parks only when it needs the server for nothing:
 * its connection with every member in the call is healthy and settled, and it is not the doorkeeper.
 * @param {{socket: 'open'|'parked'|'connecting', pairs: {connection: RTCPeerConnectionState|null,
 *          ice: RTCIceConnectionState|null, channel: RTCDataChannelState|null, negotiating: boolean,
 *          needsServer: boolean}[], doorkeeper?: boolean, needsServer?: boolean, quietMs: number}} f
 *   socket: open and welcomed, parked by this page, or (re)connecting; pairs: one per member in the
 *   call (present or parked, or connected to us: not one who never joined or left); negotiating: the
 *   connection's signaling state is not stable or an offer of ours is on its way; needsServer: something
 *   waits for the server (a recovery that needs the peer; for the page, a whenSignaling); doorkeeper:
 *   this page keeps the door for an absent member (isDoorkeeper); quietMs: since the last message
 *   either way
 * @returns {{action: 'park'|'unpark'|'stay', inMs?: number}} inMs: look again then (parking is due)
 */
export function parkingDecision({ socket, pairs, doorkeeper = false, needsServer = false, quietMs }) {
  const healthy = pairs.length > 0 && pairs.every(callHealthy);
  const needs = needsServer || doorkeeper || pairs.some((p) => p.needsServer);
  if (socket === 'parked') return { action: healthy && !needs ? 'stay' : 'unpark' };
  if (socket !== 'open' || !healthy || needs || pairs.some((p) => p.negotiating)) return { action: 'stay' };
  if (quietMs >= PARK_AFTER_MS) return { action: 'park' };
  return { action: 'stay', inMs: PARK_AFTER_MS - quietMs };
}

/**
 * Whether this page keeps the door: while a member of the call is absent (never joined, or left), the
 * member in the call whose ID sorts first keeps its socket open, so that the absent one, joining,
 * finds someone to offer to; on their peer-joined it calls the parked others back over their data
 * channels (docs/protocol.md, "Parking"). When it leaves, or parks because everyone is there, the
 * next one by ID takes over. In a call of two the one waiting for the other is the doorkeeper.
 * @param {{self: string|null, inCall: string[], anyAbsent: boolean}} c self: this page's ID; inCall:
 *   the IDs of the other members in the call as this page knows them; IDs as the server spells them
 *   (lower case)
 */
export function isDoorkeeper({ self, inCall, anyAbsent }) {
  if (!anyAbsent) return false;
  return inCall.every((id) => self === null || self < id);
}

/**
 * Whether the page is waiting for a parked peer to come back: it is on signaling, media flowed with
 * this peer, the call is not healthy, and the server says the peer is in the call but parked. After
 * PEER_RETURN_MS of this the page says the peer is gone.
 * @param {{signalingUp: boolean, peerPresent: boolean, peerParked: boolean, wasConnected: boolean, healthy: boolean}} f
 */
export function waitingForParkedPeer({ signalingUp, peerPresent, peerParked, wasConnected, healthy }) {
  return signalingUp && !peerPresent && peerParked && wasConnected && !healthy;
}

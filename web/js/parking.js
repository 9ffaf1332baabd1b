// When the page closes its signaling socket ("parks") and when it opens it again: the decisions only,
// no WebRTC objects, so they are unit-tested (e2e/parking.test.mjs). session-parking.js applies them;
// session.js carries them out.
//
// Once a call is established the media and the data channel go browser to browser, and the server
// has nothing to do until something changes. An open socket keeps a gateway instance busy (and, on
// Cloud Run, billed) for the whole call, so the page closes it with 4100 PARKED (wire.js) once:
//   * the RTCPeerConnection is connected (ICE connected or completed) and the data channel open,
//   * no negotiation is under way (signaling state stable, no offer of ours outstanding) and nothing
//     waits for the server (a recovery that needs the peer, a hang-up),
//   * and the socket has been quiet for PARK_AFTER_MS (no message either way: late ICE candidates,
//     the peer's answer or candidates, a presence message).
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
 * What to do with the signaling socket now.
 * @param {{socket: 'open'|'parked'|'connecting', connection: RTCPeerConnectionState|null,
 *          ice: RTCIceConnectionState|null, channel: RTCDataChannelState|null, negotiating: boolean,
 *          needsServer: boolean, quietMs: number}} f
 *   socket: open and welcomed, parked by this page, or (re)connecting; negotiating: the connection's
 *   signaling state is not stable or an offer of ours is on its way; needsServer: something waits
 *   for the server (a recovery that needs the peer); quietMs: since the last message either way
 * @returns {{action: 'park'|'unpark'|'stay', inMs?: number}} inMs: look again then (parking is due)
 */
export function parkingDecision(f) {
  const healthy = callHealthy(f);
  if (f.socket === 'parked') return { action: healthy && !f.needsServer ? 'stay' : 'unpark' };
  if (f.socket !== 'open' || !healthy || f.negotiating || f.needsServer) return { action: 'stay' };
  if (f.quietMs >= PARK_AFTER_MS) return { action: 'park' };
  return { action: 'stay', inMs: PARK_AFTER_MS - f.quietMs };
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

// When the page is on signaling (pure; session-rules.js): what it sends there, parking.js's decisions
// carried into the session (park once every pair settled and the socket is quiet, unless this page
// keeps the door for an absent member; unpark when a pair needs the server), calling a peer back over
// its data channel, watching a parked peer's return, and a hang-up's bye through the server.
import {
  CALLED_BACK_HOLD_MS, isDoorkeeper, parkingDecision, PEER_RETURN_MS, waitingForParkedPeer,
} from './parking.js';
import { PEER } from './peer-messages.js';
import {
  healthy, inCall, offering, pairs, sendData,
} from './session-facts.js';
import * as socket from './session-socket.js';
import { TYPE } from './wire.js';

/** A message went or came on the socket: parking waits for quiet again. */
export function noteSignal(s) {
  s.f.lastSignalAt = s.now;
  considerParking(s);
}

/** Sends a frame to the server, counting it (tests read the counts) and noting it if it went. */
export function sendFrame(s, frame) {
  const { sent } = s.f.counts;
  sent[frame.type] = (sent[frame.type] ?? 0) + 1;
  const went = socket.send(s, frame);
  s.trace(`sent ${frame.type}${frame.to ? ` to ${frame.to}` : ''}${went ? '' : ' (not sent)'}`);
  if (went) noteSignal(s);
  return went;
}

/** Whether this page keeps the door for a member who has not joined or has left (parking.js). */
export function keepsDoor(f) {
  const all = pairs(f);
  return isDoorkeeper({
    self: f.self,
    inCall: all.filter(inCall).map((p) => p.id),
    anyAbsent: all.some((p) => !inCall(p)),
  });
}

/** Parks, unparks, or looks again when parking falls due. */
export function considerParking(s) {
  const f = s.f;
  s.stopTimer('park');
  if (f.socket.id === 0 || f.socket.stopped || f.view.over) return;
  const holdMs = Math.max(0, ...pairs(f).map((p) => p.holdUntil - s.now));
  let state = 'connecting';
  if (f.socket.parked) state = 'parked';
  else if (f.view.signalingUp) state = 'open';
  const decision = parkingDecision({
    socket: state,
    pairs: pairs(f).filter(inCall).map((p) => ({
      connection: p.call?.connection ?? null,
      ice: p.call?.ice ?? null,
      channel: p.call?.channel ?? null,
      negotiating: Boolean(p.call && (offering(p.call) || p.call.signaling !== 'stable')),
      needsServer: p.pendingCause !== null || Boolean(p.call?.offerHeld) || p.holdUntil > s.now,
    })),
    doorkeeper: keepsDoor(f),
    needsServer: f.waiters > 0,
    quietMs: s.now - f.lastSignalAt,
  });
  if (decision.action === 'park') park(s);
  else if (decision.action === 'unpark') unpark(s);
  else if (decision.inMs !== undefined || holdMs > 0) s.startTimer('park', decision.inMs ?? holdMs);
}

function park(s) {
  s.trace('park');
  s.f.counts.parks += 1;
  // Tell the peers first (the channels are open: parking needs them): the server will refuse messages to us.
  for (const p of pairs(s.f)) sendData(s, p, { kind: PEER.PARKED });
  socket.park(s);
  Object.assign(s.f.view, { signalingUp: false, parked: true });
}

export function unpark(s) {
  if (!s.f.socket.parked) return;
  s.trace('unpark');
  s.f.counts.unparks += 1;
  s.f.lastSignalAt = s.now;
  // view.parked stays until the welcome: a deliberate reopening is not "reconnecting to the server".
  socket.unpark(s);
}

/**
 * Comes back to signaling and asks the pair's peer to come back too (over the data channel, if it is
 * open). newcomer: the peer is called back for a member who just joined, not to hear from us.
 */
export function callPeer(s, p, newcomer = null) {
  unpark(s);
  sendData(s, p, newcomer ? { kind: PEER.UNPARK, newcomer } : { kind: PEER.UNPARK });
}

/** The peer must negotiate and called us back: stay on signaling until its offer came, or a while. */
export function holdForPeer(s, p) {
  p.holdUntil = s.now + CALLED_BACK_HOLD_MS;
}

/** Whether the page is waiting for the pair's parked peer to come back (parking.js). */
export function waitingForPeer(f, p) {
  return waitingForParkedPeer({ signalingUp: f.view.signalingUp, ...p.view, healthy: healthy(p) });
}

/** While the pair's connection is broken and its peer parked, give them PEER_RETURN_MS to come back. */
export function watchPeerReturn(s, p) {
  if (!waitingForPeer(s.f, p)) {
    s.stopTimer('peerReturn', p);
    return;
  }
  if (!p.timers.peerReturn) s.startTimer('peerReturn', PEER_RETURN_MS, p);
}

export function stopTimers(s) {
  s.stopTimer('park');
  for (const p of pairs(s.f)) {
    s.stopTimer('stall', p);
    s.stopTimer('peerReturn', p);
  }
}

/** A hang-up's bye through the server, reopening a parked socket for it; signaling ends here. */
export function sayBye(s) {
  const f = s.f;
  if (f.socket.id === 0 || f.socket.stopped) return;
  f.counts.sent[TYPE.BYE] = (f.counts.sent[TYPE.BYE] ?? 0) + 1;
  socket.finish(s, { type: TYPE.BYE });
  stopTimers(s);
}

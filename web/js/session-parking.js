// When the page is on signaling (pure; session-rules.js): what it sends there, parking.js's decisions
// carried into the session (park once the call settles and the socket is quiet, unpark when the call
// needs the server), calling the peer back over the data channel, watching a parked peer's return, and
// a hang-up's bye through the server.
import {
  CALLED_BACK_HOLD_MS, parkingDecision, PEER_RETURN_MS, waitingForParkedPeer,
} from './parking.js';
import { PEER } from './peer-messages.js';
import { healthy, offering, sendData } from './session-facts.js';
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
  s.trace(`sent ${frame.type}${went ? '' : ' (not sent)'}`);
  if (went) noteSignal(s);
  return went;
}

/** Parks, unparks, or looks again when parking falls due. */
export function considerParking(s) {
  const f = s.f;
  s.stopTimer('park');
  if (f.socket.id === 0 || f.socket.stopped || f.view.over) return;
  const call = f.call;
  const holdMs = Math.max(0, f.holdUntil - s.now);
  let state = 'connecting';
  if (f.socket.parked) state = 'parked';
  else if (f.view.signalingUp) state = 'open';
  const decision = parkingDecision({
    socket: state,
    connection: call?.connection ?? null,
    ice: call?.ice ?? null,
    channel: call?.channel ?? null,
    negotiating: Boolean(call && (offering(call) || call.signaling !== 'stable')),
    needsServer: f.pendingCause !== null || Boolean(call?.offerHeld) || f.waiters > 0 || holdMs > 0,
    quietMs: s.now - f.lastSignalAt,
  });
  if (decision.action === 'park') park(s);
  else if (decision.action === 'unpark') unpark(s);
  else if (decision.inMs !== undefined || holdMs > 0) s.startTimer('park', decision.inMs ?? holdMs);
}

function park(s) {
  s.trace('park');
  s.f.counts.parks += 1;
  // Tell the peer first (the channel is open: parking needs it): the server will refuse messages to us.
  sendData(s, { kind: PEER.PARKED });
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

/** Comes back to signaling and asks the peer to come back too (over the data channel, if it is open). */
export function callPeer(s) {
  unpark(s);
  sendData(s, { kind: PEER.UNPARK });
}

/** The peer must negotiate and called us back: stay on signaling until its offer came, or a while. */
export function holdForPeer(s) {
  s.f.holdUntil = s.now + CALLED_BACK_HOLD_MS;
}

/** Whether the page is waiting for its parked peer to come back (parking.js). */
export function waitingForPeer(f) {
  return waitingForParkedPeer({ ...f.view, healthy: healthy(f) });
}

/** While the call is broken and the peer parked, give them PEER_RETURN_MS to come back. */
export function watchPeerReturn(s) {
  if (!waitingForPeer(s.f)) {
    s.stopTimer('peerReturn');
    return;
  }
  if (!s.f.timers.peerReturn) s.startTimer('peerReturn', PEER_RETURN_MS);
}

export function stopTimers(s) {
  s.stopTimer('stall');
  s.stopTimer('park');
  s.stopTimer('peerReturn');
}

/** A hang-up's bye through the server, reopening a parked socket for it; signaling ends here. */
export function sayBye(s) {
  const f = s.f;
  if (f.socket.id === 0 || f.socket.stopped) return;
  f.counts.sent[TYPE.BYE] = (f.counts.sent[TYPE.BYE] ?? 0) + 1;
  socket.finish(s, { type: TYPE.BYE });
  stopTimers(s);
}

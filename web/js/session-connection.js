// The RTCPeerConnection's life, as decisions (pure; session-rules.js): build one and drop it, follow its
// state, answer the peer's offers, and carry out recovery.js's decisions when it is unwell (an ICE
// restart, asking the leader for one, calling the peer back first, a rebuild). session.js makes the
// Call (call.js) each 'build-call' effect asks for and hands it every other effect.
import { PEER } from './peer-messages.js';
import {
  afterNegotiationError, classifyOffer, recoveryAction, recoveryWaitMs,
} from './recovery.js';
import {
  freshCall, heldOfferGoes, offerIfHeld, offering, peerReachable, sendData,
} from './session-facts.js';
import {
  callPeer, considerParking, holdForPeer, unpark, watchPeerReturn,
} from './session-parking.js';

/** A new connection; the leader makes its first offer and every later one (recovery.js). */
export function build(s, leader) {
  const f = s.f;
  f.callsBuilt += 1;
  f.call = freshCall(f.callsBuilt, leader);
  s.do({ type: 'build-call', call: f.call.id, leader, iceServers: f.iceServers });
  s.trace(`built connection, leader=${leader}`);
  f.restarted = false;
  // A recovery that waited for the peer was for the connection this one replaces: a fresh one
  // negotiates from the start (and one that stayed pending would keep the socket from parking).
  f.pendingCause = null;
  changed(s);
}

/** graceful: close the data channel first, so what it holds (a bye) is sent, then the connection. */
export function dropCall(s, { graceful = false } = {}) {
  if (!s.f.call) return;
  s.do({ type: 'close-call', graceful });
  s.f.call = null;
  s.f.view.connection = null;
  s.do({ type: 'channel', open: false });
  s.do({ type: 'call-gone' });
  watch(s);
}

/** A fresh connection that this side leads; its offer is a new session for the peer. */
export function rebuild(s) {
  s.f.counts.rebuilds += 1;
  s.f.failedRebuilds += 1;
  dropCall(s);
  build(s, true);
}

/** The connection's state changed (or it was just built). */
export function changed(s) {
  const f = s.f;
  const call = f.call;
  s.trace(`state ${call.signaling}/${call.ice}/${call.connection}`);
  f.view.connection = call.connection;
  if (call.connection === 'connected') f.view.wasConnected = true;
  if (call.connection === 'connected' && call.signaling === 'stable') {
    f.restarted = false;
    f.failedRebuilds = 0;
  }
  if (call.signaling === 'stable' && peerReachable(f) && offerIfHeld(s)) s.trace('held offer made');
  watch(s);
  watchPeerReturn(s);
  considerParking(s);
}

/** Arms the recovery timer while the connection is unwell; disarms it once it is healthy. */
export function watch(s) {
  const call = s.f.call;
  if (!call || (call.connection === 'connected' && call.signaling === 'stable')) {
    s.stopTimer('stall');
    return;
  }
  if (!s.f.timers.stall) s.startTimer('stall', recoveryWaitMs(s.f.failedRebuilds));
}

/** @param {'disconnected'|'failed'|'requested'|'stalled'} cause */
export function recover(s, cause) {
  const f = s.f;
  const call = f.call;
  if (!call || f.view.over) return;
  const { signalingUp, peerPresent } = f.view;
  const action = recoveryAction({ cause, leader: call.leader, restarted: f.restarted, signalingUp, peerPresent });
  s.trace(`recover ${cause}: ${action}`);
  switch (action) {
    case 'restart-ice':
      s.do({ type: 'restart-ice' }); // call.js makes a held offer at once: it carries the restart
      heldOfferGoes(call);
      f.restarted = true;
      f.counts.iceRestarts += 1;
      break;
    case 'ask-peer':
      if (sendData(s, { kind: PEER.RESTART_ICE })) f.counts.restartRequests += 1;
      // The leader's offer comes through the server: stay there until it has come (or a while).
      holdForPeer(s);
      unpark(s);
      break;
    case 'call-peer':
      f.pendingCause = cause;
      callPeer(s);
      break;
    case 'rebuild':
      rebuild(s);
      break;
    default: // wait, and look again later; the peer may need calling back first
      if (!peerReachable(f)) callPeer(s);
      watch(s);
  }
}

/** The connection wants to offer (negotiationneeded): it goes once the peer can be reached. */
export function offerWanted(s) {
  if (peerReachable(s.f)) {
    offerIfHeld(s);
    return;
  }
  s.trace('offer held until the peer can be reached');
  callPeer(s);
}

/** An offer from the peer: answer it here, on a fresh connection, or not at all (recovery.js). */
export function offered(s, sdp) {
  const f = s.f;
  f.holdUntil = 0; // what the peer called us back for has come
  const call = f.call;
  const decision = call
    ? classifyOffer({ offerSdp: sdp, remoteSdp: call.remoteSdp, offering: offering(call), polite: f.polite })
    : 'new-session';
  s.trace(`offer: ${decision}`);
  if (decision === 'ignore') {
    s.do({ type: 'ignore-offer' });
    return;
  }
  if (decision === 'new-session') {
    dropCall(s);
    build(s, false);
  }
  s.do({ type: 'accept-offer', sdp });
}

/** A step of a negotiation failed: undo our offer, or start afresh (recovery.js). */
export function negotiationFailed(s, step) {
  s.trace(`negotiation failed at ${step}`);
  if (afterNegotiationError({ step, connectionState: s.f.call.connection }) === 'rollback') {
    s.do({ type: 'rollback', call: s.f.call.id, purpose: 'negotiation' });
  } else {
    rebuild(s);
  }
}

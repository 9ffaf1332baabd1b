// A pair's RTCPeerConnection, as decisions (pure; session-rules.js): build one and drop it, follow its
// state, answer the peer's offers, and carry out recovery.js's decisions when it is unwell (an ICE
// restart, asking the leader for one, calling the peer back first, a rebuild). Each pair has its own
// connection, roles and recovery, so one person's trouble leaves the other pairs alone. session.js
// makes the Call (call.js) each 'build-call' effect asks for and hands it every other effect naming
// its peer.
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

/** A new connection with the pair's peer; the leader makes its first offer and every later one (recovery.js). */
export function build(s, p, leader) {
  const f = s.f;
  f.callsBuilt += 1;
  p.call = freshCall(f.callsBuilt, leader);
  s.do({ type: 'build-call', peer: p.id, call: p.call.id, leader, iceServers: f.iceServers });
  s.trace(`${p.id}: built connection, leader=${leader}`);
  p.restarted = false;
  // A recovery that waited for the peer was for the connection this one replaces: a fresh one
  // negotiates from the start (and one that stayed pending would keep the socket from parking).
  p.pendingCause = null;
  changed(s, p);
}

/** graceful: close the data channel first, so what it holds (a bye) is sent, then the connection. */
export function dropCall(s, p, { graceful = false } = {}) {
  if (!p.call) return;
  s.do({ type: 'close-call', peer: p.id, graceful });
  p.call = null;
  p.view.connection = null;
  s.do({ type: 'channel', peer: p.id, open: false });
  s.do({ type: 'call-gone', peer: p.id });
  watch(s, p);
}

/** A fresh connection that this side leads; its offer is a new session for the peer. */
export function rebuild(s, p) {
  s.f.counts.rebuilds += 1;
  p.failedRebuilds += 1;
  dropCall(s, p);
  build(s, p, true);
}

/** The pair's connection changed (or it was just built). */
export function changed(s, p) {
  const f = s.f;
  const call = p.call;
  s.trace(`${p.id}: state ${call.signaling}/${call.ice}/${call.connection}`);
  p.view.connection = call.connection;
  if (call.connection === 'connected') p.view.wasConnected = true;
  if (call.connection === 'connected' && call.signaling === 'stable') {
    p.restarted = false;
    p.failedRebuilds = 0;
  }
  if (call.signaling === 'stable' && peerReachable(f, p) && offerIfHeld(s, p)) s.trace(`${p.id}: held offer made`);
  watch(s, p);
  watchPeerReturn(s, p);
  considerParking(s);
}

/** Arms the pair's recovery timer while its connection is unwell; disarms it once it is healthy. */
export function watch(s, p) {
  const call = p.call;
  if (!call || (call.connection === 'connected' && call.signaling === 'stable')) {
    s.stopTimer('stall', p);
    return;
  }
  if (!p.timers.stall) s.startTimer('stall', recoveryWaitMs(p.failedRebuilds), p);
}

/** @param {'disconnected'|'failed'|'requested'|'stalled'} cause */
export function recover(s, p, cause) {
  const f = s.f;
  const call = p.call;
  if (!call || f.view.over) return;
  const { signalingUp } = f.view;
  const { peerPresent } = p.view;
  const action = recoveryAction({ cause, leader: call.leader, restarted: p.restarted, signalingUp, peerPresent });
  s.trace(`${p.id}: recover ${cause}: ${action}`);
  switch (action) {
    case 'restart-ice':
      s.do({ type: 'restart-ice', peer: p.id }); // call.js makes a held offer at once: it carries the restart
      heldOfferGoes(call);
      p.restarted = true;
      f.counts.iceRestarts += 1;
      break;
    case 'ask-peer':
      if (sendData(s, p, { kind: PEER.RESTART_ICE })) f.counts.restartRequests += 1;
      // The leader's offer comes through the server: stay there until it has come (or a while).
      holdForPeer(s, p);
      unpark(s);
      break;
    case 'call-peer':
      p.pendingCause = cause;
      callPeer(s, p);
      break;
    case 'rebuild':
      rebuild(s, p);
      break;
    default: // wait, and look again later; the peer may need calling back first
      if (!peerReachable(f, p)) callPeer(s, p);
      watch(s, p);
  }
}

/** The pair's connection wants to offer (negotiationneeded): it goes once the peer can be reached. */
export function offerWanted(s, p) {
  if (peerReachable(s.f, p)) {
    offerIfHeld(s, p);
    return;
  }
  s.trace(`${p.id}: offer held until the peer can be reached`);
  callPeer(s, p);
}

/** An offer from the peer: answer it here, on a fresh connection, or not at all (recovery.js). */
export function offered(s, p, sdp) {
  p.holdUntil = 0; // what the peer called us back for has come
  const call = p.call;
  const decision = call
    ? classifyOffer({ offerSdp: sdp, remoteSdp: call.remoteSdp, offering: offering(call), polite: p.polite })
    : 'new-session';
  s.trace(`${p.id}: offer: ${decision}`);
  if (decision === 'ignore') {
    s.do({ type: 'ignore-offer', peer: p.id });
    return;
  }
  if (decision === 'new-session') {
    dropCall(s, p);
    build(s, p, false);
  }
  s.do({ type: 'accept-offer', peer: p.id, sdp });
}

/** A step of a negotiation failed: undo our offer, or start afresh (recovery.js). */
export function negotiationFailed(s, p, step) {
  s.trace(`${p.id}: negotiation failed at ${step}`);
  if (afterNegotiationError({ step, connectionState: p.call.connection }) === 'rollback') {
    s.do({ type: 'rollback', peer: p.id, call: p.call.id, purpose: 'negotiation' });
  } else {
    rebuild(s, p);
  }
}

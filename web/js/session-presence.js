// Where the peer is, as decisions (pure; session-rules.js): what the server says (welcome, peer-joined,
// peer-left, a message refused as peer-absent) and what the peer says over the data channel (bye,
// leaving, parked, unpark, back, restart-ice), and what waited for the peer once they can be reached.
import { PEER } from './peer-messages.js';
import { pendingRecoveryStep } from './recovery.js';
import {
  build, dropCall, recover,
} from './session-connection.js';
import {
  established, offerIfHeld, offering, offerReachesPeer, peerReachable, sendData,
} from './session-facts.js';
import {
  callPeer, considerParking, holdForPeer, sayBye, unpark, watchPeerReturn,
} from './session-parking.js';
import { LEAVE_REASON, ROLE } from './wire.js';

/** The peer left signaling or the call, parked, or was refused as absent: what we sent before may be lost. */
function notePeerAway(s) {
  s.f.peerAwayAt = s.now;
}

export function welcomed(s, msg) {
  const f = s.f;
  f.iceServers = msg.iceServers ?? [];
  f.polite = Boolean(msg.polite);
  const peerPresent = Boolean(msg.peerPresent);
  const peerParked = !peerPresent && Boolean(msg.peerParked);
  const peerGone = !peerPresent && !peerParked;
  // Why the peer left stays known until they are back: a page that closed while parked told us
  // (PEER.LEAVING) but could not tell the server, which still lists it as parked.
  Object.assign(f.view, {
    welcomed: true, signalingUp: true, parked: false, peerPresent, peerParked, peerLeft: peerPresent ? null : f.view.peerLeft,
  });
  // Tell the peer directly: two pages coming back at the same moment can each be welcomed as if
  // the other were still parked, and the server relays to both all the same.
  sendData(s, { kind: PEER.BACK });
  if (established(f)) {
    // Our socket came back (unparked, or after a drop) while the call we had works or recovers:
    // keep it. If the peer left meanwhile and the media stopped, say so.
    if (peerGone && f.call.connection !== 'connected') gone(s, LEAVE_REASON.DISCONNECTED);
    else resync(s);
  } else {
    const hadPeer = f.view.wasConnected;
    dropCall(s);
    if (peerPresent && msg.role === ROLE.OFFERER) build(s, true);
    else if (peerGone && hadPeer) gone(s, LEAVE_REASON.DISCONNECTED); // they left while we were away
  }
  afterPresence(s);
}

export function peerJoined(s) {
  Object.assign(s.f.view, { peerPresent: true, peerParked: false, peerLeft: null });
  // An offer of ours made after they were last seen going away reaches them (the server relays it,
  // or refuses it with peer-absent, which comes first): keep it. On a fresh connection (a rebuild),
  // if their offer crosses it the polite side yields (classifyOffer); dropping it as well would
  // leave both sides answering a connection the other had dropped.
  if (!offerReachesPeer(s.f)) {
    if (established(s.f)) resync(s); // they came back (unparked, or reconnected); the call stands
    else dropCall(s); // their welcome made them the offerer: wait for their offer
  }
  afterPresence(s);
}

export function peerLeft(s, reason) {
  notePeerAway(s);
  Object.assign(s.f.view, { peerPresent: false, peerParked: false });
  // Their signaling dropped but the media flows: wait for them to come back.
  if (reason !== LEAVE_REASON.HANGUP && s.f.call?.connection === 'connected') return;
  gone(s, reason === LEAVE_REASON.HANGUP ? LEAVE_REASON.HANGUP : LEAVE_REASON.DISCONNECTED);
}

/** A message of ours was dropped because the peer holds no socket: parked, if its page is alive. */
export function peerAbsent(s) {
  const f = s.f;
  const alive = f.call?.channel === 'open';
  notePeerAway(s);
  Object.assign(f.view, { peerPresent: false, peerParked: f.view.peerParked || alive });
  if (f.call?.leader && offering(f.call)) {
    // Our offer did not reach them: undo it (a new restart waits for a stable state, so it would
    // never offer again), call them back, and offer again once they are there.
    f.pendingCause ??= 'requested';
    callPeer(s);
    resync(s);
  }
  afterPresence(s);
}

/** The peer is gone (hung up, or disconnected for good). */
export function gone(s, reason) {
  const f = s.f;
  notePeerAway(s);
  dropCall(s);
  Object.assign(f.view, { peerPresent: false, peerLeft: reason, wasConnected: false });
  f.pendingCause = null;
  // A hang-up ends the call for both: leave it too, so nothing waits open for a call that is over.
  if (reason === LEAVE_REASON.HANGUP) sayBye(s);
  afterPresence(s);
}

/**
 * A socket came back while the call stood: an offer of ours sent meanwhile may be lost, so undo it
 * (the 'rollback' effect answers with a 'rollback-done' event) and make it again once the peer is
 * there, with any recovery that waited for them.
 */
function resync(s) {
  const f = s.f;
  if (!f.call.leader || f.call.signaling !== 'have-local-offer') return;
  f.pendingCause ??= 'requested';
  f.rollingBack = true;
  s.do({ type: 'rollback', call: f.call.id, purpose: 'resync' });
}

/** After presence changed: run what waited for the peer, watch a parked peer's return, reconsider parking. */
export function afterPresence(s) {
  const f = s.f;
  if (peerReachable(f) && f.waiters > 0) {
    f.waiters = 0;
    s.do({ type: 'resolve-waiters' });
  }
  const step = pendingRecoveryStep({
    pending: (f.pendingCause !== null || Boolean(f.call?.offerHeld)) && f.call !== null && !f.rollingBack,
    ...f.view,
    parked: f.socket.parked,
  });
  if (step === 'run') {
    const cause = f.pendingCause;
    f.pendingCause = null;
    if (cause) recover(s, cause);
    if (offerIfHeld(s)) s.trace('held offer made');
  } else if (step === 'call-peer') {
    s.trace('pending recovery: call peer');
    callPeer(s);
  }
  watchPeerReturn(s);
  considerParking(s);
}

/** What the peer said over the data channel; what is not about the call goes to the page. */
export function peerSaid(s, msg) {
  const f = s.f;
  if (Object.values(PEER).includes(msg.kind)) s.trace(`peer says ${msg.kind}`);
  switch (msg.kind) {
    case PEER.RESTART_ICE:
      if (f.call.leader) recover(s, 'requested');
      break;
    case PEER.BYE:
      gone(s, LEAVE_REASON.HANGUP); // seen even while signaling is parked or down
      break;
    case PEER.LEAVING:
      gone(s, LEAVE_REASON.DISCONNECTED); // their page is closing or reloading
      break;
    case PEER.PARKED:
      // The server would refuse what we send them now; an offer of ours in flight needs them back.
      notePeerAway(s);
      Object.assign(f.view, { peerPresent: false, peerParked: true });
      if (f.call.leader && offering(f.call)) {
        f.pendingCause ??= 'requested';
        callPeer(s);
      }
      afterPresence(s);
      break;
    case PEER.UNPARK:
      holdForPeer(s);
      // Already on signaling, no new welcome will tell the peer we are there (its offer may have
      // met peer-absent while our gateway woke): say so directly.
      if (f.view.signalingUp) sendData(s, { kind: PEER.BACK });
      unpark(s);
      considerParking(s);
      break;
    case PEER.BACK:
      Object.assign(f.view, { peerPresent: true, peerParked: false, peerLeft: null });
      afterPresence(s);
      break;
    default:
      s.do({ type: 'peer-message', message: msg });
  }
}

// Where the peers are, as decisions (pure; session-rules.js): what the server says (welcome, peer-joined,
// peer-left, a message refused as peer-absent) and what each peer says over its data channel (bye,
// leaving, parked, unpark, back, restart-ice), and what waited for a peer once they can be reached.
// Each pair follows its own peer; the page keeps the door for a member who has not joined yet
// (session-parking.js's keepsDoor) and calls the parked others back when one joins.
import { PEER } from './peer-messages.js';
import { pendingRecoveryStep } from './recovery.js';
import {
  build, dropCall, recover,
} from './session-connection.js';
import {
  established, inCall, isGroup, newPair, offerIfHeld, offering, offerReachesPeer, pairs, peerReachable, sendData,
} from './session-facts.js';
import {
  callPeer, considerParking, holdForPeer, sayBye, unpark, watchPeerReturn,
} from './session-parking.js';
import { LEAVE_REASON, ROLE } from './wire.js';

/** The peer left signaling or the call, parked, or was refused as absent: what we sent before may be lost. */
function notePeerAway(s, p) {
  p.peerAwayAt = s.now;
}

/**
 * The other members as the welcome lists them: its peers, or, from an older server, the one peer its
 * own fields describe.
 * @returns {{peerID: string, present: boolean, parked: boolean, role: string, polite: boolean}[]}
 */
export function welcomePeers(msg) {
  if (Array.isArray(msg.peers)) return msg.peers.filter((e) => e && typeof e.peerID === 'string');
  if (typeof msg.peerID !== 'string') return [];
  return [{ peerID: msg.peerID, present: msg.peerPresent, parked: msg.peerParked, role: msg.role, polite: msg.polite }];
}

export function welcomed(s, msg) {
  const f = s.f;
  f.iceServers = msg.iceServers ?? [];
  if (typeof msg.userID === 'string') f.self = msg.userID.toLowerCase();
  Object.assign(f.view, { welcomed: true, signalingUp: true, parked: false });
  const newcomers = [];
  for (const entry of welcomePeers(msg)) {
    const id = entry.peerID.toLowerCase();
    f.peers[id] ??= newPair(id);
    if (entry.present && !inCall(f.peers[id])) newcomers.push(f.peers[id]);
    welcomedWith(s, f.peers[id], entry);
  }
  // Someone joined while our socket was away (the doorkeeper coming back after a hang-up, say): no
  // peer-joined will say so, so call the members parked with us back now, as peerJoined would.
  for (const p of newcomers) callBackParked(s, p);
  afterPresence(s);
}

/** Someone new (or back after leaving) is on signaling: the members parked with us must come back to meet them. */
function callBackParked(s, newcomer) {
  for (const q of pairs(s.f)) {
    if (q !== newcomer && q.view.peerParked) callPeer(s, q, newcomer.id);
  }
}

/** What the welcome says about one peer. */
function welcomedWith(s, p, entry) {
  p.polite = Boolean(entry.polite);
  const peerPresent = Boolean(entry.present);
  const peerParked = !peerPresent && Boolean(entry.parked);
  const peerGone = !peerPresent && !peerParked;
  // Why the peer left stays known until they are back: a page that closed while parked told us
  // (PEER.LEAVING) but could not tell the server, which still lists it as parked.
  Object.assign(p.view, { peerPresent, peerParked, peerLeft: peerPresent ? null : p.view.peerLeft });
  // Tell the peer directly: two pages coming back at the same moment can each be welcomed as if
  // the other were still parked, and the server relays to both all the same.
  sendData(s, p, { kind: PEER.BACK });
  if (established(p)) {
    // Our socket came back (unparked, or after a drop) while the call we had works or recovers:
    // keep it. If the peer left meanwhile and the media stopped, say so.
    if (peerGone && p.call.connection !== 'connected') gone(s, p, LEAVE_REASON.DISCONNECTED);
    else resync(s, p);
  } else {
    const hadPeer = p.view.wasConnected;
    dropCall(s, p);
    if (peerPresent && entry.role === ROLE.OFFERER) build(s, p, true);
    else if (peerGone && hadPeer) gone(s, p, LEAVE_REASON.DISCONNECTED); // they left while we were away
  }
}

export function peerJoined(s, p) {
  const newcomer = !inCall(p); // never joined, or left: no connection with us that could stand
  Object.assign(p.view, { peerPresent: true, peerParked: false, peerLeft: null });
  // An offer of ours made after they were last seen going away reaches them (the server relays it,
  // or refuses it with peer-absent, which comes first): keep it. On a fresh connection (a rebuild),
  // if their offer crosses it the polite side yields (classifyOffer); dropping it as well would
  // leave both sides answering a connection the other had dropped.
  if (!offerReachesPeer(p)) {
    if (established(p)) resync(s, p); // they came back (unparked, or reconnected); the call stands
    else dropCall(s, p); // their welcome made them the offerer: wait for their offer
  }
  // Only a page on signaling hears this, the doorkeeper among them.
  if (newcomer) callBackParked(s, p);
  afterPresence(s);
}

export function peerLeft(s, p, reason) {
  notePeerAway(s, p);
  Object.assign(p.view, { peerPresent: false, peerParked: false });
  // Their signaling dropped but the media flows: wait for them to come back.
  if (reason !== LEAVE_REASON.HANGUP && p.call?.connection === 'connected') return;
  gone(s, p, reason === LEAVE_REASON.HANGUP ? LEAVE_REASON.HANGUP : LEAVE_REASON.DISCONNECTED);
}

/**
 * A message of ours was dropped because the peer holds no socket: parked, if its page is alive.
 * p: the peer the refusal names; null when it names none in a call of three or four, when every pair
 * with an offer of ours out is treated as refused (the others have nothing in flight that matters).
 */
export function peerAbsent(s, p) {
  const refused = p ? [p] : pairs(s.f).filter((q) => q.call?.leader && offering(q.call));
  for (const q of refused) {
    const alive = q.call?.channel === 'open';
    notePeerAway(s, q);
    Object.assign(q.view, { peerPresent: false, peerParked: q.view.peerParked || alive });
    if (q.call?.leader && offering(q.call)) {
      // Our offer did not reach them: undo it (a new restart waits for a stable state, so it would
      // never offer again), call them back, and offer again once they are there.
      q.pendingCause ??= 'requested';
      callPeer(s, q);
      resync(s, q);
    }
  }
  afterPresence(s);
}

/** The peer is gone (hung up, or disconnected for good). */
export function gone(s, p, reason) {
  notePeerAway(s, p);
  dropCall(s, p);
  Object.assign(p.view, { peerPresent: false, peerParked: false, peerLeft: reason, wasConnected: false });
  p.pendingCause = null;
  // A hang-up ends a call of two for both: leave it too, so nothing waits open for a call that is
  // over. In a call of three or four it removes only that person; the others go on.
  if (reason === LEAVE_REASON.HANGUP && !isGroup(s.f)) sayBye(s);
  afterPresence(s);
}

/**
 * A socket came back while the call stood: an offer of ours sent meanwhile may be lost, so undo it
 * (the 'rollback' effect answers with a 'rollback-done' event) and make it again once the peer is
 * there, with any recovery that waited for them.
 */
function resync(s, p) {
  if (!p.call.leader || p.call.signaling !== 'have-local-offer') return;
  p.pendingCause ??= 'requested';
  p.rollingBack = true;
  s.do({ type: 'rollback', peer: p.id, call: p.call.id, purpose: 'resync' });
}

/** Every member in the call can be reached through the server (whenSignaling's answer). */
function allReachable(f) {
  return pairs(f).every((p) => !inCall(p) || peerReachable(f, p));
}

/** After presence changed: run what waited for a peer, watch parked peers' return, reconsider parking. */
export function afterPresence(s) {
  const f = s.f;
  if (f.waiters > 0 && f.view.signalingUp && allReachable(f)) {
    f.waiters = 0;
    s.do({ type: 'resolve-waiters' });
  }
  for (const p of pairs(f)) {
    const step = pendingRecoveryStep({
      pending: (p.pendingCause !== null || Boolean(p.call?.offerHeld)) && p.call !== null && !p.rollingBack,
      signalingUp: f.view.signalingUp,
      peerPresent: p.view.peerPresent,
      peerParked: p.view.peerParked,
      parked: f.socket.parked,
    });
    if (step === 'run') {
      const cause = p.pendingCause;
      p.pendingCause = null;
      if (cause) recover(s, p, cause);
      if (offerIfHeld(s, p)) s.trace(`${p.id}: held offer made`);
    } else if (step === 'call-peer') {
      s.trace(`${p.id}: pending recovery: call peer`);
      callPeer(s, p);
    }
    watchPeerReturn(s, p);
  }
  considerParking(s);
}

/** What the pair's peer said over the data channel; what is not about the call goes to the page. */
export function peerSaid(s, p, msg) {
  const f = s.f;
  if (Object.values(PEER).includes(msg.kind)) s.trace(`${p.id} says ${msg.kind}`);
  switch (msg.kind) {
    case PEER.RESTART_ICE:
      if (p.call.leader) recover(s, p, 'requested');
      break;
    case PEER.BYE:
      gone(s, p, LEAVE_REASON.HANGUP); // seen even while signaling is parked or down
      break;
    case PEER.LEAVING:
      gone(s, p, LEAVE_REASON.DISCONNECTED); // their page is closing or reloading
      break;
    case PEER.PARKED:
      // The server would refuse what we send them now; an offer of ours in flight needs them back.
      notePeerAway(s, p);
      Object.assign(p.view, { peerPresent: false, peerParked: true });
      if (p.call.leader && offering(p.call)) {
        p.pendingCause ??= 'requested';
        callPeer(s, p);
      }
      afterPresence(s);
      break;
    case PEER.UNPARK:
      // Called back to meet a newcomer: our own welcome will show them, and we connect to them.
      // Otherwise the peer must negotiate with us: stay until its offer came.
      if (typeof msg.newcomer !== 'string') holdForPeer(s, p);
      // Already on signaling, no new welcome will tell the peer we are there (its offer may have
      // met peer-absent while our gateway woke): say so directly.
      if (f.view.signalingUp) sendData(s, p, { kind: PEER.BACK });
      unpark(s);
      considerParking(s);
      break;
    case PEER.BACK:
      Object.assign(p.view, { peerPresent: true, peerParked: false, peerLeft: null });
      afterPresence(s);
      break;
    default:
      s.do({ type: 'peer-message', peer: p.id, message: msg });
  }
}

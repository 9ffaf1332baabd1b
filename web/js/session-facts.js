// What the session knows, and the step that changes it: the session's rules (session-rules.js and the
// session-*.js modules it uses) are a pure function of (facts, event) → (facts, effects); session.js
// carries the effects out. Nothing here touches the DOM, a WebSocket, an RTCPeerConnection, a timer or
// the clock: the time and what the live objects look like come in each event.
//
// A call is a full mesh: this page has one pair with each other member (facts.peers, keyed by the
// peer's user ID as the server spells it), each pair with its own RTCPeerConnection, its own roles and
// its own recovery; the signaling socket, and so parking, belong to the page. A call of two is the
// mesh with one pair.
//
// An event is {type, ...what happened, now, seen?: {calls, ws}}: now is performance.now(); seen is what
// the runner sees of the live objects: calls, each pair's current connection by peer (Call.observe()
// with its id, null when there is none), and ws, the current socket's state
// ('connecting'|'open'|'closing'|'closed'|null). What is left out of seen (as unit tests may), the
// facts keep as they knew it. Within one step the facts follow the step's own effects (a call built,
// an offer started, a socket closed), as the live objects would.
import { callHealthy } from './parking.js';

/**
 * @param {number} now performance.now() when the session was made
 * @returns the facts of a page that has not connected yet
 */
export function initialFacts(now) {
  return {
    /** What the page's status is worked out from (call-view.js); each pair has its own part. */
    view: { over: null, welcomed: false, signalingUp: false, parked: false, info: null },
    /** This page's user ID as the server spells it (welcome), for the doorkeeper's order (parking.js). */
    self: null,
    /** One pair per other member of the call, by peer ID, as the server listed them (newPair). */
    peers: {},
    /**
     * The signaling socket: id of the current one (0: none yet), its state, and what signaling.js used
     * to keep: stopped (for good), parked (closed on purpose until unparked), attempt (for the backoff),
     * byeOnOpen and byeFrame (a hang-up's bye waits for the socket being opened).
     */
    socket: { id: 0, ws: null, stopped: false, parked: false, attempt: 0, byeOnOpen: false, byeFrame: null },
    callsBuilt: 0, // connections built so far, with every peer: each one's id
    iceServers: [],
    lastSignalAt: now, // last message sent or received on the socket
    waiters: 0, // whenSignaling() calls not answered yet
    /** Which of the page's named timers are armed (the runner holds the real ones); pairs have their own. */
    timers: { park: false, reconnect: false },
    /** What tests and curious people can read (window.__videocall), over all pairs. */
    counts: { sent: {}, iceRestarts: 0, restartRequests: 0, rebuilds: 0, parks: 0, unparks: 0 },
  };
}

/** The page's pair with one other member, before anything is known of them. */
export function newPair(id) {
  return {
    id,
    /** What this pair's part of the status is worked out from (call-view.js's Facts, the peer's half). */
    view: { peerPresent: false, peerParked: false, peerLeft: null, connection: null, wasConnected: false },
    /** The current connection as last seen (Call.observe() and an id), or as built since; null when there is none. */
    call: null,
    polite: false, // this page's part in perfect negotiation with this peer (welcome)
    restarted: false, // an ICE restart was tried since the connection was last healthy
    failedRebuilds: 0, // rebuilds since the connection was last healthy
    /** A recovery that waits until the server says the peer is there (recovery.js, 'call-peer'). */
    pendingCause: null,
    rollingBack: false, // an offer of ours is being undone (resync)
    holdUntil: 0, // the peer called us back to signaling: stay until its offer came, or until then
    peerAwayAt: 0, // when the peer was last seen going away
    timers: { stall: false, peerReturn: false },
  };
}

/** A connection just built (call.js's constructor): nothing negotiated, the leader's channel connecting. */
export function freshCall(id, leader) {
  return {
    id, leader, signaling: 'stable', connection: 'new', ice: 'new', channel: leader ? 'connecting' : null,
    makingOffer: false, offerHeld: false, offeredAt: -Infinity, everConnected: false, channelClosed: false, remoteSdp: null,
  };
}

/** The pairs in the order the server listed them. */
export function pairs(f) {
  return Object.values(f.peers);
}

/**
 * The pair a server message is about: the peer it names (a relay's from, a presence message's peerID),
 * or, when it names none (an older server), the only peer of a call of two. Null when there is none.
 */
export function pairOf(f, peerId) {
  if (typeof peerId === 'string') return f.peers[peerId.toLowerCase()] ?? null;
  const all = pairs(f);
  return all.length === 1 ? all[0] : null;
}

/** A call of three or four: a hang-up removes only that person (a call of two ends for both). */
export function isGroup(f) {
  return pairs(f).length > 1;
}

/** One event's worth of change: a copy of the facts to change, and the effects in the order they happen. */
export class Step {
  constructor(facts, event) {
    this.f = structuredClone(facts);
    this.now = event.now;
    this.effects = [];
    const seen = event.seen ?? {};
    for (const [peer, call] of Object.entries(seen.calls ?? {})) {
      if (this.f.peers[peer]) this.f.peers[peer].call = call && { ...call };
    }
    if (seen.ws !== undefined) this.f.socket.ws = seen.ws;
  }

  do(effect) {
    this.effects.push(effect);
  }

  trace(what) {
    this.do({ type: 'trace', what });
  }

  /** Arms a named timer: the page's, or the pair's when one is given. */
  startTimer(name, ms, pair = null) {
    (pair ?? this.f).timers[name] = true;
    this.do(pair ? { type: 'start-timer', name, peer: pair.id, ms } : { type: 'start-timer', name, ms });
  }

  stopTimer(name, pair = null) {
    const timers = (pair ?? this.f).timers;
    if (!timers[name]) return;
    timers[name] = false;
    this.do(pair ? { type: 'stop-timer', name, peer: pair.id } : { type: 'stop-timer', name });
  }
}

/** An offer of ours is being made, or was sent and not answered yet. */
export function offering(call) {
  return call.makingOffer || call.signaling === 'have-local-offer';
}

/** The call is established with this peer: media flowed on it and its data channel still stands. */
export function established(p) {
  return Boolean(p.call?.everConnected && !p.call.channelClosed);
}

export function healthy(p) {
  return Boolean(p.call) && callHealthy(p.call);
}

/** The server would relay to this peer now: our socket is up and theirs is. */
export function peerReachable(f, p) {
  return f.view.signalingUp && p.view.peerPresent;
}

/**
 * The peer is in the call as far as this page knows: connected to the server, parked, or with a
 * connection to us. A peer not in it has not joined yet, or left (parking.js's doorkeeper) — also one
 * the server still lists as parked after its page told us it was closing (PEER.LEAVING), which a
 * parked page cannot tell the server.
 */
export function inCall(p) {
  return p.view.peerPresent || (p.view.peerParked && !p.view.peerLeft) || p.call !== null;
}

/** An offer of ours is out (or being made) since the peer was last seen going away, and not being undone. */
export function offerReachesPeer(p) {
  const call = p.call;
  if (!call?.leader || !offering(call) || p.rollingBack) return false;
  return call.makingOffer || call.offeredAt > p.peerAwayAt;
}

/** Sends to the peer on the pair's data channel if it is open; whether it was. */
export function sendData(s, p, message) {
  if (p.call?.channel !== 'open') return false;
  s.do({ type: 'send-data', peer: p.id, message });
  return true;
}

/** Whether the offer held while the peer could not be reached goes now (call.js's offerIfHeld); notes it if so. */
export function heldOfferGoes(call) {
  if (!call?.offerHeld || !call.leader || call.signaling !== 'stable') return false;
  Object.assign(call, { offerHeld: false, makingOffer: true });
  return true;
}

/** Makes the held offer, if it can go now; whether it did. */
export function offerIfHeld(s, p) {
  if (!heldOfferGoes(p.call)) return false;
  s.do({ type: 'offer-if-held', peer: p.id });
  return true;
}

// What the session knows, and the step that changes it: the session's rules (session-rules.js and the
// session-*.js modules it uses) are a pure function of (facts, event) → (facts, effects); session.js
// carries the effects out. Nothing here touches the DOM, a WebSocket, an RTCPeerConnection, a timer or
// the clock: the time and what the live objects look like come in each event.
//
// An event is {type, ...what happened, now, seen?: {call, ws}}: now is performance.now(); seen is what
// the runner sees of the live objects: call, the current connection (Call.observe() with its id, null
// when there is none), and ws, the current socket's state ('connecting'|'open'|'closing'|'closed'|null).
// What is left out of seen (as unit tests may), the facts keep as they knew it. Within one step the
// facts follow the step's own effects (a call built, an offer started, a socket closed), as the live
// objects would.
import { callHealthy } from './parking.js';

/**
 * @param {number} now performance.now() when the session was made
 * @returns the facts of a page that has not connected yet
 */
export function initialFacts(now) {
  return {
    /** What the status is worked out from (call-view.js's Facts). */
    view: {
      over: null, welcomed: false, signalingUp: false, parked: false, peerPresent: false, peerParked: false,
      peerLeft: null, connection: null, wasConnected: false, info: null,
    },
    /**
     * The signaling socket: id of the current one (0: none yet), its state, and what signaling.js used
     * to keep: stopped (for good), parked (closed on purpose until unparked), attempt (for the backoff),
     * byeOnOpen and byeFrame (a hang-up's bye waits for the socket being opened).
     */
    socket: { id: 0, ws: null, stopped: false, parked: false, attempt: 0, byeOnOpen: false, byeFrame: null },
    /** The current connection as last seen (Call.observe() and an id), or as built since; null when there is none. */
    call: null,
    callsBuilt: 0,
    iceServers: [],
    polite: false,
    restarted: false, // an ICE restart was tried since the connection was last healthy
    failedRebuilds: 0, // rebuilds since the connection was last healthy
    /** A recovery that waits until the server says the peer is there (recovery.js, 'call-peer'). */
    pendingCause: null,
    rollingBack: false, // an offer of ours is being undone (resync)
    lastSignalAt: now, // last message sent or received on the socket
    holdUntil: 0, // the peer called us back to signaling: stay until its offer came, or until then
    peerAwayAt: 0, // when the peer was last seen going away
    waiters: 0, // whenSignaling() calls not answered yet
    /** Which named timers are armed (the runner holds the real ones). */
    timers: { stall: false, park: false, peerReturn: false, reconnect: false },
    /** What tests and curious people can read (window.__videocall). */
    counts: { sent: {}, iceRestarts: 0, restartRequests: 0, rebuilds: 0, parks: 0, unparks: 0 },
  };
}

/** A connection just built (call.js's constructor): nothing negotiated, the leader's channel connecting. */
export function freshCall(id, leader) {
  return {
    id, leader, signaling: 'stable', connection: 'new', ice: 'new', channel: leader ? 'connecting' : null,
    makingOffer: false, offerHeld: false, offeredAt: -Infinity, everConnected: false, channelClosed: false, remoteSdp: null,
  };
}

/** One event's worth of change: a copy of the facts to change, and the effects in the order they happen. */
export class Step {
  constructor(facts, event) {
    this.f = structuredClone(facts);
    this.now = event.now;
    this.effects = [];
    const seen = event.seen ?? {};
    if (seen.call !== undefined) this.f.call = seen.call && { ...seen.call };
    if (seen.ws !== undefined) this.f.socket.ws = seen.ws;
  }

  do(effect) {
    this.effects.push(effect);
  }

  trace(what) {
    this.do({ type: 'trace', what });
  }

  startTimer(name, ms) {
    this.f.timers[name] = true;
    this.do({ type: 'start-timer', name, ms });
  }

  stopTimer(name) {
    if (!this.f.timers[name]) return;
    this.f.timers[name] = false;
    this.do({ type: 'stop-timer', name });
  }
}

/** An offer of ours is being made, or was sent and not answered yet. */
export function offering(call) {
  return call.makingOffer || call.signaling === 'have-local-offer';
}

/** The call is established with this peer: media flowed on it and its data channel still stands. */
export function established(f) {
  return Boolean(f.call?.everConnected && !f.call.channelClosed);
}

export function healthy(f) {
  return Boolean(f.call) && callHealthy(f.call);
}

export function peerReachable(f) {
  return f.view.signalingUp && f.view.peerPresent;
}

/** An offer of ours is out (or being made) since the peer was last seen going away, and not being undone. */
export function offerReachesPeer(f) {
  const call = f.call;
  if (!call?.leader || !offering(call) || f.rollingBack) return false;
  return call.makingOffer || call.offeredAt > f.peerAwayAt;
}

/** Sends on the data channel if it is open; whether it was. */
export function sendData(s, message) {
  if (s.f.call?.channel !== 'open') return false;
  s.do({ type: 'send-data', message });
  return true;
}

/** Whether the offer held while the peer could not be reached goes now (call.js's offerIfHeld); notes it if so. */
export function heldOfferGoes(call) {
  if (!call?.offerHeld || !call.leader || call.signaling !== 'stable') return false;
  Object.assign(call, { offerHeld: false, makingOffer: true });
  return true;
}

/** Makes the held offer, if it can go now; whether it did. */
export function offerIfHeld(s) {
  if (!heldOfferGoes(s.f.call)) return false;
  s.do({ type: 'offer-if-held' });
  return true;
}

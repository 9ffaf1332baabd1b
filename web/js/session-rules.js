// The call's life on this page as one pure function: decide(facts, event) → {facts, effects}. Events
// are what happened (a server message, a socket closing, a connection changing, a timer, a person
// hanging up); effects are what to do about it, as plain data, carried out in order by session.js.
// The page has one pair per other member (session-facts.js): what concerns one peer names it (a
// relay's from, a presence message's peerID, a connection's peer), and only that pair decides.
// Unit-tested in Node (e2e/session-rules.test.mjs, session-mesh.test.mjs); the facts and the event's
// shape: session-facts.js.
//
// Events: connect · socket-open {socket} · socket-closed {socket, code, random} · message {socket,
// message} · online · timer {name, peer?} · info-expired {message} · hang-up · leave · fail {message,
// code} · inform {message, forMs} · restart-ice {peer?} · when-signaling · rollback-done {peer, call,
// purpose, ok} · and from a pair's connection, each with its peer and the callId it came from (an
// older connection's are ignored): remote-stream, changed, unwell {cause}, negotiation-failed {step},
// channel-open, channel-closed, peer-says {message}, offer-wanted; call-sends {message} (an older
// connection's too: what it sends still goes).
//
// Effects: open-socket {socket} · close-socket {code, reason} · send {frame} · start-timer {name,
// peer?, ms} · stop-timer {name, peer?} · after {ms, event} · resolve-waiters · trace {what} · warn
// {message, detail}; and for one pair, naming its peer: build-call {call, leader, iceServers} ·
// close-call {graceful} · send-data {message} · accept-offer {sdp} · accept-answer {sdp} ·
// add-candidate {ice} · ignore-offer · restart-ice · offer-if-held · rollback {call, purpose} ·
// channel {open} · call-gone · show-remote {stream} · peer-message {message}.
// What the page shows is worked out from facts.view and each pair's view (call-view.js) after each event.
import { PEER } from './peer-messages.js';
import {
  changed, dropCall, negotiationFailed, offered, offerWanted, rebuild, recover,
} from './session-connection.js';
import {
  inCall, pairOf, pairs, Step, sendData,
} from './session-facts.js';
import {
  callPeer, considerParking, noteSignal, sayBye, sendFrame, stopTimers, unpark, waitingForPeer,
} from './session-parking.js';
import {
  afterPresence, gone, peerAbsent, peerJoined, peerLeft, peerSaid, welcomed,
} from './session-presence.js';
import * as socket from './session-socket.js';
import { ERROR, LEAVE_REASON, TYPE } from './wire.js';

const TRANSIENT_NOTICE_MS = 5000;

/**
 * @param {object} facts what the session knows (initialFacts in session-facts.js); not changed
 * @param {{type: string, now: number}} event what happened, with the time and observations
 * @returns {{facts: object, effects: object[]}}
 */
export function decide(facts, event) {
  const s = new Step(facts, event);
  if (event.callId === undefined) {
    HANDLERS[event.type]?.(s, event);
  } else {
    // From a connection: only the pair's current one is listened to.
    const p = s.f.peers[event.peer];
    if (p && event.callId === p.call?.id) CALL_HANDLERS[event.type]?.(s, p, event);
  }
  return { facts: s.f, effects: s.effects };
}

function end(s, state, message, code) {
  for (const p of pairs(s.f)) dropCall(s, p);
  stopTimers(s);
  s.f.view.over = { state, message, code };
}

function inform(s, message, forMs) {
  s.f.view.info = message;
  if (forMs) s.do({ type: 'after', ms: forMs, event: { type: 'info-expired', message } });
}

function onMessage(s, { socket: id, message: msg }) {
  const f = s.f;
  if (id !== f.socket.id || f.view.over || f.socket.stopped) return; // an older socket's, or too late
  const about = msg.type === TYPE.WELCOME ? null : msg.from ?? msg.peerID ?? null;
  s.trace(`got ${msg.type}${msg.code ? ` ${msg.code}` : ''}${about ? ` (${about})` : ''}`);
  noteSignal(s);
  if (msg.type === TYPE.WELCOME) {
    welcomed(s, msg);
    return;
  }
  if (msg.type === TYPE.ERROR) {
    s.do({ type: 'warn', message: 'server refused a message', detail: [msg.code, msg.message] });
    if (msg.code === ERROR.RATE_LIMITED) inform(s, 'Too many messages; slowing down.', TRANSIENT_NOTICE_MS);
    if (msg.code === ERROR.PEER_ABSENT) peerAbsent(s, pairOf(f, msg.peerID ?? msg.to));
    return;
  }
  // Relays name their sender (from), presence messages the peer (peerID); an older server names
  // nobody in a call of two.
  const p = pairOf(f, msg.type === TYPE.PEER_JOINED || msg.type === TYPE.PEER_LEFT ? msg.peerID : msg.from);
  if (!p) {
    s.do({ type: 'warn', message: 'a message about someone not in this call', detail: [msg.type, msg.from ?? msg.peerID] });
    return;
  }
  switch (msg.type) {
    case TYPE.PEER_JOINED: return peerJoined(s, p);
    case TYPE.PEER_LEFT: return peerLeft(s, p, msg.reason);
    case TYPE.OFFER: return offered(s, p, msg.sdp);
    case TYPE.ANSWER:
      if (p.call) s.do({ type: 'accept-answer', peer: p.id, sdp: msg.sdp });
      return undefined;
    case TYPE.CANDIDATE:
      if (p.call) s.do({ type: 'add-candidate', peer: p.id, ice: msg.ice });
      return undefined;
    default:
      return undefined;
  }
}

const HANDLERS = {
  connect: (s) => socket.connect(s),
  'socket-open': (s, e) => socket.opened(s, e.socket),
  'socket-closed': (s, e) => {
    const outcome = socket.closed(s, e.socket, e.code, e.random);
    if (outcome?.final) end(s, 'error', outcome.message, e.code);
    else if (outcome) Object.assign(s.f.view, { signalingUp: false, parked: false });
  },
  online: (s) => socket.online(s),
  message: onMessage,
  timer: (s, e) => {
    const p = e.peer === undefined ? null : s.f.peers[e.peer];
    if (p) pairTimer(s, p, e.name);
    else if (e.peer === undefined) pageTimer(s, e.name);
  },
  'info-expired': (s, e) => {
    if (s.f.view.info === e.message) s.f.view.info = null;
  },

  // What the person (or a test) does.
  /** Hangs up: tells the peers (peer to peer as well, so it is seen while either side is parked). */
  'hang-up': (s) => {
    if (s.f.view.over) return;
    for (const p of pairs(s.f)) sendData(s, p, { kind: PEER.BYE });
    sayBye(s);
    // The channels send the bye before the connections close.
    for (const p of pairs(s.f)) dropCall(s, p, { graceful: true });
    end(s, 'ended', 'Call ended. You can close this tab.');
  },
  /** The page is going away: close the socket, so the peers hear at once; a parked page can only tell the peers. */
  leave: (s) => {
    if (s.f.view.over) return;
    for (const p of pairs(s.f)) sendData(s, p, { kind: PEER.LEAVING });
    socket.stop(s);
  },
  /** The call cannot start or go on (a broken link, no WebRTC). */
  fail: (s, e) => end(s, 'error', e.message, e.code),
  /** A notice that is not about recovery (camera blocked, too many messages); null clears it. */
  inform: (s, e) => inform(s, e.message, e.forMs),
  /** An ICE restart asked for here, with one peer or all: the side leading each connection makes it. */
  'restart-ice': (s, e) => {
    for (const p of pairs(s.f)) if (e.peer === undefined || e.peer === p.id) recover(s, p, 'requested');
  },
  /** Brings this side and the peers back to signaling; resolve-waiters once the server says all are there. */
  'when-signaling': (s) => {
    s.f.waiters += 1;
    unpark(s);
    for (const p of pairs(s.f)) if (inCall(p)) callPeer(s, p);
    afterPresence(s);
  },
  /** What a connection sends goes to its peer through the server, an older connection's too. */
  'call-sends': (s, e) => {
    if (s.f.peers[e.peer]) sendFrame(s, { ...e.message, to: e.peer });
  },
  /** A rollback ended (ok: it worked); for a connection since replaced, only the resync's flag is cleared. */
  'rollback-done': (s, e) => {
    const p = s.f.peers[e.peer];
    if (!p) return;
    if (e.purpose === 'resync') p.rollingBack = false;
    if (e.call !== p.call?.id) return;
    if (!e.ok) rebuild(s, p);
    else if (e.purpose === 'resync') afterPresence(s);
  },
};

function pageTimer(s, name) {
  s.f.timers[name] = false;
  if (name === 'reconnect') socket.connect(s);
  else if (name === 'park') considerParking(s);
}

function pairTimer(s, p, name) {
  p.timers[name] = false;
  if (name === 'stall') recover(s, p, 'stalled');
  else if (name === 'peerReturn' && waitingForPeer(s.f, p)) gone(s, p, LEAVE_REASON.DISCONNECTED);
}

/** What a pair's current connection reports (see decide). */
const CALL_HANDLERS = {
  'remote-stream': (s, p, e) => s.do({ type: 'show-remote', peer: p.id, stream: e.stream }),
  changed: (s, p) => changed(s, p),
  unwell: (s, p, e) => recover(s, p, e.cause),
  'negotiation-failed': (s, p, e) => negotiationFailed(s, p, e.step),
  'channel-open': (s, p) => {
    s.do({ type: 'channel', peer: p.id, open: true });
    considerParking(s);
  },
  'channel-closed': (s, p) => {
    s.do({ type: 'channel', peer: p.id, open: false });
    afterPresence(s); // their side is gone, or the path broke: back to signaling to find out
  },
  'peer-says': (s, p, e) => peerSaid(s, p, e.message),
  'offer-wanted': (s, p) => offerWanted(s, p),
};

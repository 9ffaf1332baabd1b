// The call's life on this page as one pure function: decide(facts, event) → {facts, effects}. Events
// are what happened (a server message, a socket closing, the connection changing, a timer, a person
// hanging up); effects are what to do about it, as plain data, carried out in order by session.js.
// Unit-tested in Node (e2e/session-rules.test.mjs); the facts and the event's shape: session-facts.js.
//
// Events: connect · socket-open {socket} · socket-closed {socket, code, random} · message {socket,
// message} · online · timer {name} · info-expired {message} · hang-up · leave · fail {message, code} ·
// inform {message, forMs} · restart-ice · when-signaling · rollback-done {call, purpose, ok} · and from
// the connection: call-sends {message} (an older connection's too: what it sends still goes) ·
// remote-stream, changed, unwell {cause}, negotiation-failed {step}, channel-open, channel-closed,
// peer-says {message}, offer-wanted, each with the callId it came from: an older connection's are
// ignored.
//
// Effects: open-socket {socket} · close-socket {code, reason} · send {frame} · build-call {call, leader,
// iceServers} · close-call {graceful} · send-data {message} · accept-offer {sdp} · accept-answer {sdp} ·
// add-candidate {ice} · ignore-offer · restart-ice · offer-if-held · rollback {call, purpose} ·
// start-timer {name, ms} · stop-timer {name} · after {ms, event} · channel {open} · call-gone ·
// show-remote {stream} · peer-message {message} · resolve-waiters · trace {what} · warn {message, detail}.
// What the page shows is worked out from facts.view (call-view.js) after each event.
import { PEER } from './peer-messages.js';
import {
  changed, dropCall, negotiationFailed, offered, offerWanted, rebuild, recover,
} from './session-connection.js';
import { Step, sendData } from './session-facts.js';
import {
  callPeer, considerParking, noteSignal, sayBye, sendFrame, stopTimers, waitingForPeer,
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
  const fromCurrentCall = event.callId === undefined || event.callId === s.f.call?.id;
  if (fromCurrentCall) HANDLERS[event.type]?.(s, event);
  return { facts: s.f, effects: s.effects };
}

function end(s, state, message, code) {
  dropCall(s);
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
  s.trace(`got ${msg.type}${msg.code ? ` ${msg.code}` : ''}`);
  noteSignal(s);
  switch (msg.type) {
    case TYPE.WELCOME: return welcomed(s, msg);
    case TYPE.PEER_JOINED: return peerJoined(s);
    case TYPE.PEER_LEFT: return peerLeft(s, msg.reason);
    case TYPE.OFFER: return offered(s, msg.sdp);
    case TYPE.ANSWER:
      if (f.call) s.do({ type: 'accept-answer', sdp: msg.sdp });
      return undefined;
    case TYPE.CANDIDATE:
      if (f.call) s.do({ type: 'add-candidate', ice: msg.ice });
      return undefined;
    case TYPE.ERROR:
      s.do({ type: 'warn', message: 'server refused a message', detail: [msg.code, msg.message] });
      if (msg.code === ERROR.RATE_LIMITED) inform(s, 'Too many messages; slowing down.', TRANSIENT_NOTICE_MS);
      if (msg.code === ERROR.PEER_ABSENT) peerAbsent(s);
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
    s.f.timers[e.name] = false;
    if (e.name === 'reconnect') socket.connect(s);
    else if (e.name === 'park') considerParking(s);
    else if (e.name === 'stall') recover(s, 'stalled');
    else if (e.name === 'peerReturn' && waitingForPeer(s.f)) gone(s, LEAVE_REASON.DISCONNECTED);
  },
  'info-expired': (s, e) => {
    if (s.f.view.info === e.message) s.f.view.info = null;
  },

  // What the person (or a test) does.
  /** Hangs up: tells the peer (peer to peer as well, so it is seen while either side is parked). */
  'hang-up': (s) => {
    if (s.f.view.over) return;
    sendData(s, { kind: PEER.BYE });
    sayBye(s);
    dropCall(s, { graceful: true }); // the channel sends the bye before the connection closes
    end(s, 'ended', 'Call ended. You can close this tab.');
  },
  /** The page is going away: close the socket, so the peer hears at once; a parked page can only tell the peer. */
  leave: (s) => {
    if (s.f.view.over) return;
    sendData(s, { kind: PEER.LEAVING });
    socket.stop(s);
  },
  /** The call cannot start or go on (a broken link, no WebRTC). */
  fail: (s, e) => end(s, 'error', e.message, e.code),
  /** A notice that is not about recovery (camera blocked, too many messages); null clears it. */
  inform: (s, e) => inform(s, e.message, e.forMs),
  /** An ICE restart asked for here: the side leading the connection makes it. */
  'restart-ice': (s) => recover(s, 'requested'),
  /** Brings this side and the peer back to signaling; resolve-waiters once the server says both are there. */
  'when-signaling': (s) => {
    s.f.waiters += 1;
    callPeer(s);
    afterPresence(s);
  },

  // What the connection reports (only the current one's: see decide).
  'call-sends': (s, e) => sendFrame(s, e.message),
  'remote-stream': (s, e) => s.do({ type: 'show-remote', stream: e.stream }),
  changed: (s) => changed(s),
  unwell: (s, e) => recover(s, e.cause),
  'negotiation-failed': (s, e) => negotiationFailed(s, e.step),
  'channel-open': (s) => {
    s.do({ type: 'channel', open: true });
    considerParking(s);
  },
  'channel-closed': (s) => {
    s.do({ type: 'channel', open: false });
    afterPresence(s); // their side is gone, or the path broke: back to signaling to find out
  },
  'peer-says': (s, e) => peerSaid(s, e.message),
  'offer-wanted': (s) => offerWanted(s),
  /** A rollback ended (ok: it worked); for a connection since replaced, only the resync's flag is cleared. */
  'rollback-done': (s, e) => {
    if (e.purpose === 'resync') s.f.rollingBack = false;
    if (e.call !== s.f.call?.id) return;
    if (!e.ok) rebuild(s);
    else if (e.purpose === 'resync') afterPresence(s);
  },
};

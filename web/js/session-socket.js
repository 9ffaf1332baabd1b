// The signaling socket's life, as decisions (pure; session.js and signaling.js carry them out): open it,
// reconnect with backoff and jitter after a transient close (at once when the server only restarts),
// stop after a final one (close-codes.js), park it (closed with 4100 while the call goes peer to peer,
// parking.js) and unpark it, close it for good, or say a last bye first. Each socket has an id; what
// an older socket reports is not about the current one and changes nothing.
import { closeOutcome } from './close-codes.js';
import { CLOSE } from './wire.js';

/** Exponential backoff with full jitter: up to 0.5 s, 1 s, 2 s … capped at 15 s. */
export function backoffCapMs(attempt) {
  return Math.min(15000, 500 * 2 ** attempt);
}

function open(s) {
  const socket = s.f.socket;
  socket.id += 1;
  socket.ws = 'connecting';
  s.do({ type: 'open-socket', socket: socket.id });
}

function close(s, code, reason) {
  const socket = s.f.socket;
  if (socket.id === 0) return;
  if (socket.ws === 'connecting' || socket.ws === 'open') socket.ws = 'closing';
  s.do({ type: 'close-socket', code, reason });
}

function sayBye(s, frame) {
  s.do({ type: 'send', frame });
  close(s, CLOSE.NORMAL, 'bye');
}

function reconnectIn(s, ms) {
  s.stopTimer('reconnect');
  s.f.socket.attempt += 1;
  s.startTimer('reconnect', ms);
}

/** Opens a socket (at start, and when the reconnect timer fires), unless signaling has stopped. */
export function connect(s) {
  if (!s.f.socket.stopped) open(s);
}

/** The socket with this id opened; a bye that waited for it goes now. */
export function opened(s, id) {
  const socket = s.f.socket;
  if (id !== socket.id) return;
  socket.ws = 'open';
  socket.attempt = 0;
  if (socket.byeOnOpen) {
    socket.byeOnOpen = false;
    sayBye(s, socket.byeFrame);
  }
}

/**
 * The socket with this id closed (random: a number in [0, 1) for the jitter).
 * @returns {null|{final: true, message: string}|{final: false}} null: nothing to do (an older
 *   socket, or one closed on purpose); final: signaling has stopped; otherwise it reconnects
 */
export function closed(s, id, code, random) {
  const socket = s.f.socket;
  if (id !== socket.id || socket.stopped || socket.parked) return null;
  socket.ws = 'closed';
  const outcome = closeOutcome(code);
  if (outcome.final) {
    socket.stopped = true;
    return outcome;
  }
  reconnectIn(s, outcome.reconnect === 'now' ? 0 : random * backoffCapMs(socket.attempt));
  return outcome;
}

/** The browser is online again: a socket waiting to reconnect tries at once. */
export function online(s) {
  const socket = s.f.socket;
  if (socket.stopped || socket.parked || socket.ws === 'open' || socket.ws === 'connecting') return;
  socket.attempt = 0;
  reconnectIn(s, 0);
}

/** Sends a frame if the socket is open; whether it was. */
export function send(s, frame) {
  if (s.f.socket.ws !== 'open') return false;
  s.do({ type: 'send', frame });
  return true;
}

/** Closes the socket with 4100 PARKED; nothing reconnects it until unpark. */
export function park(s) {
  const socket = s.f.socket;
  if (socket.stopped || socket.parked) return;
  socket.parked = true;
  s.stopTimer('reconnect');
  close(s, CLOSE.PARKED, 'parked');
}

/** Opens the socket again after park; nothing when not parked. */
export function unpark(s) {
  const socket = s.f.socket;
  if (socket.stopped || !socket.parked) return;
  socket.parked = false;
  socket.attempt = 0;
  open(s);
}

/** Closes for good (the page goes away); nothing before the first socket. */
export function stop(s) {
  if (s.f.socket.id === 0) return;
  s.f.socket.stopped = true;
  s.stopTimer('reconnect');
  close(s, CLOSE.NORMAL, 'bye');
}

/**
 * Says a last word (a hang-up's bye) and closes for good. A parked or reconnecting page opens a
 * socket of its own for it: the gateway forwards its open and then the frame, in order, so the server
 * joins and at once leaves. Nothing that socket receives is acted on (signaling has stopped).
 */
export function finish(s, frame) {
  const socket = s.f.socket;
  socket.stopped = true;
  s.stopTimer('reconnect');
  if (socket.ws === 'open') {
    sayBye(s, frame);
    return;
  }
  Object.assign(socket, { byeOnOpen: true, byeFrame: frame });
  if (socket.ws !== 'connecting') open(s);
}

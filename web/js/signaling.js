// The WebSocket to the gateway: sends JSON, hands received messages on, and reconnects with
// backoff and jitter after a transient close. What each close code leads to is in close-codes.js.
// It can also be parked (closed with 4100 while the call goes on peer to peer; see parking.js) and
// unparked (the same link opened again).
import { ArrivalOrder } from './arrival-order.js';
import { closeOutcome } from './close-codes.js';
import { CLOSE } from './wire.js';

export class Signaling {
  /**
   * @param {string} url ws(s)://host/video/connections?userID=…&peerID=… (no token: logs record URLs)
   * @param {string[]} protocols offered in Sec-WebSocket-Protocol: videocall.v1 and token.<token>
   * @param {{onMessage: (msg: object) => void, onFinalClose: (code: number, message: string) => void,
   *          onReconnecting: (code: number) => void}} handlers
   */
  constructor(url, protocols, handlers) {
    this.url = url;
    this.protocols = protocols;
    this.handlers = handlers;
    this.attempt = 0;
    this.stopped = false;
    this.parked = false;
    this.ws = null;
    /** Close codes of this page's sockets, as their close events reported them (for tests). */
    this.closeCodes = [];
    window.addEventListener('online', () => this.#reconnectNow());
  }

  connect() {
    if (this.stopped) return;
    const ws = new WebSocket(this.url, this.protocols);
    this.ws = ws;
    const order = new ArrivalOrder(); // each socket gets its own welcome
    ws.addEventListener('open', () => { this.attempt = 0; });
    ws.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg === null || typeof msg !== 'object') return;
      for (const ready of order.accept(msg)) this.handlers.onMessage(ready);
    });
    ws.addEventListener('close', (event) => {
      this.closeCodes.push(event.code);
      if (this.ws !== ws || this.stopped || this.parked) return;
      const outcome = closeOutcome(event.code);
      if (outcome.final) {
        this.stopped = true;
        this.handlers.onFinalClose(event.code, outcome.message);
        return;
      }
      this.handlers.onReconnecting(event.code);
      this.#scheduleReconnect(outcome.reconnect === 'now' ? 0 : undefined);
    });
  }

  send(message) {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  /** Closes the socket with 4100 PARKED; nothing reconnects it until unpark(). */
  park() {
    if (this.stopped || this.parked) return;
    this.parked = true;
    clearTimeout(this.timer);
    this.ws?.close(CLOSE.PARKED, 'parked');
  }

  /** Opens the link again after park(); a no-op when not parked. */
  unpark() {
    if (this.stopped || !this.parked) return;
    this.parked = false;
    this.attempt = 0;
    this.connect();
  }

  /** Closes for good (the page goes away). */
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(CLOSE.NORMAL, 'bye');
  }

  /**
   * Says a last word (a hang-up's bye) and closes for good. A parked or reconnecting page opens a
   * socket of its own for it: the gateway forwards its open and then the message, in order, so the
   * server joins and at once leaves. Nothing that socket receives is handed on.
   */
  finish(message) {
    this.stopped = true;
    clearTimeout(this.timer);
    const say = (ws) => {
      ws.send(JSON.stringify(message));
      ws.close(CLOSE.NORMAL, 'bye');
    };
    const ws = this.ws;
    if (ws?.readyState === WebSocket.OPEN) {
      say(ws);
    } else if (ws?.readyState === WebSocket.CONNECTING) {
      ws.addEventListener('open', () => say(ws));
    } else {
      const last = new WebSocket(this.url, this.protocols);
      this.ws = last;
      last.addEventListener('open', () => say(last));
      last.addEventListener('close', (event) => this.closeCodes.push(event.code));
    }
  }

  #scheduleReconnect(delayMs) {
    clearTimeout(this.timer);
    // Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … capped at 15 s.
    const cap = Math.min(15000, 500 * 2 ** this.attempt);
    const delay = delayMs ?? Math.random() * cap;
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  #reconnectNow() {
    if (this.stopped || this.parked || this.ws?.readyState === WebSocket.OPEN || this.ws?.readyState === WebSocket.CONNECTING) return;
    this.attempt = 0;
    this.#scheduleReconnect(0);
  }
}

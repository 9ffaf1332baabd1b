// The WebSocket to the gateway: sends JSON, hands received messages on, and reconnects with
// backoff and jitter after a transient close. What each close code leads to is in close-codes.js.
import { ArrivalOrder } from './arrival-order.js';
import { closeOutcome } from './close-codes.js';
import { CLOSE } from './wire.js';

export class Signaling {
  /**
   * @param {string} url ws(s)://host/video/connections?userID=…
   * @param {{onMessage: (msg: object) => void, onFinalClose: (code: number, message: string) => void,
   *          onReconnecting: (code: number) => void}} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.attempt = 0;
    this.stopped = false;
    this.ws = null;
    window.addEventListener('online', () => this.#reconnectNow());
  }

  connect() {
    if (this.stopped) return;
    const ws = new WebSocket(this.url);
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
      if (this.ws !== ws || this.stopped) return;
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

  /** Closes for good (hang-up). */
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(CLOSE.NORMAL, 'bye');
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
    if (this.stopped || this.ws?.readyState === WebSocket.OPEN || this.ws?.readyState === WebSocket.CONNECTING) return;
    this.attempt = 0;
    this.#scheduleReconnect(0);
  }
}

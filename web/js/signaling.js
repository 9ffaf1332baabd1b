// The WebSockets to the gateway, one at a time: opens one with the id the session gave it, sends JSON,
// and reports each socket's open, messages (parsed, in arrival-order.js's order) and close with that
// id. When to open, close, park or reconnect is decided in session-socket.js.
import { ArrivalOrder } from './arrival-order.js';

const STATES = ['connecting', 'open', 'closing', 'closed'];

export class Signaling {
  /**
   * @param {string} url ws(s)://host/video/connections?userID=…&peerID=… (no token: logs record URLs)
   * @param {string[]} protocols offered in Sec-WebSocket-Protocol: videocall.v1 and token.<token>
   * @param {{onOpen: (id: number) => void, onMessage: (id: number, msg: object) => void,
   *          onClose: (id: number, code: number) => void}} handlers
   */
  constructor(url, protocols, handlers) {
    this.url = url;
    this.protocols = protocols;
    this.handlers = handlers;
    /** @type {WebSocket|null} the newest socket */
    this.ws = null;
    /** Close codes of this page's sockets, as their close events reported them (for tests). */
    this.closeCodes = [];
  }

  /** The newest socket's state: 'connecting', 'open', 'closing', 'closed', or null before the first. */
  get state() {
    return this.ws ? STATES[this.ws.readyState] : null;
  }

  open(id) {
    const ws = new WebSocket(this.url, this.protocols);
    this.ws = ws;
    const order = new ArrivalOrder(); // each socket gets its own welcome
    ws.addEventListener('open', () => this.handlers.onOpen(id));
    ws.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg === null || typeof msg !== 'object') return;
      for (const ready of order.accept(msg)) this.handlers.onMessage(id, ready);
    });
    ws.addEventListener('close', (event) => {
      this.closeCodes.push(event.code);
      this.handlers.onClose(id, event.code);
    });
  }

  send(message) {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  close(code, reason) {
    this.ws?.close(code, reason);
  }
}

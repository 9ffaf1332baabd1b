// Puts one socket's server messages back into an order the page can act on.
//
// The server sends messages caused by different connections independently (they travel through
// different queues), so they can arrive out of order: the peer's peer-joined, or even their first
// offer, may come before our own welcome, and after a quick reconnect the peer's new peer-joined may
// come before the peer-left of their old connection. Presence messages carry the call's epoch, which
// grows with every join and leave (docs/protocol.md), so the newest one wins.
import { TYPE } from './wire.js';

const PRESENCE = new Set([TYPE.PEER_JOINED, TYPE.PEER_LEFT]);

export class ArrivalOrder {
  #welcomed = false;
  #held = [];
  #epoch = -Infinity;

  /** Takes one received message; returns the messages to handle now, in order (maybe none). */
  accept(msg) {
    if (msg.type === TYPE.ERROR) return [msg]; // errors concern this socket alone and never wait
    if (!this.#welcomed && msg.type !== TYPE.WELCOME) {
      this.#held.push(msg);
      return [];
    }
    if (msg.type === TYPE.WELCOME) {
      this.#welcomed = true;
      this.#noteEpoch(msg);
      const released = this.#held;
      this.#held = [];
      return [msg, ...released.filter((m) => this.#isCurrent(m))];
    }
    return this.#isCurrent(msg) ? [msg] : [];
  }

  #isCurrent(msg) {
    if (!PRESENCE.has(msg.type)) return true;
    if (typeof msg.epoch === 'number' && msg.epoch <= this.#epoch) return false;
    this.#noteEpoch(msg);
    return true;
  }

  #noteEpoch(msg) {
    if (typeof msg.epoch === 'number') this.#epoch = Math.max(this.#epoch, msg.epoch);
  }
}

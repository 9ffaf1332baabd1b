// Puts one socket's server messages back into an order the page can act on.
//
// The server sends messages caused by different connections independently (they travel through
// different queues), so they can arrive out of order: the peer's peer-joined, or even their first
// offer, may come before our own welcome, and after a quick reconnect the peer's new peer-joined may
// come before the peer-left of their old connection. Presence messages carry the call's epoch, which
// grows with every join and leave (docs/protocol.md), so the newest one about each peer wins. Each
// peer's, not the call's: in a call of three or four, one peer's join and another's leave come from
// different connections and may cross, and neither makes the other stale. The welcome's epoch covers
// everyone it describes.
import { TYPE } from './wire.js';

const PRESENCE = new Set([TYPE.PEER_JOINED, TYPE.PEER_LEFT]);

export class ArrivalOrder {
  #welcomed = false;
  #held = [];
  #welcomeEpoch = -Infinity;
  #epochs = new Map(); // the newest presence epoch seen about each peer (peerID; '' when none is named)

  /** Takes one received message; returns the messages to handle now, in order (maybe none). */
  accept(msg) {
    if (msg.type === TYPE.ERROR) return [msg]; // errors concern this socket alone and never wait
    if (!this.#welcomed && msg.type !== TYPE.WELCOME) {
      this.#held.push(msg);
      return [];
    }
    if (msg.type === TYPE.WELCOME) {
      this.#welcomed = true;
      if (typeof msg.epoch === 'number') this.#welcomeEpoch = msg.epoch;
      const released = this.#held;
      this.#held = [];
      return [msg, ...released.filter((m) => this.#isCurrent(m))];
    }
    return this.#isCurrent(msg) ? [msg] : [];
  }

  #isCurrent(msg) {
    if (!PRESENCE.has(msg.type) || typeof msg.epoch !== 'number') return true;
    const peer = typeof msg.peerID === 'string' ? msg.peerID.toLowerCase() : '';
    if (msg.epoch <= Math.max(this.#welcomeEpoch, this.#epochs.get(peer) ?? -Infinity)) return false;
    this.#epochs.set(peer, msg.epoch);
    return true;
  }
}

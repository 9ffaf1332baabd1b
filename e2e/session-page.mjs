// A page for the unit tests of the session's decisions (web/js/session-rules.js): its facts, a clock,
// and events fed the way session.js feeds them, one at a time; no browser.
import { callView } from '../web/js/call-view.js';
import { initialFacts } from '../web/js/session-facts.js';
import { decide } from '../web/js/session-rules.js';

export const sdp = (session) => `v=0\r\no=- ${session} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;

/** A welcome as the server sends it; the fields given replace the defaults. */
export const welcome = (fields = {}) => ({
  type: 'welcome', role: 'offerer', peerPresent: true, peerParked: false, polite: false, iceServers: [], epoch: 1, ...fields,
});

/** A connection that works: connected, ICE connected, data channel open, nothing being negotiated. */
export const WORKING = {
  signaling: 'stable', connection: 'connected', ice: 'connected', channel: 'open', everConnected: true, remoteSdp: sdp('7'),
};

export class Page {
  constructor() {
    this.facts = initialFacts(0);
    this.now = 0;
    /** Every effect of the last event, traces included. */
    this.effects = [];
  }

  /** Feeds one event at the page's time; returns its effects without the traces. */
  on(type, fields = {}) {
    const { facts, effects } = decide(this.facts, { type, now: this.now, ...fields });
    this.facts = facts;
    this.effects = effects;
    return effects.filter((e) => e.type !== 'trace');
  }

  later(ms) {
    this.now += ms;
    return this;
  }

  /** A server message on the current socket. */
  message(message) {
    return this.on('message', { socket: this.facts.socket.id, message });
  }

  /** The current connection reports an event; state: how it looks now (merged into what was known). */
  fromCall(type, state = {}, fields = {}) {
    return this.on(type, { callId: this.facts.call.id, seen: { call: { ...this.facts.call, ...state } }, ...fields });
  }

  /** The traces of the last event. */
  get traces() {
    return this.effects.filter((e) => e.type === 'trace').map((e) => e.what);
  }

  /** What the page shows now, the peer being bob. */
  get view() {
    return callView(this.facts.view, 'bob');
  }

  /** Connects and is welcomed (as offerer with the peer there, unless told otherwise). */
  static welcomed(fields) {
    const page = new Page();
    page.on('connect');
    page.on('socket-open', { socket: 1 });
    page.message(welcome(fields));
    return page;
  }

  /**
   * A call that works, led by this page: welcomed as offerer, its offer answered, connected, the data
   * channel open, and the socket quiet since.
   */
  static settled() {
    const page = Page.welcomed();
    page.fromCall('offer-wanted', { offerHeld: true });
    page.later(10).on('call-sends', { message: { type: 'offer', sdp: sdp('1') } });
    page.fromCall('changed', { makingOffer: false, signaling: 'have-local-offer', offeredAt: page.now });
    page.later(10).message({ type: 'answer', sdp: sdp('7') });
    page.later(10).fromCall('changed', WORKING);
    page.fromCall('channel-open');
    return page;
  }

  /** A settled call whose socket has been parked. */
  static parked() {
    const page = Page.settled();
    page.later(3000).on('timer', { name: 'park' });
    page.on('socket-closed', { socket: page.facts.socket.id, code: 4100, seen: { ws: 'closed' } });
    return page;
  }
}

export const ofType = (effects, type) => effects.filter((e) => e.type === type);
export const types = (effects) => effects.map((e) => e.type);

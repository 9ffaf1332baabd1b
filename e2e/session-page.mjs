// A page for the unit tests of the session's decisions (web/js/session-rules.js): its facts, a clock,
// and events fed the way session.js feeds them, one at a time; no browser. By default it is alice's
// page in a call of two with bob; Page.group makes a call of three or four.
import { meshView } from '../web/js/call-view.js';
import { initialFacts } from '../web/js/session-facts.js';
import { decide } from '../web/js/session-rules.js';

export const sdp = (session) => `v=0\r\no=- ${session} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;

/** A welcome of a call of two as an older server sends it (no peers list); the fields given replace the defaults. */
export const welcome = (fields = {}) => ({
  type: 'welcome', userID: 'alice', peerID: 'bob', role: 'offerer', peerPresent: true, peerParked: false, polite: false, iceServers: [], epoch: 1, ...fields,
});

/**
 * A welcome with its peers list, as the server sends it for a call of any size: peers maps each other
 * member to how it is ({present, parked, role, polite}; absent by default, polite when its ID sorts after ours).
 */
export const groupWelcome = (self, peers, fields = {}) => ({
  type: 'welcome',
  userID: self,
  iceServers: [],
  epoch: 1,
  peers: Object.entries(peers).map(([peerID, p]) => ({
    peerID, present: false, parked: false, role: p.present ? 'offerer' : 'answerer', polite: self < peerID, ...p,
  })),
  ...fields,
});

/** A connection that works: connected, ICE connected, data channel open, nothing being negotiated. */
export const WORKING = {
  signaling: 'stable', connection: 'connected', ice: 'connected', channel: 'open', everConnected: true, remoteSdp: sdp('7'),
};

export class Page {
  /** @param {string[]} peers the other members, in the link's order */
  constructor(peers = ['bob']) {
    this.facts = initialFacts(0);
    this.names = new Map(peers.map((id) => [id, id]));
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

  /** The pair with a peer (by default the first, bob's in a call of two). */
  pair(peer = [...this.names.keys()][0]) {
    return this.facts.peers[peer];
  }

  /** The current connection with bob reports an event; state: how it looks now (merged into what was known). */
  fromCall(type, state = {}, fields = {}) {
    return this.fromCallOf([...this.names.keys()][0], type, state, fields);
  }

  /** The same for the connection with any peer. */
  fromCallOf(peer, type, state = {}, fields = {}) {
    const call = this.pair(peer).call;
    return this.on(type, { peer, callId: call.id, seen: { calls: { [peer]: { ...call, ...state } } }, ...fields });
  }

  /** The traces of the last event. */
  get traces() {
    return this.effects.filter((e) => e.type === 'trace').map((e) => e.what);
  }

  /** What the page shows now (without each tile's view: tileView). */
  get view() {
    const { peers, ...view } = meshView(this.facts, this.names);
    return view;
  }

  /** What the tile of one peer shows. */
  tileView(peer) {
    const { peer: _, name, ...view } = meshView(this.facts, this.names).peers.find((v) => v.peer === peer);
    return view;
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
    page.later(10).on('call-sends', { peer: 'bob', message: { type: 'offer', sdp: sdp('1') } });
    page.fromCall('changed', { makingOffer: false, signaling: 'have-local-offer', offeredAt: page.now });
    page.later(10).message({ type: 'answer', sdp: sdp('7') });
    page.later(10).fromCall('changed', WORKING);
    page.fromCall('channel-open');
    return page;
  }

  /**
   * alice's page in a call of three or four, welcomed: peers maps each other member to how the welcome
   * describes them (groupWelcome), in the link's order.
   */
  static group(peers, fields = {}) {
    const page = new Page(Object.keys(peers));
    page.on('connect');
    page.on('socket-open', { socket: 1 });
    page.message(groupWelcome('alice', peers, fields));
    return page;
  }

  /**
   * Brings the pair with a peer to a working connection: led by this page when it has one waiting for
   * its offer (welcomed as offerer), else answering the peer's offer.
   */
  settle(peer) {
    const call = this.pair(peer).call;
    if (call?.leader) {
      this.fromCallOf(peer, 'offer-wanted', { offerHeld: true });
      this.later(10).on('call-sends', { peer, message: { type: 'offer', sdp: sdp(`${peer}-1`) } });
      this.fromCallOf(peer, 'changed', { makingOffer: false, signaling: 'have-local-offer', offeredAt: this.now });
      this.later(10).message({ type: 'answer', sdp: sdp(`${peer}-2`), from: peer });
    } else {
      this.later(10).message({ type: 'offer', sdp: sdp(`${peer}-2`), from: peer });
    }
    this.later(10).fromCallOf(peer, 'changed', { ...WORKING, remoteSdp: sdp(`${peer}-2`) });
    this.fromCallOf(peer, 'channel-open');
    return this;
  }

  /** The parking timer falls due after the socket has been quiet long enough; the effects. */
  parkingDue() {
    return this.later(3000).on('timer', { name: 'park' });
  }

  /** This page parked: its socket closed with 4100. */
  closedParked() {
    return this.on('socket-closed', { socket: this.facts.socket.id, code: 4100, seen: { ws: 'closed' } });
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

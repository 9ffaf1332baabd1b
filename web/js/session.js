// The call's life on this page, carried out: every event (a server message, a socket or connection
// change, a timer, a person's action) goes through session-rules.js's decide(facts, event), with the
// time and what the socket and the connection look like now; the effects that come back are done here,
// in order — sockets (signaling.js), the RTCPeerConnection (call.js), timers, the page's callbacks —
// and the status is rendered from the facts (call-view.js) when it changed.
import { Call } from './call.js';
import { callView } from './call-view.js';
import { initialFacts } from './session-facts.js';
import { decide } from './session-rules.js';
import { Signaling } from './signaling.js';

const TRACE_LENGTH = 80;

export class Session {
  /**
   * @param {{peerName: string, media: {stream: MediaStream|null, outgoingTracks: () => MediaStreamTrack[]},
   *          render: (view: import('./call-view.js').View) => void,
   *          onRemoteStream: (s: MediaStream) => void, onCallGone: () => void,
   *          onChannel: (open: boolean) => void, onPeerMessage: (msg: object) => void}} options
   */
  constructor(options) {
    this.options = options;
    this.facts = initialFacts(performance.now());
    /** @type {Call|null} the connection facts.call describes */
    this.call = null;
    /** @type {Signaling|null} */
    this.signaling = null;
    this.timers = new Map();
    /** Resolvers of whenSignaling(). */
    this.signalingWaiters = [];
    /** The last TRACE_LENGTH things that happened, for window.__videocall.diagnosis. */
    this.trace = [];
    this.shown = null;
  }

  /** @param {string} url @param {string[]} protocols the subprotocols to offer (link.js) */
  connect(url, protocols) {
    this.signaling = new Signaling(url, protocols, {
      onOpen: (socket) => this.#dispatch({ type: 'socket-open', socket }),
      onMessage: (socket, message) => this.#dispatch({ type: 'message', socket, message }),
      onClose: (socket, code) => this.#dispatch({ type: 'socket-closed', socket, code, random: Math.random() }),
    });
    window.addEventListener('online', () => this.#dispatch({ type: 'online' }));
    this.#dispatch({ type: 'connect' });
  }

  hangUp() { this.#dispatch({ type: 'hang-up' }); }

  leave() { this.#dispatch({ type: 'leave' }); }

  fail(message, code) { this.#dispatch({ type: 'fail', message, code }); }

  inform(message, forMs) { this.#dispatch({ type: 'inform', message, forMs }); }

  restartIce() { this.#dispatch({ type: 'restart-ice' }); }

  /** Chat and media state: peer to peer, nothing to decide. */
  sendData(message) {
    return Boolean(this.call?.sendData(message));
  }

  async replaceTrack(kind, track) {
    await this.call?.replaceTrack(kind, track);
  }

  /**
   * Brings this side and the peer back to signaling (the peer is asked over the data channel) and
   * resolves once the server says both are there; for tests and diagnostics. Parking resumes when
   * the socket has been quiet again.
   */
  whenSignaling(timeoutMs = 20000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('peer did not come back to signaling')), timeoutMs);
      this.signalingWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.#dispatch({ type: 'when-signaling' });
    });
  }

  /** No effect calls back at once (every browser event is a task of its own), so events never nest. */
  #dispatch(event) {
    const seen = { ws: this.signaling?.state ?? null, call: this.call && { id: this.facts.call.id, ...this.call.observe() } };
    const { facts, effects } = decide(this.facts, { ...event, now: performance.now(), seen });
    this.facts = facts;
    for (const effect of effects) this.#carryOut(effect);
    const view = callView(facts.view, this.options.peerName);
    const key = JSON.stringify(view);
    if (key !== this.shown) this.options.render(view);
    this.shown = key;
  }

  #carryOut(e) {
    switch (e.type) {
      case 'open-socket': return this.signaling.open(e.socket);
      case 'close-socket': return this.signaling.close(e.code, e.reason);
      case 'send': return this.signaling.send(e.frame);
      case 'build-call': return this.#build(e);
      case 'close-call':
        if (e.graceful) this.call.closeSoon();
        else this.call.close();
        this.call = null;
        return undefined;
      case 'send-data': return this.call.sendData(e.message);
      case 'accept-offer': return this.call.acceptOffer(e.sdp);
      case 'accept-answer': return this.call.acceptAnswer(e.sdp);
      case 'add-candidate': return this.call.addCandidate(e.ice);
      case 'ignore-offer': return this.call.ignoreOffer();
      case 'restart-ice': return this.call.restartIce();
      case 'offer-if-held': return this.call.offerIfHeld();
      case 'rollback': return this.#rollback(e);
      case 'start-timer':
        clearTimeout(this.timers.get(e.name));
        this.timers.set(e.name, setTimeout(() => this.#dispatch({ type: 'timer', name: e.name }), e.ms));
        return undefined;
      case 'stop-timer':
        clearTimeout(this.timers.get(e.name));
        return this.timers.delete(e.name);
      case 'after': return setTimeout(() => this.#dispatch(e.event), e.ms);
      case 'channel': return this.options.onChannel(e.open);
      case 'call-gone': return this.options.onCallGone();
      case 'show-remote': return this.options.onRemoteStream(e.stream);
      case 'peer-message': return this.options.onPeerMessage(e.message);
      case 'resolve-waiters':
        for (const resolve of this.signalingWaiters.splice(0)) resolve();
        return undefined;
      case 'trace':
        this.trace.push(`${Math.round(performance.now())} ${e.what}`);
        if (this.trace.length > TRACE_LENGTH) this.trace.shift();
        return undefined;
      case 'warn': return console.warn(e.message, ...(e.detail ?? []));
      default: throw new Error(`unknown effect ${e.type}`);
    }
  }

  #build({ call: callId, leader, iceServers }) {
    const tell = (type) => (more) => this.#dispatch({ type, callId, ...more });
    this.call = new Call({
      iceServers,
      localStream: this.options.media.stream,
      localTracks: () => this.options.media.outgoingTracks(),
      send: (message) => this.#dispatch({ type: 'call-sends', message }),
      onRemoteStream: (stream) => tell('remote-stream')({ stream }),
      onChange: tell('changed'),
      onUnwell: (cause) => tell('unwell')({ cause }),
      onNegotiationError: (step) => tell('negotiation-failed')({ step }),
      onChannelOpen: tell('channel-open'),
      onChannelClose: tell('channel-closed'),
      onChannelMessage: (message) => tell('peer-says')({ message }),
      onOfferWanted: tell('offer-wanted'),
    }, leader);
  }

  async #rollback({ call: callId, purpose }) {
    let ok = true;
    try {
      await this.call.rollback();
    } catch (err) {
      console.warn('rollback failed', err);
      ok = false;
    }
    this.#dispatch({ type: 'rollback-done', call: callId, purpose, ok });
  }
}

// The call's life on this page, carried out: every event (a server message, a socket or connection
// change, a timer, a person's action) goes through session-rules.js's decide(facts, event), with the
// time and what the socket and the connections look like now; the effects that come back are done
// here, in order — sockets (signaling.js), one RTCPeerConnection per other member (call.js), timers,
// the page's callbacks — and the status is rendered from the facts (call-view.js) when it changed.
import { Call } from './call.js';
import { meshView } from './call-view.js';
import { initialFacts } from './session-facts.js';
import { decide } from './session-rules.js';
import { Signaling } from './signaling.js';

const TRACE_LENGTH = 80;

export class Session {
  /**
   * @param {{names: Map<string, string>, media: {stream: MediaStream|null, outgoingTracks: () => MediaStreamTrack[]},
   *          render: (view: import('./call-view.js').MeshView) => void,
   *          onRemoteStream: (peer: string, s: MediaStream) => void, onCallGone: (peer: string) => void,
   *          onChannel: (peer: string, open: boolean) => void, onPeerMessage: (peer: string, msg: object) => void}} options
   *   names: how to show each other member, by peer ID (lower case), in the link's order
   */
  constructor(options) {
    this.options = options;
    this.facts = initialFacts(performance.now());
    /** @type {Map<string, Call>} each pair's connection, by peer: the one its facts describe */
    this.calls = new Map();
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

  /** An ICE restart with one peer, or with every peer when none is named. */
  restartIce(peer) { this.#dispatch({ type: 'restart-ice', ...(peer === undefined ? {} : { peer }) }); }

  /** Chat and media state to every peer whose data channel is open: peer to peer, nothing to decide. Whether any got it. */
  sendData(message) {
    let sent = false;
    for (const call of this.calls.values()) sent = call.sendData(message) || sent;
    return sent;
  }

  /** The same to one peer. */
  sendDataTo(peer, message) {
    return Boolean(this.calls.get(peer)?.sendData(message));
  }

  async replaceTrack(kind, track) {
    await Promise.all([...this.calls.values()].map((call) => call.replaceTrack(kind, track)));
  }

  /**
   * Brings this side and the peers back to signaling (each is asked over its data channel) and
   * resolves once the server says all are there; for tests and diagnostics. Parking resumes when
   * the socket has been quiet again.
   */
  whenSignaling(timeoutMs = 20000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the peers did not come back to signaling')), timeoutMs);
      this.signalingWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.#dispatch({ type: 'when-signaling' });
    });
  }

  /** No effect calls back at once (every browser event is a task of its own), so events never nest. */
  #dispatch(event) {
    const calls = {};
    for (const peer of Object.keys(this.facts.peers)) {
      const call = this.calls.get(peer);
      calls[peer] = call ? { id: call.id, ...call.observe() } : null;
    }
    const seen = { ws: this.signaling?.state ?? null, calls };
    const { facts, effects } = decide(this.facts, { ...event, now: performance.now(), seen });
    this.facts = facts;
    for (const effect of effects) this.#carryOut(effect);
    const view = meshView(facts, this.options.names);
    const key = JSON.stringify(view);
    if (key !== this.shown) this.options.render(view);
    this.shown = key;
  }

  #carryOut(e) {
    const call = e.peer === undefined ? null : this.calls.get(e.peer);
    switch (e.type) {
      case 'open-socket': return this.signaling.open(e.socket);
      case 'close-socket': return this.signaling.close(e.code, e.reason);
      case 'send': return this.signaling.send(e.frame);
      case 'build-call': return this.#build(e);
      case 'close-call':
        if (e.graceful) call.closeSoon();
        else call.close();
        this.calls.delete(e.peer);
        return undefined;
      case 'send-data': return call.sendData(e.message);
      case 'accept-offer': return call.acceptOffer(e.sdp);
      case 'accept-answer': return call.acceptAnswer(e.sdp);
      case 'add-candidate': return call.addCandidate(e.ice);
      case 'ignore-offer': return call.ignoreOffer();
      case 'restart-ice': return call.restartIce();
      case 'offer-if-held': return call.offerIfHeld();
      case 'rollback': return this.#rollback(e);
      case 'start-timer': {
        const key = `${e.peer ?? ''}/${e.name}`;
        clearTimeout(this.timers.get(key));
        const fired = e.peer === undefined ? { type: 'timer', name: e.name } : { type: 'timer', name: e.name, peer: e.peer };
        this.timers.set(key, setTimeout(() => this.#dispatch(fired), e.ms));
        return undefined;
      }
      case 'stop-timer': {
        const key = `${e.peer ?? ''}/${e.name}`;
        clearTimeout(this.timers.get(key));
        return this.timers.delete(key);
      }
      case 'after': return setTimeout(() => this.#dispatch(e.event), e.ms);
      case 'channel': return this.options.onChannel(e.peer, e.open);
      case 'call-gone': return this.options.onCallGone(e.peer);
      case 'show-remote': return this.options.onRemoteStream(e.peer, e.stream);
      case 'peer-message': return this.options.onPeerMessage(e.peer, e.message);
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

  #build({ peer, call: callId, leader, iceServers }) {
    const tell = (type) => (more) => this.#dispatch({ type, peer, callId, ...more });
    const call = new Call({
      id: callId,
      iceServers,
      localStream: this.options.media.stream,
      localTracks: () => this.options.media.outgoingTracks(),
      send: (message) => this.#dispatch({ type: 'call-sends', peer, message }),
      onRemoteStream: (stream) => tell('remote-stream')({ stream }),
      onChange: tell('changed'),
      onUnwell: (cause) => tell('unwell')({ cause }),
      onNegotiationError: (step) => tell('negotiation-failed')({ step }),
      onChannelOpen: tell('channel-open'),
      onChannelClose: tell('channel-closed'),
      onChannelMessage: (message) => tell('peer-says')({ message }),
      onOfferWanted: tell('offer-wanted'),
    }, leader);
    this.calls.set(peer, call);
  }

  async #rollback({ peer, call: callId, purpose }) {
    let ok = true;
    try {
      const call = this.calls.get(peer);
      if (call?.id === callId) await call.rollback();
    } catch (err) {
      console.warn('rollback failed', err);
      ok = false;
    }
    this.#dispatch({ type: 'rollback-done', peer, call: callId, purpose, ok });
  }
}

// The call's life on this page: joins through signaling, builds and replaces the RTCPeerConnection
// (call.js) as presence and offers come and go, carries out recovery.js's decisions, and keeps the
// facts the status is worked out from (call-view.js), rendering them after every change.
import { Call } from './call.js';
import { callView } from './call-view.js';
import { PEER } from './peer-messages.js';
import { afterNegotiationError, classifyOffer, recoveryAction, recoveryWaitMs } from './recovery.js';
import { Signaling } from './signaling.js';
import { ERROR, LEAVE_REASON, ROLE, TYPE } from './wire.js';

/** welcome's role for the side that makes the first offer (docs/protocol.md). */
const TRANSIENT_NOTICE_MS = 5000;

export class Session {
  /**
   * @param {{peerName: string, media: {stream: MediaStream|null, outgoingTracks: () => MediaStreamTrack[]},
   *          render: (view: import('./call-view.js').View) => void,
   *          onRemoteStream: (s: MediaStream) => void, onCallGone: () => void,
   *          onChannel: (open: boolean) => void, onPeerMessage: (msg: object) => void}} options
   */
  constructor(options) {
    this.options = options;
    /** @type {Call|null} */
    this.call = null;
    this.signaling = null;
    this.iceServers = [];
    this.polite = false;
    /** @type {import('./call-view.js').Facts} */
    this.facts = {
      over: null, welcomed: false, signalingUp: false, peerPresent: false, peerLeft: null,
      connection: null, wasConnected: false, info: null,
    };
    this.restarted = false; // an ICE restart was tried since the connection was last healthy
    this.failedRebuilds = 0; // rebuilds since the connection was last healthy
    this.stallTimer = null;
    /** What tests and curious people can read (window.__videocall). */
    this.counts = { sent: {}, iceRestarts: 0, restartRequests: 0, rebuilds: 0 };
  }

  connect(url) {
    this.signaling = new Signaling(url, {
      onMessage: (msg) => this.#onMessage(msg),
      onFinalClose: (code, message) => this.#end('error', message, code),
      onReconnecting: () => {
        this.facts.signalingUp = false;
        this.#render();
      },
    });
    this.signaling.connect();
    this.#render();
  }

  /** Hangs up: tells the peer (peer to peer as well, so it is seen while signaling is down). */
  hangUp() {
    if (this.facts.over) return;
    this.call?.sendData({ kind: PEER.BYE });
    this.signaling?.send({ type: TYPE.BYE });
    this.signaling?.close();
    this.#end('ended', 'Call ended. You can close this tab.');
  }

  /** The page is going away: close the socket, so the peer hears at once. */
  leave() {
    if (!this.facts.over) this.signaling?.close();
  }

  /** The call cannot start or go on (a broken link, no WebRTC). */
  fail(message, code) {
    this.#end('error', message, code);
  }

  /** A notice that is not about recovery (camera blocked, too many messages); null clears it. */
  inform(message, forMs) {
    this.facts.info = message;
    this.#render();
    if (forMs) setTimeout(() => { if (this.facts.info === message) this.inform(null); }, forMs);
  }

  sendData(message) {
    return Boolean(this.call?.sendData(message));
  }

  async replaceTrack(kind, track) {
    await this.call?.replaceTrack(kind, track);
  }

  /** An ICE restart asked for here (a person, a test): the side leading the connection makes it. */
  restartIce() {
    this.#recover('requested');
  }

  // --- Signaling -------------------------------------------------------------------------------

  #send(message) {
    this.counts.sent[message.type] = (this.counts.sent[message.type] ?? 0) + 1;
    return this.signaling?.send(message) ?? false;
  }

  #onMessage(msg) {
    switch (msg.type) {
      case TYPE.WELCOME:
        return this.#onWelcome(msg);
      case TYPE.PEER_JOINED:
        return this.#onPeerJoined();
      case TYPE.PEER_LEFT:
        return this.#onPeerLeft(msg);
      case TYPE.OFFER:
        return this.#onOffer(msg.sdp);
      case TYPE.ANSWER:
        return this.call?.acceptAnswer(msg.sdp);
      case TYPE.CANDIDATE:
        return this.call?.addCandidate(msg.ice);
      case TYPE.ERROR:
        console.warn('server refused a message', msg.code, msg.message);
        if (msg.code === ERROR.RATE_LIMITED) this.inform('Too many messages; slowing down.', TRANSIENT_NOTICE_MS);
        return undefined;
      default:
        return undefined;
    }
  }

  #onWelcome(msg) {
    this.iceServers = msg.iceServers ?? [];
    this.polite = Boolean(msg.polite);
    Object.assign(this.facts, { welcomed: true, signalingUp: true, peerPresent: Boolean(msg.peerPresent), peerLeft: null });
    if (this.call?.connected) {
      this.#resync(); // our socket came back while the media kept flowing
    } else {
      this.#dropCall();
      if (this.facts.peerPresent && msg.role === ROLE.OFFERER) this.#build(true);
    }
    this.#render();
  }

  #onPeerJoined() {
    Object.assign(this.facts, { peerPresent: true, peerLeft: null });
    if (this.call?.connected) this.#resync(); // their socket came back; the media never stopped
    else this.#dropCall(); // their welcome made them the offerer: wait for their offer
    this.#render();
  }

  #onPeerLeft(msg) {
    this.facts.peerPresent = false;
    if (msg.reason !== LEAVE_REASON.HANGUP && this.call?.connected) {
      this.#render(); // their signaling dropped but the media flows: wait for them to come back
      return;
    }
    this.#peerGone(msg.reason === LEAVE_REASON.HANGUP ? LEAVE_REASON.HANGUP : LEAVE_REASON.DISCONNECTED);
  }

  #peerGone(reason) {
    this.#dropCall();
    Object.assign(this.facts, { peerPresent: false, peerLeft: reason, wasConnected: false });
    this.#render();
  }

  #onOffer(sdp) {
    const current = this.call;
    const decision = current
      ? classifyOffer({ offerSdp: sdp, remoteSdp: current.pc.remoteDescription?.sdp, offering: current.offering, polite: this.polite })
      : 'new-session';
    if (decision === 'ignore') {
      current.ignoreOffer();
      return undefined;
    }
    if (decision === 'new-session') {
      this.#dropCall();
      this.#build(false);
    }
    return this.call.acceptOffer(sdp);
  }

  /** A socket came back while media flowed: an offer of ours sent meanwhile may be lost, so redo it. */
  async #resync() {
    const call = this.call;
    if (!call.leader || call.pc.signalingState !== 'have-local-offer') return;
    try {
      await call.rollback();
    } catch (err) {
      console.warn('rollback failed', err);
      if (call === this.call) this.#rebuild();
      return;
    }
    if (call === this.call) this.#recover('requested');
  }

  // --- The connection ----------------------------------------------------------------------------

  #build(leader) {
    let call = null;
    const current = (fn) => (...args) => (call === this.call ? fn(...args) : undefined);
    call = new Call({
      iceServers: this.iceServers,
      localStream: this.options.media.stream,
      localTracks: () => this.options.media.outgoingTracks(),
      send: (msg) => this.#send(msg),
      onRemoteStream: current((stream) => this.options.onRemoteStream(stream)),
      onChange: current(() => this.#onChange()),
      onUnwell: current((cause) => this.#recover(cause)),
      onNegotiationError: current((step) => this.#onNegotiationError(step)),
      onChannelOpen: current(() => this.options.onChannel(true)),
      onChannelMessage: current((msg) => this.#onPeerMessage(msg)),
    }, leader);
    this.call = call;
    this.restarted = false;
    this.#onChange();
  }

  #dropCall() {
    if (!this.call) return;
    this.call.close();
    this.call = null;
    this.facts.connection = null;
    this.options.onChannel(false);
    this.options.onCallGone();
    this.#watch();
  }

  /** A fresh connection that this side leads; its offer is a new session for the peer. */
  #rebuild() {
    this.counts.rebuilds += 1;
    this.failedRebuilds += 1;
    this.#dropCall();
    this.#build(true);
    this.#render();
  }

  #onChange() {
    const pc = this.call.pc;
    this.facts.connection = pc.connectionState;
    if (pc.connectionState === 'connected') this.facts.wasConnected = true;
    if (pc.connectionState === 'connected' && pc.signalingState === 'stable') {
      this.restarted = false;
      this.failedRebuilds = 0;
    }
    this.#watch();
    this.#render();
  }

  /** Arms the recovery timer while the connection is unwell; disarms it once it is healthy. */
  #watch() {
    const pc = this.call?.pc;
    if (!pc || (pc.connectionState === 'connected' && pc.signalingState === 'stable')) {
      clearTimeout(this.stallTimer);
      this.stallTimer = null;
      return;
    }
    if (this.stallTimer) return;
    const call = this.call;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      if (call === this.call) this.#recover('stalled');
    }, recoveryWaitMs(this.failedRebuilds));
  }

  #recover(cause) {
    const call = this.call;
    if (!call || this.facts.over) return;
    const { signalingUp, peerPresent } = this.facts;
    switch (recoveryAction({ cause, leader: call.leader, restarted: this.restarted, signalingUp, peerPresent })) {
      case 'restart-ice':
        if (call.restartIce()) {
          this.restarted = true;
          this.counts.iceRestarts += 1;
        }
        break;
      case 'ask-peer':
        if (call.sendData({ kind: PEER.RESTART_ICE })) this.counts.restartRequests += 1;
        break;
      case 'rebuild':
        this.#rebuild();
        break;
      default: // wait, and look again later
        this.#watch();
    }
  }

  async #onNegotiationError(step) {
    const call = this.call;
    if (afterNegotiationError({ step, connectionState: call.pc.connectionState }) === 'rollback') {
      try {
        await call.rollback();
        return;
      } catch (err) {
        console.warn('rollback failed', err);
      }
    }
    if (call === this.call) this.#rebuild();
  }

  #onPeerMessage(msg) {
    if (msg.kind === PEER.RESTART_ICE) {
      if (this.call.leader) this.#recover('requested');
    } else if (msg.kind === PEER.BYE) {
      this.#peerGone(LEAVE_REASON.HANGUP); // seen even while signaling is down
    } else {
      this.options.onPeerMessage(msg);
    }
  }

  // --- What the page shows -----------------------------------------------------------------------

  #end(state, message, code) {
    this.#dropCall();
    clearTimeout(this.stallTimer);
    this.facts.over = { state, message, code };
    this.#render();
  }

  #render() {
    this.options.render(callView(this.facts, this.options.peerName));
  }
}

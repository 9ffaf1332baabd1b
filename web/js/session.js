// The call's life on this page: joins through signaling, builds and replaces the RTCPeerConnection
// (call.js) as presence and offers come and go, carries out recovery.js's decisions and parking.js's
// (the socket is closed while the call goes peer to peer, and opened again when the server is needed),
// and keeps the facts the status is worked out from (call-view.js), rendering them after every change.
import { Call } from './call.js';
import { callView } from './call-view.js';
import { PEER } from './peer-messages.js';
import {
  CALLED_BACK_HOLD_MS, callHealthy, parkingDecision, PEER_RETURN_MS, waitingForParkedPeer,
} from './parking.js';
import {
  afterNegotiationError, classifyOffer, pendingRecoveryStep, recoveryAction, recoveryWaitMs,
} from './recovery.js';
import { Signaling } from './signaling.js';
import { ERROR, LEAVE_REASON, ROLE, TYPE } from './wire.js';

const TRANSIENT_NOTICE_MS = 5000;
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
    /** @type {Call|null} */
    this.call = null;
    this.signaling = null;
    this.iceServers = [];
    this.polite = false;
    /** @type {import('./call-view.js').Facts} */
    this.facts = {
      over: null, welcomed: false, signalingUp: false, parked: false, peerPresent: false, peerParked: false,
      peerLeft: null, connection: null, wasConnected: false, info: null,
    };
    this.restarted = false; // an ICE restart was tried since the connection was last healthy
    this.failedRebuilds = 0; // rebuilds since the connection was last healthy
    this.stallTimer = null;
    /** A recovery that waits until the server says the peer is there (recovery.js, 'call-peer'). */
    this.pendingCause = null;
    this.rollingBack = false; // #resync is undoing an offer of ours
    this.lastSignalAt = performance.now(); // last message sent or received on the socket
    this.holdUntil = 0; // the peer called us back to signaling: stay until its offer came, or until then
    this.peerAwayAt = 0; // when the peer was last seen going away (#notePeerAway)
    this.parkTimer = null;
    this.peerReturnTimer = null;
    /** Resolvers of whenSignaling(). */
    this.signalingWaiters = [];
    /** What tests and curious people can read (window.__videocall). */
    this.counts = { sent: {}, iceRestarts: 0, restartRequests: 0, rebuilds: 0, parks: 0, unparks: 0 };
    /** The last TRACE_LENGTH things that happened, for window.__videocall.diagnosis. */
    this.trace = [];
  }

  /** Notes what happened, with the time since the page loaded. */
  #trace(what) {
    this.trace.push(`${Math.round(performance.now())} ${what}`);
    if (this.trace.length > TRACE_LENGTH) this.trace.shift();
  }

  /** @param {string} url @param {string[]} protocols the subprotocols to offer (link.js) */
  connect(url, protocols) {
    this.signaling = new Signaling(url, protocols, {
      onMessage: (msg) => this.#onMessage(msg),
      onFinalClose: (code, message) => this.#end('error', message, code),
      onReconnecting: () => {
        Object.assign(this.facts, { signalingUp: false, parked: false });
        this.#render();
      },
    });
    this.signaling.connect();
    this.#render();
  }

  /** Hangs up: tells the peer (peer to peer as well, so it is seen while either side is parked). */
  hangUp() {
    if (this.facts.over) return;
    this.call?.sendData({ kind: PEER.BYE });
    this.#sayBye();
    this.#dropCall({ graceful: true }); // the channel sends the bye before the connection closes
    this.#end('ended', 'Call ended. You can close this tab.');
  }

  /** The page is going away: close the socket, so the peer hears at once; a parked page can only tell the peer. */
  leave() {
    if (this.facts.over) return;
    this.call?.sendData({ kind: PEER.LEAVING });
    this.signaling?.close();
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
      this.#callPeer();
      this.#afterPresence();
    });
  }

  // --- Signaling -------------------------------------------------------------------------------

  #send(message) {
    this.counts.sent[message.type] = (this.counts.sent[message.type] ?? 0) + 1;
    const sent = this.signaling?.send(message) ?? false;
    this.#trace(`sent ${message.type}${sent ? '' : ' (not sent)'}`);
    if (sent) this.#noteSignal();
    return sent;
  }

  /** A hang-up's bye through the server, reopening a parked socket for it; signaling ends here. */
  #sayBye() {
    if (!this.signaling || this.signaling.stopped) return;
    this.counts.sent[TYPE.BYE] = (this.counts.sent[TYPE.BYE] ?? 0) + 1;
    this.signaling.finish({ type: TYPE.BYE });
    this.#stopTimers();
  }

  #onMessage(msg) {
    if (this.facts.over || this.signaling.stopped) return undefined;
    this.#trace(`got ${msg.type}${msg.code ? ` ${msg.code}` : ''}`);
    this.#noteSignal();
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
        if (msg.code === ERROR.PEER_ABSENT) this.#onPeerAbsent();
        return undefined;
      default:
        return undefined;
    }
  }

  #onWelcome(msg) {
    this.iceServers = msg.iceServers ?? [];
    this.polite = Boolean(msg.polite);
    const peerPresent = Boolean(msg.peerPresent);
    const peerParked = !peerPresent && Boolean(msg.peerParked);
    const peerGone = !peerPresent && !peerParked;
    // Why the peer left stays known until they are back: a page that closed while parked told us
    // (PEER.LEAVING) but could not tell the server, which still lists it as parked.
    Object.assign(this.facts, {
      welcomed: true, signalingUp: true, parked: false, peerPresent, peerParked, peerLeft: peerPresent ? null : this.facts.peerLeft,
    });
    // Tell the peer directly: two pages coming back at the same moment can each be welcomed as if
    // the other were still parked, and the server relays to both all the same.
    this.call?.sendData({ kind: PEER.BACK });
    if (this.#established()) {
      // Our socket came back (unparked, or after a drop) while the call we had works or recovers:
      // keep it. If the peer left meanwhile and the media stopped, say so.
      if (peerGone && !this.call.connected) this.#peerGone(LEAVE_REASON.DISCONNECTED);
      else this.#resync();
    } else {
      const hadPeer = this.facts.wasConnected;
      this.#dropCall();
      if (peerPresent && msg.role === ROLE.OFFERER) this.#build(true);
      else if (peerGone && hadPeer) this.#peerGone(LEAVE_REASON.DISCONNECTED); // they left while we were away
    }
    this.#afterPresence();
    this.#render();
  }

  #onPeerJoined() {
    Object.assign(this.facts, { peerPresent: true, peerParked: false, peerLeft: null });
    // An offer of ours made after they were last seen going away reaches them (the server relays it,
    // or refuses it with peer-absent, which comes first): keep it. On a fresh connection (a rebuild),
    // if their offer crosses it the polite side yields (classifyOffer); dropping it as well would
    // leave both sides answering a connection the other had dropped.
    if (!this.#offerReachesPeer()) {
      if (this.#established()) this.#resync(); // they came back (unparked, or reconnected); the call stands
      else this.#dropCall(); // their welcome made them the offerer: wait for their offer
    }
    this.#afterPresence();
    this.#render();
  }

  #onPeerLeft(msg) {
    this.#notePeerAway();
    Object.assign(this.facts, { peerPresent: false, peerParked: false });
    if (msg.reason !== LEAVE_REASON.HANGUP && this.call?.connected) {
      this.#render(); // their signaling dropped but the media flows: wait for them to come back
      return;
    }
    this.#peerGone(msg.reason === LEAVE_REASON.HANGUP ? LEAVE_REASON.HANGUP : LEAVE_REASON.DISCONNECTED);
  }

  /** A message of ours was dropped because the peer holds no socket: parked, if its page is alive. */
  #onPeerAbsent() {
    const alive = this.call?.channelState === 'open';
    this.#notePeerAway();
    Object.assign(this.facts, { peerPresent: false, peerParked: this.facts.peerParked || alive });
    if (this.call?.leader && this.call.offering) {
      // Our offer did not reach them: undo it (a new restartIce() waits for a stable state, so it
      // would never offer again), call them back, and offer again once they are there.
      this.pendingCause ??= 'requested';
      this.#callPeer();
      void this.#resync();
    }
    this.#afterPresence();
    this.#render();
  }

  #peerGone(reason) {
    this.#notePeerAway();
    this.#dropCall();
    Object.assign(this.facts, { peerPresent: false, peerLeft: reason, wasConnected: false });
    this.pendingCause = null;
    // A hang-up ends the call for both: leave it too, so nothing waits open for a call that is over.
    if (reason === LEAVE_REASON.HANGUP) this.#sayBye();
    this.#afterPresence();
    this.#render();
  }

  #onOffer(sdp) {
    this.holdUntil = 0; // what the peer called us back for has come
    const current = this.call;
    const decision = current
      ? classifyOffer({ offerSdp: sdp, remoteSdp: current.pc.remoteDescription?.sdp, offering: current.offering, polite: this.polite })
      : 'new-session';
    this.#trace(`offer: ${decision}`);
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

  /**
   * A socket came back while the call stood: an offer of ours sent meanwhile may be lost, so undo it
   * and make it again once the peer is there, with any recovery that waited for them.
   */
  async #resync() {
    const call = this.call;
    if (!call.leader || call.pc.signalingState !== 'have-local-offer') return;
    this.pendingCause ??= 'requested';
    this.rollingBack = true;
    try {
      await call.rollback();
    } catch (err) {
      console.warn('rollback failed', err);
      if (call === this.call) this.#rebuild();
      return;
    } finally {
      this.rollingBack = false;
    }
    if (call === this.call) this.#afterPresence();
  }

  // --- Parking (parking.js) ----------------------------------------------------------------------

  #noteSignal() {
    this.lastSignalAt = performance.now();
    this.#considerParking();
  }

  /** The call is established with this peer: media flowed on it and its data channel still stands. */
  #established() {
    return Boolean(this.call?.everConnected && !this.call.channelClosed);
  }

  /** An offer of ours is out (or being made) since the peer was last seen going away, and not being undone. */
  #offerReachesPeer() {
    const call = this.call;
    if (!call?.leader || !call.offering || this.rollingBack) return false;
    return call.makingOffer || call.offeredAt > this.peerAwayAt;
  }

  /** The peer left signaling or the call, parked, or was refused as absent: what we sent before may be lost. */
  #notePeerAway() {
    this.peerAwayAt = performance.now();
  }

  #healthy() {
    const pc = this.call?.pc;
    return Boolean(pc) && callHealthy({ connection: pc.connectionState, ice: pc.iceConnectionState, channel: this.call.channelState });
  }

  #peerReachable() {
    return this.facts.signalingUp && this.facts.peerPresent;
  }

  /** Parks, unparks, or looks again when parking falls due. */
  #considerParking() {
    clearTimeout(this.parkTimer);
    this.parkTimer = null;
    const signaling = this.signaling;
    if (!signaling || signaling.stopped || this.facts.over) return;
    const pc = this.call?.pc;
    const holdMs = Math.max(0, this.holdUntil - performance.now());
    let socket = 'connecting';
    if (signaling.parked) socket = 'parked';
    else if (this.facts.signalingUp) socket = 'open';
    const decision = parkingDecision({
      socket,
      connection: pc?.connectionState ?? null,
      ice: pc?.iceConnectionState ?? null,
      channel: this.call?.channelState ?? null,
      negotiating: Boolean(this.call && (this.call.offering || pc.signalingState !== 'stable')),
      needsServer: this.pendingCause !== null || Boolean(this.call?.offerHeld) || this.signalingWaiters.length > 0 || holdMs > 0,
      quietMs: performance.now() - this.lastSignalAt,
    });
    if (decision.action === 'park') this.#park();
    else if (decision.action === 'unpark') this.#unpark();
    else if (decision.inMs !== undefined || holdMs > 0) {
      this.parkTimer = setTimeout(() => this.#considerParking(), decision.inMs ?? holdMs);
    }
  }

  #park() {
    this.#trace('park');
    this.counts.parks += 1;
    // Tell the peer first (the channel is open: parking needs it): the server will refuse messages to us.
    this.call.sendData({ kind: PEER.PARKED });
    this.signaling.park();
    Object.assign(this.facts, { signalingUp: false, parked: true });
    this.#render();
  }

  #unpark() {
    if (!this.signaling?.parked) return;
    this.#trace('unpark');
    this.counts.unparks += 1;
    this.lastSignalAt = performance.now();
    // facts.parked stays until the welcome: a deliberate reopening is not "reconnecting to the server".
    this.signaling.unpark();
  }

  /** Comes back to signaling and asks the peer to come back too (over the data channel, if it is open). */
  #callPeer() {
    this.#unpark();
    this.call?.sendData({ kind: PEER.UNPARK });
  }

  /** After presence changed: run what waited for the peer, watch a parked peer's return, reconsider parking. */
  #afterPresence() {
    if (this.#peerReachable()) {
      for (const resolve of this.signalingWaiters.splice(0)) resolve();
    }
    const step = pendingRecoveryStep({
      pending: (this.pendingCause !== null || Boolean(this.call?.offerHeld)) && this.call !== null && !this.rollingBack,
      ...this.facts, parked: Boolean(this.signaling?.parked),
    });
    if (step === 'run') {
      const cause = this.pendingCause;
      this.pendingCause = null;
      if (cause) this.#recover(cause);
      if (this.call?.offerIfHeld()) this.#trace('held offer made');
    } else if (step === 'call-peer') {
      this.#trace('pending recovery: call peer');
      this.#callPeer();
    }
    this.#watchPeerReturn();
    this.#considerParking();
  }

  /** While the call is broken and the peer parked, give them PEER_RETURN_MS to come back. */
  #watchPeerReturn() {
    const waiting = waitingForParkedPeer({ ...this.facts, healthy: this.#healthy() });
    if (!waiting) {
      clearTimeout(this.peerReturnTimer);
      this.peerReturnTimer = null;
      return;
    }
    if (this.peerReturnTimer) return;
    this.peerReturnTimer = setTimeout(() => {
      this.peerReturnTimer = null;
      if (waitingForParkedPeer({ ...this.facts, healthy: this.#healthy() })) this.#peerGone(LEAVE_REASON.DISCONNECTED);
    }, PEER_RETURN_MS);
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
      onChannelOpen: current(() => {
        this.options.onChannel(true);
        this.#considerParking();
      }),
      onChannelClose: current(() => {
        this.options.onChannel(false);
        this.#afterPresence(); // their side is gone, or the path broke: back to signaling to find out
        this.#render();
      }),
      onChannelMessage: current((msg) => this.#onPeerMessage(msg)),
      mayOffer: current(() => {
        if (this.#peerReachable()) return true;
        this.#trace('offer held until the peer can be reached');
        this.#callPeer();
        return false;
      }),
    }, leader);
    this.call = call;
    this.#trace(`built connection, leader=${leader}`);
    this.restarted = false;
    // A recovery that waited for the peer was for the connection this one replaces: a fresh one
    // negotiates from the start (and one that stayed pending would keep the socket from parking).
    this.pendingCause = null;
    this.#onChange();
  }

  /** graceful: close the data channel first, so what it holds (a bye) is sent, then the connection. */
  #dropCall({ graceful = false } = {}) {
    if (!this.call) return;
    if (graceful) this.call.closeSoon();
    else this.call.close();
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
    this.#trace(`state ${pc.signalingState}/${pc.iceConnectionState}/${pc.connectionState}`);
    this.facts.connection = pc.connectionState;
    if (pc.connectionState === 'connected') this.facts.wasConnected = true;
    if (pc.connectionState === 'connected' && pc.signalingState === 'stable') {
      this.restarted = false;
      this.failedRebuilds = 0;
    }
    if (pc.signalingState === 'stable' && this.#peerReachable() && this.call.offerIfHeld()) this.#trace('held offer made');
    this.#watch();
    this.#watchPeerReturn();
    this.#considerParking();
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
    const action = recoveryAction({ cause, leader: call.leader, restarted: this.restarted, signalingUp, peerPresent });
    this.#trace(`recover ${cause}: ${action}`);
    switch (action) {
      case 'restart-ice':
        if (call.restartIce()) {
          this.restarted = true;
          this.counts.iceRestarts += 1;
        }
        break;
      case 'ask-peer':
        if (call.sendData({ kind: PEER.RESTART_ICE })) this.counts.restartRequests += 1;
        // The leader's offer comes through the server: stay there until it has come (or a while).
        this.holdUntil = performance.now() + CALLED_BACK_HOLD_MS;
        this.#unpark();
        break;
      case 'call-peer':
        this.pendingCause = cause;
        this.#callPeer();
        break;
      case 'rebuild':
        this.#rebuild();
        break;
      default: // wait, and look again later; the peer may need calling back first
        if (!this.#peerReachable()) this.#callPeer();
        this.#watch();
    }
  }

  async #onNegotiationError(step) {
    const call = this.call;
    this.#trace(`negotiation failed at ${step}`);
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
    if (Object.values(PEER).includes(msg.kind)) this.#trace(`peer says ${msg.kind}`);
    switch (msg.kind) {
      case PEER.RESTART_ICE:
        if (this.call.leader) this.#recover('requested');
        break;
      case PEER.BYE:
        this.#peerGone(LEAVE_REASON.HANGUP); // seen even while signaling is parked or down
        break;
      case PEER.LEAVING:
        this.#peerGone(LEAVE_REASON.DISCONNECTED); // their page is closing or reloading
        break;
      case PEER.PARKED:
        // The server would refuse what we send them now; an offer of ours in flight needs them back.
        this.#notePeerAway();
        Object.assign(this.facts, { peerPresent: false, peerParked: true });
        if (this.call.leader && this.call.offering) {
          this.pendingCause ??= 'requested';
          this.#callPeer();
        }
        this.#afterPresence();
        this.#render();
        break;
      case PEER.UNPARK:
        this.holdUntil = performance.now() + CALLED_BACK_HOLD_MS;
        // Already on signaling, no new welcome will tell the peer we are there (its offer may have
        // met peer-absent while our gateway woke): say so directly.
        if (this.facts.signalingUp) this.call?.sendData({ kind: PEER.BACK });
        this.#unpark();
        this.#considerParking();
        break;
      case PEER.BACK:
        Object.assign(this.facts, { peerPresent: true, peerParked: false, peerLeft: null });
        this.#afterPresence();
        this.#render();
        break;
      default:
        this.options.onPeerMessage(msg);
    }
  }

  // --- What the page shows -----------------------------------------------------------------------

  #stopTimers() {
    clearTimeout(this.stallTimer);
    clearTimeout(this.parkTimer);
    clearTimeout(this.peerReturnTimer);
    this.stallTimer = null;
    this.parkTimer = null;
    this.peerReturnTimer = null;
  }

  #end(state, message, code) {
    this.#dropCall();
    this.#stopTimers();
    this.facts.over = { state, message, code };
    this.#render();
  }

  #render() {
    this.options.render(callView(this.facts, this.options.peerName));
  }
}

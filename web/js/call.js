// One RTCPeerConnection, with one other member of the call: offers (only when this side leads it; see
// recovery.js), answers, ICE candidates held until the remote description exists, a negotiated data
// channel (id 0) for chat and media state, ICE restarts, and replaceTrack for device switches and
// screen sharing (no renegotiation). It reports what goes wrong; the session (session-rules.js) decides what to do about it.
import { ICE_DISCONNECTED_GRACE_MS } from './recovery.js';
import { TYPE } from './wire.js';

export class Call {
  /**
   * @param {{id: number, iceServers: RTCIceServer[], localTracks: () => MediaStreamTrack[],
   *          localStream: MediaStream|null, send: (msg: object) => boolean,
   *          onRemoteStream: (s: MediaStream) => void, onChange: () => void,
   *          onUnwell: (cause: 'disconnected'|'failed') => void,
   *          onNegotiationError: (step: string, err: Error) => void,
   *          onChannelOpen?: () => void, onChannelClose?: () => void,
   *          onChannelMessage?: (msg: object) => void, onOfferWanted: () => void}} options
   *   id: the session's name for this connection (session-facts.js); onOfferWanted: negotiation is
   *   needed; the offer is held (offerHeld) until offerIfHeld(), which the session calls at once when
   *   the peer can be reached
   * @param {boolean} leader this side makes the first offer now, and every later one
   */
  constructor(options, leader) {
    this.options = options;
    this.id = options.id;
    this.leader = leader;
    this.makingOffer = false;
    this.offeredAt = -Infinity; // when our last offer was handed to signaling
    this.offerHeld = false; // negotiation is needed, and waits until the peer can be reached
    this.ignoringOffer = false;
    this.pendingCandidates = [];
    this.attached = false;
    this.channel = null;
    this.iceTimer = null;
    this.closed = false;
    this.everConnected = false;
    this.channelClosed = false; // the data channel was open and closed: the peer's side is gone
    const pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.pc = pc;
    pc.onnegotiationneeded = () => {
      // Not stable: the browser asks again once it is, if negotiation is still needed.
      if (!this.leader || this.makingOffer || pc.signalingState !== 'stable') return;
      // An offer the server cannot relay would only come back as peer-absent (and, rolled back,
      // be wanted again at once): hold it until the session says the peer can be reached.
      this.offerHeld = true;
      options.onOfferWanted();
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) options.send({ type: TYPE.CANDIDATE, ice: candidate.toJSON() });
    };
    pc.ontrack = ({ track, streams }) => {
      options.onRemoteStream(streams[0] ?? new MediaStream([track]));
    };
    pc.onsignalingstatechange = () => options.onChange();
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') this.everConnected = true;
      options.onChange();
      if (pc.connectionState === 'failed') options.onUnwell('failed');
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      options.onChange();
      clearTimeout(this.iceTimer);
      if (state === 'disconnected') {
        // Give ICE a moment to recover on its own (a Wi-Fi blip) before acting.
        this.iceTimer = setTimeout(() => {
          if (!this.closed && ['disconnected', 'failed'].includes(pc.iceConnectionState)) options.onUnwell('disconnected');
        }, ICE_DISCONNECTED_GRACE_MS);
      }
    };
    if (leader) this.#attachLocal();
  }

  get connected() {
    return this.pc.connectionState === 'connected';
  }

  /** The data channel's readyState, or null before it exists. */
  get channelState() {
    return this.channel?.readyState ?? null;
  }

  /** An offer of ours is being made, or was sent and not answered yet. */
  get offering() {
    return this.makingOffer || this.pc.signalingState === 'have-local-offer';
  }

  /** What the session decides from (session-facts.js), as plain data. */
  observe() {
    const pc = this.pc;
    return {
      leader: this.leader, signaling: pc.signalingState, connection: pc.connectionState, ice: pc.iceConnectionState,
      channel: this.channelState, makingOffer: this.makingOffer, offerHeld: this.offerHeld, offeredAt: this.offeredAt,
      everConnected: this.everConnected, channelClosed: this.channelClosed, remoteSdp: pc.remoteDescription?.sdp ?? null,
    };
  }

  /** Applies the peer's offer on this connection and answers it. */
  async acceptOffer(sdp) {
    const pc = this.pc;
    this.ignoringOffer = false;
    try {
      await pc.setRemoteDescription({ type: TYPE.OFFER, sdp });
    } catch (err) {
      this.#failed('remote-offer', err);
      return;
    }
    // Attach our tracks and the chat channel to what the offer created, so the answer carries them.
    this.#attachLocal();
    await this.#flushCandidates();
    try {
      await pc.setLocalDescription();
    } catch (err) {
      this.#failed('local-answer', err);
      return;
    }
    this.options.send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
  }

  /** Applies the peer's answer to our offer; an answer nothing waits for (a late copy) is dropped. */
  async acceptAnswer(sdp) {
    if (this.pc.signalingState !== 'have-local-offer') return;
    try {
      await this.pc.setRemoteDescription({ type: TYPE.ANSWER, sdp });
    } catch (err) {
      this.#failed('remote-answer', err);
      return;
    }
    await this.#flushCandidates();
  }

  /** The peer's offer lost a collision with ours: its candidates are expected to fail. */
  ignoreOffer() {
    this.ignoringOffer = true;
  }

  /** Handles a relayed ICE candidate. */
  async addCandidate(ice) {
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(ice);
      return;
    }
    try {
      await this.pc.addIceCandidate(ice);
    } catch (err) {
      if (!this.ignoringOffer && !this.closed) console.warn('could not add candidate', err);
    }
  }

  /** New ICE credentials and a fresh offer (made by the negotiationneeded handler); leader only. */
  restartIce() {
    if (this.closed || !this.leader) return false;
    this.pc.restartIce();
    // negotiationneeded does not fire again while an earlier one is unanswered (the offer was held):
    // make that offer now; it carries the restart.
    this.offerIfHeld();
    return true;
  }

  /** Makes the offer that was held while the peer could not be reached; true if it did. */
  offerIfHeld() {
    if (!this.offerHeld || this.closed || !this.leader || this.pc.signalingState !== 'stable') return false;
    this.offerHeld = false;
    void this.#offer();
    return true;
  }

  /**
   * Test only: an ICE-restart offer from this side even when it does not lead the connection, as
   * the page did before recovery.js; with Chromium first and Firefox second it provokes the answer
   * Chromium cannot apply, so tests can watch the repair.
   */
  async offerAnyway() {
    if (this.closed || this.leader) return;
    this.pc.restartIce();
    await this.#offer();
  }

  /** Undoes our unanswered offer; the connection keeps what it had before it. */
  async rollback() {
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setLocalDescription({ type: 'rollback' });
  }

  /** Puts a new local track on the sender of that kind, without renegotiating. */
  async replaceTrack(kind, track) {
    const transceiver = this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind && !t.stopped);
    if (transceiver && (transceiver.sender.track || this.attached)) {
      await transceiver.sender.replaceTrack(track);
    }
  }

  /** Sends a JSON message on the data channel; false when it is not open. */
  sendData(message) {
    if (this.channel?.readyState !== 'open') return false;
    this.channel.send(JSON.stringify(message));
    return true;
  }

  /**
   * Closes the data channel, which first sends what it holds (RTCDataChannel's closing procedure),
   * and the connection once the channel is closed or after maxMs: a hang-up's bye must reach a peer
   * whose signaling is parked.
   */
  closeSoon(maxMs = 1000) {
    const channel = this.channel;
    if (channel?.readyState !== 'open') {
      this.close();
      return;
    }
    const timer = setTimeout(() => this.close(), maxMs);
    channel.onclose = () => {
      clearTimeout(timer);
      this.close();
    };
    channel.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.iceTimer);
    for (const handler of ['onnegotiationneeded', 'onicecandidate', 'ontrack', 'onsignalingstatechange', 'onconnectionstatechange', 'oniceconnectionstatechange']) {
      this.pc[handler] = null;
    }
    if (this.channel) {
      this.channel.onopen = null;
      this.channel.onclose = null;
      this.channel.onmessage = null;
    }
    this.pc.close();
  }

  async #offer() {
    const pc = this.pc;
    try {
      this.makingOffer = true;
      await pc.setLocalDescription();
    } catch (err) {
      this.#failed('local-offer', err);
      return;
    } finally {
      this.makingOffer = false;
    }
    this.offeredAt = performance.now();
    this.options.send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
  }

  #failed(step, err) {
    if (this.closed) return;
    console.warn(`negotiation failed at ${step}`, err);
    this.options.onNegotiationError(step, err);
  }

  async #flushCandidates() {
    for (const ice of this.pendingCandidates.splice(0)) await this.addCandidate(ice);
  }

  #attachLocal() {
    if (this.attached) return;
    this.attached = true;
    for (const track of this.options.localTracks()) {
      this.pc.addTrack(track, this.options.localStream ?? new MediaStream([track]));
    }
    // Negotiated on both sides with the same id: no glare, no "datachannel" event to wait for.
    const channel = this.pc.createDataChannel('chat', { negotiated: true, id: 0 });
    this.channel = channel;
    channel.onopen = () => this.options.onChannelOpen?.();
    channel.onclose = () => {
      this.channelClosed = true;
      this.options.onChannelClose?.();
    };
    channel.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg && typeof msg === 'object') this.options.onChannelMessage?.(msg);
    };
  }
}

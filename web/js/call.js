// One RTCPeerConnection with MDN's "perfect negotiation" pattern: either side may (re)negotiate,
// the polite side yields on glare. Candidates that arrive before the remote description are held.
// Also: a negotiated data channel (id 0) for chat and media state, ICE restart when the path breaks,
// and replaceTrack for device switches and screen sharing (no renegotiation).

/** How long ICE may stay "disconnected" before we restart it (it often recovers by itself). */
export const ICE_DISCONNECTED_GRACE_MS = 3000;

export class Call {
  /**
   * @param {{iceServers: RTCIceServer[], polite: boolean, localTracks: () => MediaStreamTrack[],
   *          localStream: MediaStream|null,
   *          send: (msg: object) => boolean, onRemoteStream: (s: MediaStream) => void,
   *          onConnectionState: (state: string) => void, onIceRestart?: (why: string) => void,
   *          onChannelOpen?: () => void, onChannelMessage?: (msg: object) => void}} options
   * @param {boolean} offerNow add tracks at once, so this side sends the first offer
   */
  constructor(options, offerNow) {
    this.options = options;
    this.polite = options.polite;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.pendingCandidates = [];
    this.attached = false;
    this.channel = null;
    this.iceTimer = null;
    this.closed = false;
    const pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.pc = pc;
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        options.send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      } catch (err) {
        console.warn('negotiation failed', err);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) options.send({ type: 'candidate', ice: candidate.toJSON() });
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      options.onRemoteStream(stream);
    };
    pc.onconnectionstatechange = () => {
      options.onConnectionState(pc.connectionState);
      if (pc.connectionState === 'failed') this.restartIce('failed');
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      if (state === 'disconnected') {
        // Give ICE a moment to recover on its own (a Wi-Fi blip), then restart it.
        clearTimeout(this.iceTimer);
        this.iceTimer = setTimeout(() => {
          if (!this.closed && ['disconnected', 'failed'].includes(pc.iceConnectionState)) this.restartIce('disconnected');
        }, ICE_DISCONNECTED_GRACE_MS);
      } else if (state === 'connected' || state === 'completed' || state === 'closed') {
        clearTimeout(this.iceTimer);
      }
    };
    if (offerNow) this.#attachLocal();
  }

  /** Handles a relayed offer or answer. */
  async onDescription({ type, sdp }) {
    const pc = this.pc;
    const collision = type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription({ type, sdp });
    // Attach our tracks and the chat channel to what the offer created, so the answer carries them.
    if (type === 'offer') this.#attachLocal();
    for (const ice of this.pendingCandidates.splice(0)) await this.#addCandidate(ice);
    if (type === 'offer') {
      await pc.setLocalDescription();
      this.options.send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
    }
  }

  /** Handles a relayed ICE candidate. */
  async onCandidate(ice) {
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(ice);
      return;
    }
    await this.#addCandidate(ice);
  }

  get connected() {
    return this.pc.connectionState === 'connected';
  }

  /** New ICE credentials and a fresh offer (sent by the negotiationneeded handler). */
  restartIce(why = 'requested') {
    if (this.closed) return;
    this.options.onIceRestart?.(why);
    this.pc.restartIce();
  }

  /**
   * Our signaling socket (or the peer's) came back. An offer sent while it was down was lost, so
   * an unfinished negotiation is rolled back and redone, with an ICE restart in case the path broke.
   */
  async resync() {
    if (this.closed) return;
    const pc = this.pc;
    if (pc.signalingState === 'have-local-offer') {
      try {
        await pc.setLocalDescription({ type: 'rollback' });
      } catch (err) {
        console.warn('rollback failed', err);
      }
      this.restartIce('resync');
    } else if (['disconnected', 'failed'].includes(pc.iceConnectionState)) {
      this.restartIce('resync');
    }
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

  get channelOpen() {
    return this.channel?.readyState === 'open';
  }

  close() {
    this.closed = true;
    clearTimeout(this.iceTimer);
    this.pc.onconnectionstatechange = null;
    this.pc.oniceconnectionstatechange = null;
    if (this.channel) this.channel.onclose = null;
    this.pc.close();
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

  async #addCandidate(ice) {
    try {
      await this.pc.addIceCandidate(ice);
    } catch (err) {
      if (!this.ignoreOffer) console.warn('could not add candidate', err);
    }
  }
}

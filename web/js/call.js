// One RTCPeerConnection with MDN's "perfect negotiation" pattern: either side may (re)negotiate,
// the polite side yields on glare. Candidates that arrive before the remote description are held.
export class Call {
  /**
   * @param {{iceServers: RTCIceServer[], polite: boolean, localStream: MediaStream|null,
   *          send: (msg: object) => void, onRemoteStream: (s: MediaStream) => void,
   *          onConnectionState: (state: string) => void}} options
   * @param {boolean} offerNow add tracks at once, so this side sends the first offer
   */
  constructor(options, offerNow) {
    this.options = options;
    this.polite = options.polite;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.pendingCandidates = [];
    this.tracksAdded = false;
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
      if (pc.connectionState === 'failed') pc.restartIce();
    };
    if (offerNow) this.#addTracks();
  }

  /** Handles a relayed offer or answer. */
  async onDescription({ type, sdp }) {
    const pc = this.pc;
    const collision = type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription({ type, sdp });
    // Attach our tracks to the transceivers the offer created, so the answer carries them.
    if (type === 'offer') this.#addTracks();
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

  close() {
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  #addTracks() {
    if (this.tracksAdded || !this.options.localStream) return;
    this.tracksAdded = true;
    for (const track of this.options.localStream.getTracks()) this.pc.addTrack(track, this.options.localStream);
  }

  async #addCandidate(ice) {
    try {
      await this.pc.addIceCandidate(ice);
    } catch (err) {
      if (!this.ignoreOffer) console.warn('could not add candidate', err);
    }
  }
}

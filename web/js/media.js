// Our own camera, microphone and screen: turning them on and off, switching devices, sharing the
// screen. The call only ever sees outgoingTracks(); changes reach it through replaceTrack, so a
// device switch or a screen share needs no renegotiation.
import { PEER } from './peer-messages.js';

export class LocalMedia {
  constructor() {
    /** Camera and microphone (the tracks change when the person picks another device). */
    this.stream = null;
    this.screenTrack = null;
    this.screenStream = null;
    this.audioEnabled = true;
    this.videoEnabled = true;
  }

  /** Asks for camera and microphone; throws the getUserMedia error. */
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    return this.stream;
  }

  get audioTrack() {
    return this.stream?.getAudioTracks()[0] ?? null;
  }

  get cameraTrack() {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  /** What we send: the microphone, and the screen while sharing, otherwise the camera. */
  outgoingTracks() {
    return [this.audioTrack, this.screenTrack ?? this.cameraTrack].filter(Boolean);
  }

  outgoingVideoTrack() {
    return this.screenTrack ?? this.cameraTrack;
  }

  /** What the peer is told over the data channel. */
  state() {
    return {
      kind: PEER.MEDIA,
      audio: Boolean(this.audioTrack) && this.audioEnabled,
      video: Boolean(this.screenTrack) || (Boolean(this.cameraTrack) && this.videoEnabled),
      screen: Boolean(this.screenTrack),
    };
  }

  setAudioEnabled(enabled) {
    this.audioEnabled = enabled;
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = enabled;
  }

  setVideoEnabled(enabled) {
    this.videoEnabled = enabled;
    for (const t of this.stream?.getVideoTracks() ?? []) t.enabled = enabled;
  }

  /** Cameras and microphones, with the ones in use marked. */
  async devices() {
    const all = await navigator.mediaDevices.enumerateDevices();
    const current = {
      videoinput: this.cameraTrack?.getSettings().deviceId,
      audioinput: this.audioTrack?.getSettings().deviceId,
    };
    const pick = (kind) => all.filter((d) => d.kind === kind && d.deviceId).map((d, i) => ({
      deviceId: d.deviceId,
      label: d.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${i + 1}`,
      selected: d.deviceId === current[kind],
    }));
    return { cameras: pick('videoinput'), microphones: pick('audioinput') };
  }

  /**
   * Opens another camera or microphone and swaps it into our stream. Returns the new track and a
   * function that stops the old one: call it after the sender has the new track (a sender whose
   * track ended before replaceTrack may stop sending for good in Chromium).
   * @param {'audio'|'video'} kind
   */
  async switchDevice(kind, deviceId) {
    const constraints = kind === 'video'
      ? { video: { deviceId: { exact: deviceId } } }
      : { audio: { deviceId: { exact: deviceId } } };
    const old = kind === 'video' ? this.cameraTrack : this.audioTrack;
    let fresh;
    try {
      fresh = (await navigator.mediaDevices.getUserMedia(constraints)).getTracks()[0];
    } catch (err) {
      // Some phones cannot open two cameras at once: stop the old one and try again.
      if (kind !== 'video' || !old || err.name !== 'NotReadableError') throw err;
      old.stop();
      try {
        fresh = (await navigator.mediaDevices.getUserMedia(constraints)).getTracks()[0];
      } catch (err2) {
        // Reopen what we had, so we are not left without a camera.
        const again = await navigator.mediaDevices.getUserMedia({ video: { deviceId: old.getSettings().deviceId } }).catch(() => null);
        if (again) this.#swap(old, again.getVideoTracks()[0], kind);
        throw err2;
      }
    }
    this.#swap(old, fresh, kind);
    return { track: fresh, stopOld: () => old?.stop() };
  }

  /** Starts sharing the screen; returns the screen track. */
  async startScreen(onEnded) {
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = display.getVideoTracks()[0];
    // Favour sharp text over smooth motion where the browser has the hint (not Firefox).
    if ('contentHint' in track) track.contentHint = 'detail';
    // The browser's own "Stop sharing" bar ends the track.
    track.addEventListener('ended', () => onEnded());
    this.screenTrack = track;
    this.screenStream = display;
    return track;
  }

  stopScreen() {
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.screenStream = null;
  }

  /** Turns the camera, microphone and any screen share off for good (hang-up). */
  stopAll() {
    this.stopScreen();
    for (const t of this.stream?.getTracks() ?? []) t.stop();
  }

  #swap(old, fresh, kind) {
    fresh.enabled = kind === 'video' ? this.videoEnabled : this.audioEnabled;
    if (old) this.stream.removeTrack(old);
    if (!this.stream) this.stream = new MediaStream();
    this.stream.addTrack(fresh);
  }
}

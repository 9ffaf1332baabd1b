// Everything the person sees: the status line (announced to screen readers), a notice line, the
// call state in document.body.dataset.callState, the videos, what the peer's camera and microphone
// are doing, and the connection quality.
import { describe } from './quality.js';

export const STATES = ['connecting', 'waiting', 'negotiating', 'connected', 'reconnecting', 'peer-left', 'ended', 'error'];

const $ = (id) => document.getElementById(id);
const statusEl = $('status');
const noticeEl = $('notice');
const remoteVideo = $('remote_video');
const localVideo = $('local_video');
const startAudio = $('start_audio');
const announcer = $('announcer');
const peerMutedEl = $('peer_muted');
const remotePlaceholder = $('remote_placeholder');
const remotePlaceholderText = $('remote_placeholder_text');
const qualityEl = $('quality');
const selfView = $('self_view');

export function setState(state, message, errorCode) {
  if (!STATES.includes(state)) throw new Error(`unknown state ${state}`);
  document.body.dataset.callState = state;
  if (errorCode !== undefined) document.body.dataset.errorCode = String(errorCode);
  setStatus(message);
}

/** Changes the status words (announced politely) without changing the call state. */
export function setStatus(message) {
  if (statusEl.textContent !== message) statusEl.textContent = message;
  document.title = `${message} – Video call`;
}

/** Shows a call-view.js View: state, status, notice, and what is recovering (body data-recovering). */
export function render(view) {
  setState(view.state, view.status, view.code);
  notice(view.notice);
  if (view.recovering) document.body.dataset.recovering = view.recovering;
  else delete document.body.dataset.recovering;
}

export function notice(message) {
  noticeEl.textContent = message ?? '';
  noticeEl.hidden = !message;
}

/** Says something to screen readers only (politely, after what they are reading). */
let pending = [];
export function announce(message) {
  // Clearing first makes a repeated message be announced again; messages close together are joined.
  pending.push(message);
  if (pending.length > 1) return;
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = pending.join(' ');
    pending = [];
  }, 100);
}

export function showLocal(stream, { screen = false, cameraOff = false } = {}) {
  if (localVideo.srcObject !== stream) localVideo.srcObject = stream;
  selfView.classList.toggle('is-screen', screen);
  selfView.classList.toggle('is-off', cameraOff && !screen);
}

export function showRemote(stream) {
  if (remoteVideo.srcObject === stream) return;
  remoteVideo.srcObject = stream;
  // Autoplay with sound may be blocked (iOS Safari, or no prior tap): offer an explicit button.
  remoteVideo.play().catch(() => {
    startAudio.hidden = false;
    startAudio.focus();
  });
}

export function clearRemote() {
  remoteVideo.srcObject = null;
  peerMedia(null);
  showQuality(null);
}

let lastPeerMedia = null;

/**
 * Shows and announces what the peer's microphone and camera are doing.
 * @param {{audio: boolean, video: boolean, screen?: boolean}|null} media null: forget (call over)
 */
export function peerMedia(media, name = 'Your peer') {
  const prev = lastPeerMedia;
  lastPeerMedia = media;
  document.body.dataset.peerAudio = media ? String(media.audio) : '';
  document.body.dataset.peerVideo = media ? String(media.video) : '';
  peerMutedEl.hidden = !media || media.audio;
  peerMutedEl.textContent = media && !media.audio ? `${name} is muted` : '';
  remotePlaceholder.hidden = !media || media.video;
  remotePlaceholderText.textContent = media && !media.video ? `${name} turned their camera off` : '';
  $('remote_avatar').textContent = name.slice(0, 1).toUpperCase();
  if (!media) return;
  const said = [];
  if (!prev) {
    // The first report after connecting: only mention what is unusual.
    if (!media.audio) said.push(`${name} is muted.`);
    if (!media.video) said.push(`${name}'s camera is off.`);
  } else {
    if (prev.audio !== media.audio) said.push(media.audio ? `${name} unmuted.` : `${name} muted.`);
    if (prev.video !== media.video && !media.screen && !prev.screen) said.push(media.video ? `${name} turned their camera on.` : `${name} turned their camera off.`);
    if (Boolean(prev.screen) !== Boolean(media.screen)) said.push(media.screen ? `${name} is sharing their screen.` : `${name} stopped sharing their screen.`);
  }
  if (said.length) announce(said.join(' '));
}

/** @param {import('./quality.js').Quality|null} q */
export function showQuality(q) {
  qualityEl.hidden = !q;
  document.body.dataset.quality = q?.level ?? '';
  if (!q) return;
  qualityEl.dataset.level = q.level;
  $('quality_text').textContent = describe(q);
}

startAudio.addEventListener('click', () => {
  startAudio.hidden = true;
  remoteVideo.play().catch(() => {});
});

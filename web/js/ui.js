// What the person sees of the page as a whole: the status line (announced to screen readers), a
// notice line, the call state in document.body.dataset.callState, their own video, and the button
// that starts the others' audio where autoplay was refused. The others' videos: tiles.js.

export const STATES = ['connecting', 'waiting', 'negotiating', 'connected', 'reconnecting', 'peer-left', 'ended', 'error'];

const $ = (id) => document.getElementById(id);
const statusEl = $('status');
const noticeEl = $('notice');
const localVideo = $('local_video');
const startAudio = $('start_audio');
const announcer = $('announcer');
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

/** Autoplay with sound was refused (iOS Safari, or no prior tap): an explicit button plays every video. */
export function offerToStartAudio(playAll) {
  startAudio.hidden = false;
  startAudio.focus();
  startAudio.onclick = () => {
    startAudio.hidden = true;
    playAll();
  };
}

// Everything the person sees: the status line (announced to screen readers), a notice line, the
// call state in document.body.dataset.callState, and the videos.
export const STATES = ['connecting', 'waiting', 'negotiating', 'connected', 'peer-left', 'ended', 'error'];

const statusEl = document.getElementById('status');
const noticeEl = document.getElementById('notice');
const remoteVideo = document.getElementById('remote_video');
const localVideo = document.getElementById('local_video');
const startAudio = document.getElementById('start_audio');

export function setState(state, message, errorCode) {
  if (!STATES.includes(state)) throw new Error(`unknown state ${state}`);
  document.body.dataset.callState = state;
  if (errorCode !== undefined) document.body.dataset.errorCode = String(errorCode);
  statusEl.textContent = message;
  document.title = `${message} – Video call`;
}

export function state() {
  return document.body.dataset.callState;
}

export function notice(message) {
  noticeEl.textContent = message ?? '';
  noticeEl.hidden = !message;
}

export function showLocal(stream) {
  localVideo.srcObject = stream;
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
}

startAudio.addEventListener('click', () => {
  startAudio.hidden = true;
  remoteVideo.play().catch(() => {});
});

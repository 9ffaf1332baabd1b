// The call page: reads the link, gets the camera, talks to the gateway, and runs one Call at a
// time. Protocol: docs/protocol.md.
import { Call } from './call.js';
import { Signaling } from './signaling.js';
import * as ui from './ui.js';

const params = new URLSearchParams(location.search);
const userId = params.get('userID');
const peerId = params.get('peerID');
const token = params.get('token');

const FINAL_MESSAGES = {
  1009: 'A message was too large for the server. Reload the page to try again.',
  4000: 'This link is not valid: it is missing a part. Ask for a new link.',
  4001: 'This link is not valid. Ask the person who sent it for a new one.',
  4002: 'This link has expired. Ask for a new one.',
  4003: 'This call already has its two people.',
  4004: 'You opened this call in another tab or device; it continues there.',
};

let localStream = null;
let call = null;
let signaling = null;
let peerPresent = false;
let iceServers = [];
let polite = false;
let hungUp = false;

function peerName() {
  return peerId ?? 'your peer';
}

async function start() {
  if (!userId || !peerId || !token) {
    ui.setState('error', 'This link is incomplete: it needs userID, peerID and token. Ask for a new link.', 'invalid-link');
    return;
  }
  if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    ui.setState('error', 'This browser cannot make video calls (no WebRTC). Try a current Chrome, Firefox or Safari.', 'no-webrtc');
    return;
  }
  ui.setState('connecting', 'Connecting…');
  localStream = await getCamera();
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  signaling = new Signaling(`${scheme}//${location.host}/video/connections${location.search}`, {
    onMessage,
    onFinalClose,
    onReconnecting,
  });
  signaling.connect();
}

async function getCamera() {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    ui.showLocal(stream);
    return stream;
  } catch (err) {
    if (err.name === 'NotAllowedError') {
      ui.notice('Camera and microphone are blocked, so you join without them. Allow them in the address bar and reload to be seen and heard.');
    } else if (err.name === 'NotFoundError' || err.name === 'OverconstrainedError') {
      ui.notice('No camera or microphone was found; you join to watch and listen only.');
    } else {
      ui.notice(`Your camera could not start (${err.name}); you join to watch and listen only.`);
    }
    return null;
  }
}

function onMessage(msg) {
  switch (msg.type) {
    case 'welcome':
      return onWelcome(msg);
    case 'peer-joined':
      return onPeerJoined();
    case 'peer-left':
      return onPeerLeft(msg);
    case 'offer':
    case 'answer':
      return ensureCall(false).onDescription(msg).catch((err) => console.warn('description failed', err));
    case 'candidate':
      return ensureCall(false).onCandidate(msg.ice).catch((err) => console.warn('candidate failed', err));
    case 'error':
      return onError(msg);
    default:
      return undefined;
  }
}

function onWelcome(msg) {
  iceServers = msg.iceServers ?? [];
  polite = Boolean(msg.polite);
  peerPresent = Boolean(msg.peerPresent);
  ui.notice(null);
  if (call?.connected) {
    // Our socket came back while the media kept flowing: keep the call as it is.
    ui.setState('connected', `Connected to ${peerName()}`);
    return;
  }
  resetCall();
  if (peerPresent) {
    ui.setState('negotiating', `${peerName()} is here — connecting…`);
    ensureCall(msg.role === 'offerer');
  } else {
    ui.setState('waiting', `Waiting for ${peerName()} to join…`);
  }
}

function onPeerJoined() {
  peerPresent = true;
  if (call?.connected) {
    ui.notice(null);
    return; // their socket reconnected; the media never stopped
  }
  resetCall();
  ui.setState('negotiating', `${peerName()} joined — connecting…`);
  // They make the offer (they were told role "offerer"); we answer when it arrives.
}

function onPeerLeft(msg) {
  peerPresent = false;
  if (msg.reason !== 'hangup' && call?.connected) {
    // Their signaling dropped but the media may still flow: wait for them to come back.
    ui.notice(`${peerName()}'s connection is unstable; the call continues while it recovers.`);
    return;
  }
  resetCall();
  ui.setState('peer-left', msg.reason === 'hangup' ? `${peerName()} left the call.` : `${peerName()} was disconnected.`);
}

function onError(msg) {
  // Non-fatal refusals: the connection stays open. Fatal ones are followed by a close.
  console.warn('server refused a message', msg.code, msg.message);
  if (msg.code === 'rate-limited') ui.notice('Too many messages; slowing down.');
}

function onFinalClose(code) {
  resetCall();
  ui.setState('error', FINAL_MESSAGES[code] ?? `The call ended (${code}).`, code);
}

function onReconnecting() {
  if (hungUp) return;
  if (call?.connected) {
    ui.notice('Reconnecting to the server… the call continues.');
  } else {
    ui.setState('connecting', 'Reconnecting…');
  }
}

function ensureCall(offerNow) {
  if (!call) {
    call = new Call(
      {
        iceServers,
        polite,
        localStream,
        send: (m) => signaling.send(m),
        onRemoteStream: (s) => ui.showRemote(s),
        onConnectionState,
      },
      offerNow,
    );
  }
  return call;
}

function onConnectionState(state) {
  if (state === 'connected') {
    ui.notice(null);
    ui.setState('connected', `Connected to ${peerName()}`);
  } else if ((state === 'disconnected' || state === 'failed') && ui.state() === 'connected') {
    ui.notice('The connection is unstable; trying to recover…');
  } else if (state === 'failed' && !peerPresent) {
    resetCall();
    ui.setState('peer-left', `${peerName()} was disconnected.`);
  }
}

function resetCall() {
  call?.close();
  call = null;
  ui.clearRemote();
}

function hangUp() {
  if (hungUp) return;
  hungUp = true;
  signaling?.send({ type: 'bye' });
  signaling?.close();
  resetCall();
  ui.setState('ended', 'Call ended. You can close this tab.');
}

function toggleTrack(kind, button, onLabel, offLabel) {
  const tracks = kind === 'audio' ? localStream?.getAudioTracks() : localStream?.getVideoTracks();
  if (!tracks?.length) return;
  const enabled = !tracks[0].enabled;
  for (const t of tracks) t.enabled = enabled;
  button.setAttribute('aria-pressed', String(!enabled));
  button.textContent = enabled ? onLabel : offLabel;
}

const muteButton = document.getElementById('mute');
const cameraButton = document.getElementById('camera');
muteButton.addEventListener('click', () => toggleTrack('audio', muteButton, 'Mute', 'Unmute'));
cameraButton.addEventListener('click', () => toggleTrack('video', cameraButton, 'Camera off', 'Camera on'));
document.getElementById('hangup').addEventListener('click', hangUp);
window.addEventListener('pagehide', () => {
  if (!hungUp) signaling?.close();
});

start().catch((err) => {
  console.error(err);
  ui.setState('error', 'Something went wrong starting the call. Reload to try again.', 'internal');
});

// The call page: reads the link, gets the camera, talks to the gateway, and runs one Call at a
// time. Protocol: docs/protocol.md. Chat and camera/microphone state travel peer to peer over the
// call's data channel as {kind: "chat", text} and {kind: "media", audio, video, screen}.
//
// Tested here (e2e/, headless Chromium with fake devices): every control, both layouts (390×844 and
// 1280×800), keyboard operation, signaling and ICE recovery. Not tested here: Firefox and Safari
// (no such browsers on this machine) — in particular iOS Safari's autoplay rules ("Tap to start
// audio"), its camera switching, and real touch input; phones without getDisplayMedia simply do not
// show the "Share screen" button.
import { Call } from './call.js';
import { ChatView, MAX_CHAT_CHARS } from './chat.js';
import { LocalMedia } from './media.js';
import { QualitySampler } from './quality.js';
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
const STATS_INTERVAL_MS = 2000;

const $ = (id) => document.getElementById(id);
const media = new LocalMedia();
let call = null;
let signaling = null;
let peerPresent = false;
let iceServers = [];
let polite = false;
let hungUp = false;
let sampler = null;

// Read-only view for tests and curious people; the switches below exist only when a test asked for
// them before the page loaded (window.__VIDEOCALL_TEST_HOOKS__, set by Playwright's addInitScript).
const sent = {};
const inspect = { stats: null, sent, iceRestarts: 0 };
window.__videocall = inspect;
if (window.__VIDEOCALL_TEST_HOOKS__) {
  Object.assign(inspect, {
    pc: () => call?.pc ?? null,
    dropSocket: (code = 3000) => signaling?.ws?.close(code, 'test'),
    restartIce: () => call?.restartIce('test'),
  });
}

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
  $('chat_heading').textContent = `Chat with ${peerName()}`;
  $('copy_hint').textContent = `This link is yours alone. Open it on another device (your phone, say) to move the call there. ${peerName()} has their own link: the person who made the call sent it to them.`;
  chat.setAvailable(false, peerName());
  ui.setState('connecting', 'Connecting…');
  await getCamera();
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
    await media.start();
    ui.showLocal(media.stream);
    await refreshDevices();
  } catch (err) {
    if (err.name === 'NotAllowedError') {
      ui.notice('Camera and microphone are blocked, so you join without them. Allow them in the address bar and reload to be seen and heard.');
    } else if (err.name === 'NotFoundError' || err.name === 'OverconstrainedError') {
      ui.notice('No camera or microphone was found; you join to watch and listen only.');
    } else {
      ui.notice(`Your camera could not start (${err.name}); you join to watch and listen only.`);
    }
  }
  updateMediaButtons();
}

function send(message) {
  sent[message.type] = (sent[message.type] ?? 0) + 1;
  return signaling.send(message);
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
  delete document.body.dataset.recovering;
  if (call?.connected) {
    // Our socket came back while the media kept flowing: keep the call, finish any negotiation the
    // outage interrupted.
    ui.setState('connected', `Connected with ${peerName()}`);
    call.resync();
    return;
  }
  resetCall();
  if (peerPresent) {
    ui.setState('negotiating', `${peerName()} is here. Connecting…`);
    ensureCall(msg.role === 'offerer');
  } else {
    ui.setState('waiting', `Waiting for ${peerName()} to join…`);
  }
}

function onPeerJoined() {
  peerPresent = true;
  if (call?.connected) {
    ui.notice(null);
    call.resync(); // their socket reconnected; the media never stopped
    return;
  }
  resetCall();
  ui.setState('negotiating', `${peerName()} joined. Connecting…`);
  // They make the offer (they were told role "offerer"); we answer when it arrives.
}

function onPeerLeft(msg) {
  peerPresent = false;
  if (msg.reason !== 'hangup' && call?.connected) {
    // Their signaling dropped but the media may still flow: wait for them to come back.
    ui.notice(`${peerName()}'s connection is unstable; the call continues while it recovers.`);
    return;
  }
  peerGone(msg.reason === 'hangup' ? `${peerName()} left the call.` : `${peerName()} was disconnected.`);
}

function peerGone(message) {
  resetCall();
  ui.setState('peer-left', message);
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
    document.body.dataset.recovering = 'signaling';
    ui.notice('Reconnecting to the server… the call continues.');
  } else {
    ui.setState('connecting', 'Reconnecting…');
  }
}

function ensureCall(offerNow) {
  if (!call) {
    sampler = new QualitySampler();
    call = new Call(
      {
        iceServers,
        polite,
        localStream: media.stream,
        localTracks: () => media.outgoingTracks(),
        send,
        onRemoteStream: (s) => ui.showRemote(s),
        onConnectionState,
        onIceRestart: () => { inspect.iceRestarts += 1; },
        onChannelOpen: () => {
          chat.setAvailable(true, peerName());
          sendMediaState();
        },
        onChannelMessage,
      },
      offerNow,
    );
  }
  return call;
}

function onConnectionState(state) {
  if (state === 'connected') {
    ui.notice(null);
    if (document.body.dataset.recovering === 'media') delete document.body.dataset.recovering;
    ui.setState('connected', `Connected with ${peerName()}`);
  } else if ((state === 'disconnected' || state === 'failed') && ui.state() === 'connected') {
    document.body.dataset.recovering = 'media';
    ui.setStatus(`Reconnecting to ${peerName()}…`);
    ui.notice('The connection dropped; trying to recover…');
  } else if (state === 'failed' && !peerPresent) {
    peerGone(`${peerName()} was disconnected.`);
  }
}

function onChannelMessage(msg) {
  if (msg.kind === 'media') {
    ui.peerMedia({ audio: msg.audio !== false, video: msg.video !== false, screen: msg.screen === true }, peerName());
  } else if (msg.kind === 'chat' && typeof msg.text === 'string' && msg.text.trim()) {
    chat.add('peer', msg.text.slice(0, MAX_CHAT_CHARS), peerName());
  } else if (msg.kind === 'bye') {
    // Said peer to peer as well, so hanging up is seen even while signaling is down.
    peerPresent = false;
    peerGone(`${peerName()} left the call.`);
  }
}

function sendMediaState() {
  call?.sendData(media.state());
}

function resetCall() {
  call?.close();
  call = null;
  sampler = null;
  inspect.stats = null;
  chat.setAvailable(false, peerName());
  ui.clearRemote();
}

function hangUp() {
  if (hungUp) return;
  hungUp = true;
  call?.sendData({ kind: 'bye' });
  signaling?.send({ type: 'bye' });
  signaling?.close();
  resetCall();
  media.stopScreen();
  for (const t of media.stream?.getTracks() ?? []) t.stop();
  ui.setState('ended', 'Call ended. You can close this tab.');
}

// --- Connection quality ------------------------------------------------------------------------

setInterval(async () => {
  if (!call || !sampler || !['connected', 'disconnected'].includes(call.pc.connectionState)) return;
  const current = call;
  try {
    const q = await sampler.sample(current.pc);
    if (current !== call) return;
    inspect.stats = q;
    ui.showQuality(q);
  } catch (err) {
    console.warn('getStats failed', err);
  }
}, STATS_INTERVAL_MS);

// --- Controls ----------------------------------------------------------------------------------

const muteButton = $('mute');
const cameraButton = $('camera');
const shareButton = $('share_screen');

function updateMediaButtons(reattach = false) {
  muteButton.disabled = !media.audioTrack;
  cameraButton.disabled = !media.cameraTrack;
  muteButton.setAttribute('aria-pressed', String(!media.audioEnabled));
  cameraButton.setAttribute('aria-pressed', String(!media.videoEnabled));
  shareButton.setAttribute('aria-pressed', String(Boolean(media.screenTrack)));
  if (reattach) ui.showLocal(null);
  ui.showLocal(media.screenTrack ? media.screenStream : media.stream, {
    screen: Boolean(media.screenTrack),
    cameraOff: !media.videoEnabled,
  });
}

muteButton.addEventListener('click', () => {
  media.setAudioEnabled(!media.audioEnabled);
  updateMediaButtons();
  ui.announce(media.audioEnabled ? 'Microphone on.' : 'Microphone muted.');
  sendMediaState();
});

cameraButton.addEventListener('click', () => {
  media.setVideoEnabled(!media.videoEnabled);
  updateMediaButtons();
  ui.announce(media.videoEnabled ? 'Camera on.' : 'Camera off.');
  sendMediaState();
});

if (!navigator.mediaDevices?.getDisplayMedia) shareButton.hidden = true; // phones
shareButton.addEventListener('click', async () => {
  if (media.screenTrack) {
    await stopSharing();
    return;
  }
  try {
    const track = await media.startScreen(() => stopSharing());
    await call?.replaceTrack('video', track);
    ui.announce('You are sharing your screen.');
  } catch (err) {
    if (err.name !== 'NotAllowedError') ui.notice(`Screen sharing could not start (${err.name}).`);
  }
  updateMediaButtons();
  sendMediaState();
});

async function stopSharing() {
  if (!media.screenTrack) return;
  media.stopScreen();
  await call?.replaceTrack('video', media.cameraTrack);
  updateMediaButtons();
  ui.announce('You stopped sharing your screen.');
  sendMediaState();
}

$('hangup').addEventListener('click', hangUp);

// Device pickers
const cameraSelect = $('camera_select');
const micSelect = $('mic_select');

async function refreshDevices() {
  const { cameras, microphones } = await media.devices();
  fillSelect(cameraSelect, cameras, 'No camera found');
  fillSelect(micSelect, microphones, 'No microphone found');
}

function fillSelect(select, devices, emptyText) {
  select.replaceChildren();
  for (const d of devices) {
    const option = new Option(d.label, d.deviceId, false, d.selected);
    select.append(option);
  }
  if (!devices.length) select.append(new Option(emptyText, ''));
  select.disabled = devices.length < 2;
}

async function switchDevice(kind, select) {
  if (!select.value) return;
  try {
    const { track, stopOld } = await media.switchDevice(kind, select.value);
    if (kind === 'audio' || !media.screenTrack) await call?.replaceTrack(kind, track);
    stopOld();
    updateMediaButtons(true);
    ui.announce(`${kind === 'video' ? 'Camera' : 'Microphone'} changed to ${select.selectedOptions[0]?.text}.`);
  } catch (err) {
    ui.notice(`That ${kind === 'video' ? 'camera' : 'microphone'} could not start (${err.name}).`);
  }
  await refreshDevices();
}

cameraSelect.addEventListener('change', () => switchDevice('video', cameraSelect));
micSelect.addEventListener('change', () => switchDevice('audio', micSelect));
navigator.mediaDevices?.addEventListener?.('devicechange', () => { if (media.stream) refreshDevices(); });

// Panels (chat, settings): one open at a time; Escape closes and returns focus to its button.
const panels = [
  { panel: $('chat_panel'), toggle: $('chat_toggle'), close: $('chat_close'), focus: () => $('chat_input') },
  { panel: $('settings_panel'), toggle: $('settings_toggle'), close: $('settings_close'), focus: () => cameraSelect.disabled ? $('copy_link') : cameraSelect },
];

function setPanel(target, open) {
  for (const p of panels) {
    const isOpen = p === target && open;
    p.panel.hidden = !isOpen;
    p.toggle.setAttribute('aria-expanded', String(isOpen));
  }
  document.body.dataset.panel = open ? target.panel.id : '';
  if (open) {
    const el = target.focus();
    (el.disabled ? target.close : el).focus();
    if (target.panel.id === 'chat_panel') setUnread(0);
  }
}

for (const p of panels) {
  p.toggle.addEventListener('click', () => setPanel(p, p.panel.hidden));
  p.close.addEventListener('click', () => {
    setPanel(p, false);
    p.toggle.focus();
  });
  p.panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      setPanel(p, false);
      p.toggle.focus();
    }
  });
}

// Chat
let unread = 0;
function setUnread(n) {
  unread = n;
  const badge = $('chat_unread');
  badge.hidden = n === 0;
  badge.textContent = String(n);
  $('chat_toggle').setAttribute('aria-label', n ? `Chat, ${n} unread` : 'Chat');
}

const chat = new ChatView({
  log: $('chat_log'),
  form: $('chat_form'),
  input: $('chat_input'),
  send: $('chat_send'),
  announce: ui.announce,
  onSend: (text) => Boolean(call?.sendData({ kind: 'chat', text })),
  onIncoming: () => { if ($('chat_panel').hidden) setUnread(unread + 1); },
});

// Copy my link
$('copy_link').addEventListener('click', async () => {
  const result = $('copy_result');
  try {
    await navigator.clipboard.writeText(location.href);
    result.textContent = 'Copied. Opening it elsewhere moves the call there.';
  } catch {
    result.textContent = 'Copying was not allowed: copy the address from the address bar instead.';
  }
});

window.addEventListener('pagehide', () => {
  if (!hungUp) signaling?.close();
});

start().catch((err) => {
  console.error(err);
  ui.setState('error', 'Something went wrong starting the call. Reload to try again.', 'internal');
});

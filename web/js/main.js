// The call page: reads the link, gets the camera, and wires the parts together. The call's life is
// in session.js, which carries out session-rules.js's decisions (recovery.js, parking.js; the status
// in call-view.js); controls.js, devices.js and panels.js are the buttons, pickers and side panels;
// chat.js the chat; ui.js what the person sees. Protocol: docs/protocol.md; what each browser
// needs: docs/browsers.md.
import { ChatView, MAX_CHAT_CHARS } from './chat.js';
import { setupControls } from './controls.js';
import { setupDevicePickers } from './devices.js';
import { isPlainId, readLink, socketProtocols, socketUrl } from './link.js';
import { LocalMedia } from './media.js';
import { setupPanels } from './panels.js';
import { PEER } from './peer-messages.js';
import { watchQuality } from './quality.js';
import { Session } from './session.js';
import { exposeForTests } from './test-hooks.js';
import * as ui from './ui.js';
import { ERROR } from './wire.js';

const $ = (id) => document.getElementById(id);
const link = readLink(location.href);
// An older link has its token in the query: keep it out of the address bar (and so out of bookmarks,
// history and copies of the address); the fragment, which no server sees, holds it from now on.
if (link.cleanHref) history.replaceState(history.state, '', link.cleanHref);
const { userId, peerId, token } = link;
// A name the server would refuse (a look-alike letter) is never shown as the peer's.
const peerName = isPlainId(peerId) ? peerId : 'your peer';

const media = new LocalMedia();
const session = new Session({
  peerName,
  media,
  render: ui.render,
  onRemoteStream: ui.showRemote,
  onCallGone: () => {
    inspect.stats = null;
    ui.clearRemote();
  },
  onChannel: (open) => {
    chat.setAvailable(open, peerName);
    if (open) controls.sendMediaState();
  },
  onPeerMessage,
});
const inspect = exposeForTests(session);
const inform = (message) => session.inform(message);
const replaceTrack = (kind, track) => session.replaceTrack(kind, track);

const controls = setupControls({ media, replaceTrack, sendData: (msg) => session.sendData(msg), inform });
const devices = setupDevicePickers({ media, replaceTrack, afterSwitch: () => controls.update(true), inform });
const panels = setupPanels({ settingsFocus: () => (devices.cameraSelect.disabled ? $('copy_link') : devices.cameraSelect) });
const chat = new ChatView({
  log: $('chat_log'),
  form: $('chat_form'),
  input: $('chat_input'),
  send: $('chat_send'),
  announce: ui.announce,
  onSend: (text) => session.sendData({ kind: PEER.CHAT, text }),
  onIncoming: () => panels.noteIncoming(),
});

function onPeerMessage(msg) {
  if (msg.kind === PEER.MEDIA) {
    ui.peerMedia({ audio: msg.audio !== false, video: msg.video !== false, screen: msg.screen === true }, peerName);
  } else if (msg.kind === PEER.CHAT && typeof msg.text === 'string' && msg.text.trim()) {
    chat.add('peer', msg.text.slice(0, MAX_CHAT_CHARS), peerName);
  }
}

async function getCamera() {
  try {
    await media.start();
    ui.showLocal(media.stream);
    devices.refresh().catch((err) => console.warn('device list failed', err)); // not awaited: see refresh()
  } catch (err) {
    if (err.name === 'NotAllowedError') {
      inform('Camera and microphone are blocked, so you join without them. Allow them in the address bar and reload to be seen and heard.');
    } else if (err.name === 'NotFoundError' || err.name === 'OverconstrainedError') {
      inform('No camera or microphone was found; you join to watch and listen only.');
    } else {
      inform(`Your camera could not start (${err.name}); you join to watch and listen only.`);
    }
  }
  controls.update();
}

async function start() {
  if (!userId || !peerId || !token) {
    session.fail('This link is incomplete: it needs userID, peerID and token. Ask for a new link.', ERROR.INVALID_LINK);
    return;
  }
  const protocols = socketProtocols(token);
  if (link.conflict || !protocols || !isPlainId(userId) || !isPlainId(peerId)) {
    session.fail('This link is not valid. Ask the person who sent it for a new one.', ERROR.INVALID_LINK);
    return;
  }
  if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    session.fail('This browser cannot make video calls (no WebRTC). Try a current Chrome, Firefox or Safari.', 'no-webrtc');
    return;
  }
  $('chat_heading').textContent = `Chat with ${peerName}`;
  $('copy_hint').textContent = `This link is yours alone. Open it on another device (your phone, say) to move the call there. ${peerName} has their own link: the person who made the call sent it to them.`;
  chat.setAvailable(false, peerName);
  await getCamera();
  // The token goes as a subprotocol, not in the URL, which request logs record (docs/security.md).
  session.connect(socketUrl(location, userId, peerId), protocols);
}

watchQuality(() => session.call?.pc ?? null, (q) => {
  inspect.stats = q;
  ui.showQuality(q);
});

$('hangup').addEventListener('click', () => {
  session.hangUp();
  media.stopAll();
});

$('copy_link').addEventListener('click', async () => {
  const result = $('copy_result');
  try {
    await navigator.clipboard.writeText(location.href);
    result.textContent = 'Copied. Opening it elsewhere moves the call there.';
  } catch {
    result.textContent = 'Copying was not allowed: copy the address from the address bar instead.';
  }
});

window.addEventListener('pagehide', () => session.leave());

start().catch((err) => {
  console.error(err);
  session.fail('Something went wrong starting the call. Reload to try again.', 'start-failed');
});

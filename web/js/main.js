// The call page: reads the link, gets the camera, and wires the parts together. The call's life is
// in session.js, which carries out session-rules.js's decisions (recovery.js, parking.js; the status
// in call-view.js) with one connection per other member; controls.js, devices.js and panels.js are
// the buttons, pickers and side panels; chat.js the chat; ui.js what the person sees of the page,
// tiles.js the others' videos. Protocol: docs/protocol.md; what each browser needs: docs/browsers.md.
import { ChatView, MAX_CHAT_CHARS } from './chat.js';
import { setupControls } from './controls.js';
import { setupDevicePickers } from './devices.js';
import {
  isPlainId, readLink, socketProtocols, socketUrl, validMembers,
} from './link.js';
import { LocalMedia } from './media.js';
import { setupPanels } from './panels.js';
import { PEER } from './peer-messages.js';
import { watchQuality } from './quality.js';
import { Session } from './session.js';
import { exposeForTests } from './test-hooks.js';
import { Tiles } from './tiles.js';
import * as ui from './ui.js';
import { ERROR } from './wire.js';

const $ = (id) => document.getElementById(id);
const link = readLink(location.href);
// An older link has its token in the query: keep it out of the address bar (and so out of bookmarks,
// history and copies of the address); the fragment, which no server sees, holds it from now on.
if (link.cleanHref) history.replaceState(history.state, '', link.cleanHref);
const { userId, peerIds, token } = link;
// How each other member is shown, by the ID the server uses for them (lower case), in the link's
// order. A name the server would refuse (a look-alike letter) is never shown.
const names = new Map(peerIds.map((id) => [id.toLowerCase(), isPlainId(id) ? id : 'your peer']));
const everyone = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format([...names.values()]);
const group = names.size > 1;

const media = new LocalMedia();
const tiles = new Tiles($('tiles').parentElement, names, { announce: ui.announce });
/** The peers whose data channel is open: chat works while there is one. */
const channels = new Set();
const session = new Session({
  names,
  media,
  render: (view) => {
    ui.render(view);
    tiles.render(view.peers);
  },
  onRemoteStream: (peer, stream) => {
    // Autoplay with sound may be blocked (iOS Safari, or no prior tap): offer an explicit button.
    tiles.get(peer)?.showStream(stream).catch(() => ui.offerToStartAudio(() => tiles.playAll()));
  },
  onCallGone: (peer) => {
    inspect.quality.delete(peer);
    tiles.get(peer)?.clear();
  },
  onChannel: (peer, open) => {
    if (open) channels.add(peer);
    else channels.delete(peer);
    chat.setAvailable(channels.size > 0, everyone);
    if (open) session.sendDataTo(peer, media.state());
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
  onSend: (text) => session.sendData({ kind: PEER.CHAT, text }), // to everyone whose channel is open
  onIncoming: () => panels.noteIncoming(),
});

function onPeerMessage(peer, msg) {
  if (msg.kind === PEER.MEDIA) {
    tiles.get(peer)?.setMedia({ audio: msg.audio !== false, video: msg.video !== false, screen: msg.screen === true });
  } else if (msg.kind === PEER.CHAT && typeof msg.text === 'string' && msg.text.trim()) {
    chat.add('peer', msg.text.slice(0, MAX_CHAT_CHARS), names.get(peer) ?? peer);
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
  if (!userId || !peerIds.length || !token) {
    session.fail('This link is incomplete: it needs userID, peerID and token. Ask for a new link.', ERROR.INVALID_LINK);
    return;
  }
  const protocols = socketProtocols(token);
  if (link.conflict || !protocols || !validMembers(userId, peerIds)) {
    session.fail('This link is not valid. Ask the person who sent it for a new one.', ERROR.INVALID_LINK);
    return;
  }
  if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    session.fail('This browser cannot make video calls (no WebRTC). Try a current Chrome, Firefox or Safari.', 'no-webrtc');
    return;
  }
  $('chat_heading').textContent = `Chat with ${everyone}`;
  const theirs = group ? 'have their own links: the person who made the call sent them theirs' : 'has their own link: the person who made the call sent it to them';
  $('copy_hint').textContent = `This link is yours alone. Open it on another device (your phone, say) to move the call there. ${everyone} ${theirs}.`;
  chat.setAvailable(false, everyone);
  await getCamera();
  // The token goes as a subprotocol, not in the URL, which request logs record (docs/security.md).
  session.connect(socketUrl(location, userId, peerIds), protocols);
}

watchQuality(() => new Map([...session.calls].map(([peer, call]) => [peer, call.pc])), (peer, q) => {
  inspect.quality.set(peer, q);
  tiles.get(peer)?.showQuality(q);
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

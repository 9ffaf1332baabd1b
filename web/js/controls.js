// The media buttons: mute, camera off, share screen. Each change shows in our own view, is
// announced to screen readers and is told to the peer over the data channel.
import * as ui from './ui.js';

/**
 * @param {{media: import('./media.js').LocalMedia, replaceTrack: (kind: string, track: MediaStreamTrack) => Promise<void>,
 *          sendData: (msg: object) => boolean, inform: (message: string) => void}} parts
 */
export function setupControls({ media, replaceTrack, sendData, inform }) {
  const muteButton = document.getElementById('mute');
  const cameraButton = document.getElementById('camera');
  const shareButton = document.getElementById('share_screen');

  /** Tells the peer what our microphone, camera and screen are doing. */
  function sendMediaState() {
    sendData(media.state());
  }

  /** Brings the buttons and our own view up to date; reattach after the camera changed. */
  function update(reattach = false) {
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
    update();
    ui.announce(media.audioEnabled ? 'Microphone on.' : 'Microphone muted.');
    sendMediaState();
  });

  cameraButton.addEventListener('click', () => {
    media.setVideoEnabled(!media.videoEnabled);
    update();
    ui.announce(media.videoEnabled ? 'Camera on.' : 'Camera off.');
    sendMediaState();
  });

  async function stopSharing() {
    if (!media.screenTrack) return;
    media.stopScreen();
    await replaceTrack('video', media.cameraTrack);
    update();
    ui.announce('You stopped sharing your screen.');
    sendMediaState();
  }

  if (!navigator.mediaDevices?.getDisplayMedia) shareButton.hidden = true; // phones
  shareButton.addEventListener('click', async () => {
    if (media.screenTrack) {
      await stopSharing();
      return;
    }
    try {
      const track = await media.startScreen(() => stopSharing());
      await replaceTrack('video', track);
      ui.announce('You are sharing your screen.');
    } catch (err) {
      if (err.name !== 'NotAllowedError') inform(`Screen sharing could not start (${err.name}).`);
    }
    update();
    sendMediaState();
  });

  return { update, sendMediaState };
}

// The camera and microphone pickers in Settings: filled from the device list, and switching the
// device in use without renegotiating (replaceTrack).
import * as ui from './ui.js';

/**
 * @param {{media: import('./media.js').LocalMedia, replaceTrack: (kind: string, track: MediaStreamTrack) => Promise<void>,
 *          afterSwitch: () => void, inform: (message: string) => void}} parts
 */
export function setupDevicePickers({ media, replaceTrack, afterSwitch, inform }) {
  const cameraSelect = document.getElementById('camera_select');
  const micSelect = document.getElementById('mic_select');

  function fill(select, devices, emptyText) {
    select.replaceChildren();
    for (const d of devices) select.append(new Option(d.label, d.deviceId, false, d.selected));
    if (!devices.length) select.append(new Option(emptyText, ''));
    select.disabled = devices.length < 2;
  }

  /**
   * Lists the devices. Never wait for this before joining: Firefox answers it only once the tab is
   * in the foreground, so a link opened in a background tab would not join until someone looks.
   */
  async function refresh() {
    const { cameras, microphones } = await media.devices();
    fill(cameraSelect, cameras, 'No camera found');
    fill(micSelect, microphones, 'No microphone found');
  }

  async function switchDevice(kind, select) {
    if (!select.value) return;
    const what = kind === 'video' ? 'camera' : 'microphone';
    try {
      const { track, stopOld } = await media.switchDevice(kind, select.value);
      if (kind === 'audio' || !media.screenTrack) await replaceTrack(kind, track);
      stopOld();
      afterSwitch();
      ui.announce(`${kind === 'video' ? 'Camera' : 'Microphone'} changed to ${select.selectedOptions[0]?.text}.`);
    } catch (err) {
      inform(`That ${what} could not start (${err.name}).`);
    }
    await refresh();
  }

  cameraSelect.addEventListener('change', () => switchDevice('video', cameraSelect));
  micSelect.addEventListener('change', () => switchDevice('audio', micSelect));
  navigator.mediaDevices?.addEventListener?.('devicechange', () => { if (media.stream) refresh(); });

  return { refresh, cameraSelect };
}

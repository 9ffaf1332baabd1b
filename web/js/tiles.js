// The other members' videos: one tile per peer, in the link's order, each labelled with the person's
// name, with what their microphone and camera are doing, what their connection is doing when there is
// no picture (call-view.js's view of the pair), and the quality line of the pair's connection. The
// first tile is in video.html (its ids are the ones a call of two always had); the others are copies.
// The stage's data-tiles (1–3) picks the grid (app.css).
import { describe } from './quality.js';

export class Tiles {
  /**
   * @param {HTMLElement} stage the element holding #tiles and the own view
   * @param {Map<string, string>} names how to show each other member, by peer ID, in the link's order
   * @param {{announce: (text: string) => void}} parts
   */
  constructor(stage, names, { announce }) {
    const container = stage.querySelector('#tiles');
    const first = container.querySelector('.tile');
    /** @type {Map<string, Tile>} */
    this.tiles = new Map();
    [...names].forEach(([peer, name], i) => {
      let el = first;
      if (i > 0) {
        el = first.cloneNode(true);
        for (const withId of el.querySelectorAll('[id]')) withId.removeAttribute('id');
        container.append(el);
      }
      this.tiles.set(peer, new Tile(el, peer, name, announce, { first: i === 0, alone: names.size === 1 }));
    });
    stage.dataset.tiles = String(this.tiles.size);
  }

  /** @param {string} peer */
  get(peer) {
    return this.tiles.get(peer);
  }

  /** Shows each pair's view (meshView's peers). */
  render(views) {
    for (const view of views) this.tiles.get(view.peer)?.render(view);
  }

  /** Plays every video (after a tap, where autoplay with sound was refused). */
  playAll() {
    for (const tile of this.tiles.values()) tile.video.play().catch(() => {});
  }
}

class Tile {
  constructor(el, peer, name, announce, { first, alone }) {
    this.el = el;
    this.name = name;
    this.announce = announce;
    // The first peer's state also goes on the body, where a call of two has always had it.
    this.first = first;
    this.alone = alone;
    this.video = el.querySelector('.tile-video');
    this.placeholder = el.querySelector('.placeholder');
    this.placeholderText = el.querySelector('.placeholder-text');
    this.muted = el.querySelector('.peer-muted');
    this.quality = el.querySelector('.quality');
    this.media = null;
    this.state = null;
    el.dataset.peer = peer;
    el.querySelector('.tile-name').textContent = name;
    el.querySelector('.avatar').textContent = name.slice(0, 1).toUpperCase();
    this.video.setAttribute('aria-label', `${name}'s video`);
    this.#placeholder();
  }

  /** The pair's view (call-view.js): what the tile says while there is no picture. */
  render(view) {
    this.state = view;
    this.el.dataset.state = view.state;
    this.#placeholder();
  }

  /** @returns {Promise<void>} rejected when autoplay with sound was refused */
  showStream(stream) {
    if (this.video.srcObject === stream) return Promise.resolve();
    this.video.srcObject = stream;
    return this.video.play();
  }

  /** The pair's connection is gone: no picture, no media state, no quality. */
  clear() {
    this.video.srcObject = null;
    this.setMedia(null);
    this.showQuality(null);
  }

  /**
   * Shows and announces what the peer's microphone and camera are doing.
   * @param {{audio: boolean, video: boolean, screen?: boolean}|null} media null: forget (connection gone)
   */
  setMedia(media) {
    const prev = this.media;
    const { name } = this;
    this.media = media;
    this.el.dataset.audio = media ? String(media.audio) : '';
    this.el.dataset.video = media ? String(media.video) : '';
    this.el.dataset.screen = media ? String(Boolean(media.screen)) : '';
    if (this.first) {
      document.body.dataset.peerAudio = this.el.dataset.audio;
      document.body.dataset.peerVideo = this.el.dataset.video;
    }
    this.muted.hidden = !media || media.audio;
    this.muted.textContent = media && !media.audio ? `${name} is muted` : '';
    this.#placeholder();
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
    if (said.length) this.announce(said.join(' '));
  }

  /** @param {import('./quality.js').Quality|null} q */
  showQuality(q) {
    this.quality.hidden = !q;
    this.el.dataset.quality = q?.level ?? '';
    if (this.first) document.body.dataset.quality = this.el.dataset.quality;
    if (!q) return;
    this.quality.dataset.level = q.level;
    this.quality.querySelector('.quality-text').textContent = describe(q);
  }

  /**
   * No picture while the pair is not connected (what the connection is doing instead) or the camera
   * is off. Alone on the stage, the tile shows no words: the status line says them.
   */
  #placeholder() {
    const connected = this.state?.state === 'connected';
    const cameraOff = connected && this.media?.video === false;
    this.placeholder.hidden = connected && !cameraOff;
    if (cameraOff) this.placeholderText.textContent = `${this.name} turned their camera off`;
    else this.placeholderText.textContent = connected || this.alone ? '' : this.state?.status ?? '';
  }
}

// The call experience: controls, what the peer sees of them, chat, quality, recovery, keyboard.
// Headless Chromium (Debian's package, fake camera/microphone/screen); calls with Firefox are in
// browsers.test.mjs. Safari is not available here, so iOS autoplay, Safari's camera switching and
// real touch are not tested (docs/browsers.md).
//
// In every call here the first page (A) joins first, so B makes the first offer and leads the
// connection: only B ever offers; A asks B for ICE restarts (web/js/recovery.js).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ARTIFACTS, comeBack, dropSocketAndRecover, launchBrowser, openCall, remoteFrames, startServer, waitFor, waitForFramesAfter, waitForRemoteFrames,
} from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const call = (a, b, options) => openCall(browser, server.baseUrl, a, b, options);

const announced = (page, pattern) => waitFor(page, (p) => new RegExp(p).test(document.getElementById('announcer').textContent),
  pattern, { what: `announcement /${pattern}/` });

const senderLabel = (page, kind) => page.evaluate((k) => window.__videocall.pc().getSenders().find((s) => s.track?.kind === k)?.track.label, kind);

const iceUfrag = (page) => page.evaluate(() => window.__videocall.pc().localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1]);

test('muting and turning the camera off are shown to the peer', async () => {
  const c = await call('mia', 'noah');
  try {
    await waitFor(c.pageB, () => document.body.dataset.peerAudio === 'true', undefined, { what: 'media state received' });
    await c.pageA.click('#mute');
    assert.equal(await c.pageA.getAttribute('#mute', 'aria-pressed'), 'true');
    assert.equal(await c.pageA.evaluate(() => document.getElementById('local_video').srcObject.getAudioTracks()[0].enabled), false);
    await waitFor(c.pageB, () => !document.getElementById('peer_muted').hidden, undefined, { what: 'muted badge' });
    assert.equal(await c.pageB.textContent('#peer_muted'), 'mia is muted');
    await announced(c.pageB, 'mia muted\\.');

    await c.pageA.click('#camera');
    await waitFor(c.pageB, () => !document.getElementById('remote_placeholder').hidden, undefined, { what: 'camera-off placeholder' });
    assert.match(await c.pageB.textContent('#remote_placeholder'), /mia turned their camera off/);
    await announced(c.pageB, 'mia turned their camera off\\.');
    assert.ok(await c.pageA.isVisible('.self-off'), 'own view says the camera is off');

    await c.pageA.click('#mute');
    await c.pageA.click('#camera');
    await waitFor(c.pageB, () => document.getElementById('peer_muted').hidden && document.getElementById('remote_placeholder').hidden,
      undefined, { what: 'badge and placeholder gone' });
  } finally {
    await c.close();
  }
});

test('chat works both ways; text is rendered safely and only http(s) links are clickable', async () => {
  const c = await call('olga', 'pete');
  try {
    await c.pageA.click('#chat_toggle');
    await waitFor(c.pageA, () => !document.getElementById('chat_input').disabled, undefined, { what: 'chat ready' });
    assert.equal(await c.pageA.evaluate(() => document.activeElement.id), 'chat_input', 'opening chat focuses the input');
    const text = 'call me on +1 555 0100 or see https://example.com/a?b=1. <img src=x onerror="window.pwned=1"> javascript:alert(1)';
    await c.pageA.fill('#chat_input', text);
    await c.pageA.keyboard.press('Enter');

    await waitFor(c.pageB, () => document.getElementById('chat_unread').textContent === '1', undefined, { what: 'unread badge' });
    await announced(c.pageB, '^olga says: call me on \\+1 555 0100');
    assert.equal(await c.pageB.getAttribute('#chat_toggle', 'aria-label'), 'Chat, 1 unread');
    await c.pageB.click('#chat_toggle');
    assert.equal(await c.pageB.isHidden('#chat_unread'), true, 'opening chat clears the badge');
    const rendered = await c.pageB.evaluate(() => {
      const li = document.querySelector('#chat_log li.chat-peer');
      return {
        text: li.querySelector('.chat-text').textContent,
        links: [...li.querySelectorAll('a')].map((a) => ({ href: a.href, rel: a.rel, target: a.target, text: a.textContent })),
        imgs: li.querySelectorAll('img').length,
        pwned: window.pwned ?? null,
      };
    });
    assert.equal(rendered.text, text);
    assert.deepEqual(rendered.links, [{ href: 'https://example.com/a?b=1', rel: 'noopener noreferrer', target: '_blank', text: 'https://example.com/a?b=1' }]);
    assert.equal(rendered.imgs, 0);
    assert.equal(rendered.pwned, null);

    await c.pageB.fill('#chat_input', 'got it, thanks');
    await c.pageB.click('#chat_send');
    await waitFor(c.pageA, () => [...document.querySelectorAll('#chat_log li.chat-peer')].some((li) => li.textContent.includes('got it, thanks')),
      undefined, { what: 'reply at olga' });
    await announced(c.pageA, 'pete says: got it, thanks');
  } finally {
    await c.close();
  }
});

test('switching camera and microphone keeps frames flowing without renegotiating', async () => {
  const c = await call('quinn', 'rosa', { hooks: true });
  try {
    await waitForRemoteFrames(c.pageB);
    await c.pageA.click('#settings_toggle');
    const cameras = await c.pageA.$$eval('#camera_select option', (os) => os.map((o) => ({ value: o.value, text: o.text, selected: o.selected })));
    const mics = await c.pageA.$$eval('#mic_select option', (os) => os.map((o) => ({ value: o.value, text: o.text, selected: o.selected })));
    assert.ok(cameras.length >= 3, `three fake cameras listed: ${JSON.stringify(cameras)}`);
    assert.ok(mics.length >= 2, `fake microphones listed: ${JSON.stringify(mics)}`);
    const offersBefore = await Promise.all([c.pageA, c.pageB].map((p) => p.evaluate(() => window.__videocall.sent.offer ?? 0)));

    const otherCamera = cameras.find((o) => o.text === 'fake_device_2');
    const before = await senderLabel(c.pageA, 'video');
    await c.pageA.selectOption('#camera_select', otherCamera.value);
    await waitFor(c.pageA, (label) => window.__videocall.pc().getSenders().some((s) => s.track?.label === label),
      otherCamera.text, { what: `sender uses ${otherCamera.text}` });
    assert.notEqual(before, otherCamera.text);
    await waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20);
    assert.ok(await c.pageA.evaluate(() => document.getElementById('local_video').videoWidth > 0), 'own preview shows the new camera');

    const otherMic = mics.find((o) => !o.selected);
    await c.pageA.selectOption('#mic_select', otherMic.value);
    await waitFor(c.pageA, (label) => window.__videocall.pc().getSenders().some((s) => s.track?.kind === 'audio' && s.track.label === label),
      otherMic.text, { what: `sender uses ${otherMic.text}` });
    await announced(c.pageA, `Microphone changed to ${otherMic.text}`);

    const offersAfter = await Promise.all([c.pageA, c.pageB].map((p) => p.evaluate(() => window.__videocall.sent.offer ?? 0)));
    assert.deepEqual(offersAfter, offersBefore, 'no new offers: replaceTrack, no renegotiation');
    await waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20);
  } finally {
    await c.close();
  }
});

test('sharing the screen replaces the video at the peer, and stopping brings the camera back', async () => {
  const c = await call('sam', 'tara', { hooks: true });
  try {
    const cam = await waitForRemoteFrames(c.pageB);
    await c.pageA.click('#share_screen');
    await waitFor(c.pageA, () => document.getElementById('share_screen').getAttribute('aria-pressed') === 'true', undefined, { what: 'share pressed' });
    // The fake screen is 1280×720; the fake camera 640×480.
    await waitFor(c.pageB, (w) => document.getElementById('remote_video').videoWidth !== w, cam.width, { what: 'screen resolution at the peer' });
    await announced(c.pageB, 'sam is sharing their screen');
    assert.match(await senderLabel(c.pageA, 'video'), /screen/);
    await waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 10);

    await c.pageA.click('#share_screen');
    await waitFor(c.pageA, () => document.getElementById('share_screen').getAttribute('aria-pressed') === 'false', undefined, { what: 'share released' });
    await waitFor(c.pageB, (w) => document.getElementById('remote_video').videoWidth === w, cam.width, { what: 'camera resolution again' });
    await announced(c.pageB, 'sam stopped sharing their screen');
    assert.equal(await c.pageA.evaluate(() => window.__videocall.sent.offer ?? 0), 0, 'answerer never offered: no renegotiation');
  } finally {
    await c.close();
  }
});

test('the quality indicator shows round-trip time, loss, bitrate and the path', async () => {
  const c = await call('uma', 'vic');
  try {
    await waitFor(c.pageA, () => {
      const s = window.__videocall.stats;
      return s && typeof s.rttMs === 'number' && typeof s.lossPct === 'number' && s.videoKbps > 0 && s.path;
    }, undefined, { timeout: 12000, what: 'stats with numbers' });
    const stats = await c.pageA.evaluate(() => window.__videocall.stats);
    assert.equal(stats.path, 'direct', `local ${stats.localType}, remote ${stats.remoteType}`);
    assert.equal(stats.localType, 'host');
    assert.ok(stats.rttMs >= 0 && stats.rttMs < 1000, JSON.stringify(stats));
    assert.ok(stats.lossPct >= 0 && stats.lossPct <= 100, JSON.stringify(stats));
    const line = await c.pageA.textContent('#quality');
    assert.match(line, /connection · \d+ ms · [\d.]+% loss · [\d.]+ (k|M)bit\/s · direct/);
    assert.equal(await c.pageA.evaluate(() => document.body.dataset.quality), stats.level);
    console.log(`# quality: ${line} ${JSON.stringify(stats)}`);
  } finally {
    await c.close();
  }
});

test('a dropped WebSocket reconnects by itself; video keeps flowing and signaling works again', async () => {
  const c = await call('wes', 'xena', { hooks: true });
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), waitForRemoteFrames(c.pageB)]);
    await comeBack(c.pageA); // from parking: there is a socket to drop
    const sockets = [];
    c.pageA.on('websocket', (ws) => sockets.push(ws.url()));
    const frames = await Promise.all([remoteFrames(c.pageA), remoteFrames(c.pageB)]);
    await dropSocketAndRecover(c.pageA);
    assert.equal(sockets.length, 1, 'one new WebSocket');
    assert.equal(await c.pageA.evaluate(() => document.body.dataset.callState), 'connected');
    await Promise.all([waitForFramesAfter(c.pageA, frames[0], 30), waitForFramesAfter(c.pageB, frames[1], 30)]);

    // Signaling carries a renegotiation again: A asks for an ICE restart, B's offer reaches A over
    // A's new socket and A's answer goes back through it.
    const offersB = await c.pageB.evaluate(() => window.__videocall.sent.offer ?? 0);
    const answersA = await c.pageA.evaluate(() => window.__videocall.sent.answer ?? 0);
    const ufragB = await iceUfrag(c.pageB);
    await c.pageA.evaluate(() => window.__videocall.restartIce());
    await waitFor(c.pageB, (u) => !window.__videocall.pc().localDescription.sdp.includes(`a=ice-ufrag:${u}`),
      ufragB, { what: 'B made the restart offer' });
    await waitFor(c.pageA, (n) => window.__videocall.sent.answer > n, answersA, { what: 'A answered over its new socket' });
    assert.equal(await c.pageB.evaluate(() => window.__videocall.sent.offer), offersB + 1);
    assert.equal(await c.pageA.evaluate(() => window.__videocall.sent.offer ?? 0), 0, 'A, which does not lead, never offers');
    await waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20);
  } finally {
    await c.close();
  }
});

test('offline with the socket dropped: no reconnect until back online, then it reconnects and the call continues', async () => {
  const c = await call('yara', 'zack', { hooks: true });
  try {
    await waitForRemoteFrames(c.pageB);
    await comeBack(c.pageA); // from parking: there is a socket to drop
    await c.ctxA.setOffline(true);
    // Chromium's offline emulation leaves open sockets to localhost alone: drop it ourselves.
    await c.pageA.evaluate(() => window.__videocall.dropSocket(3000));
    await waitFor(c.pageA, () => document.body.dataset.recovering === 'signaling', undefined, { what: 'reconnecting shown' });
    assert.match(await c.pageA.textContent('#notice'), /Reconnecting to the server/);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await c.pageA.evaluate(() => document.body.dataset.recovering), 'signaling', 'still offline, still reconnecting');
    await c.ctxA.setOffline(false);
    await waitFor(c.pageA, () => !document.body.dataset.recovering, undefined, { timeout: 20000, what: 'signaling back after online' });
    await waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20);
    assert.equal(await c.pageB.evaluate(() => document.body.dataset.callState), 'connected');
  } finally {
    await c.close();
  }
});

test('an ICE restart gives new credentials and frames flow again', async () => {
  const c = await call('abe', 'bea', { hooks: true });
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), waitForRemoteFrames(c.pageB)]);
    const [ua, ub] = await Promise.all([iceUfrag(c.pageA), iceUfrag(c.pageB)]);
    await c.pageB.evaluate(() => window.__videocall.restartIce());
    await waitFor(c.pageA, (u) => !window.__videocall.pc().localDescription.sdp.includes(`a=ice-ufrag:${u}`), ua, { what: 'new ufrag at abe' });
    await waitFor(c.pageB, (u) => !window.__videocall.pc().localDescription.sdp.includes(`a=ice-ufrag:${u}`), ub, { what: 'new ufrag at bea' });
    assert.equal(await c.pageB.evaluate(() => window.__videocall.iceRestarts), 1);
    await waitFor(c.pageA, () => window.__videocall.pc().iceConnectionState === 'connected' || window.__videocall.pc().iceConnectionState === 'completed',
      undefined, { what: 'ICE connected again' });
    await Promise.all([waitForFramesAfter(c.pageA, await remoteFrames(c.pageA), 20), waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20)]);
    assert.equal(await c.pageA.evaluate(() => document.body.dataset.callState), 'connected');
  } finally {
    await c.close();
  }
});

test('ICE "disconnected" for more than 3 s triggers an ICE restart by itself (state simulated)', async () => {
  // A real path break cannot be made here (one host, no packet filter), so the page's pc is made to
  // report "disconnected" and the event is fired; the restart itself and its negotiation are real.
  const c = await call('cal', 'dee', { hooks: true });
  try {
    await waitForRemoteFrames(c.pageA);
    const ub = await iceUfrag(c.pageB);
    await c.pageA.evaluate(() => {
      const pc = window.__videocall.pc();
      Object.defineProperty(pc, 'iceConnectionState', { configurable: true, get: () => 'disconnected' });
      pc.dispatchEvent(new Event('iceconnectionstatechange'));
    });
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await c.pageA.evaluate(() => window.__videocall.restartRequests), 0, 'no restart within the grace period');
    // A does not lead the connection, so it asks B (over the data channel), and B restarts ICE.
    await waitFor(c.pageA, () => window.__videocall.restartRequests === 1, undefined, { timeout: 3000, what: 'restart asked for after 3 s' });
    await c.pageA.evaluate(() => { delete window.__videocall.pc().iceConnectionState; });
    await waitFor(c.pageB, () => window.__videocall.iceRestarts === 1, undefined, { what: 'B restarted ICE' });
    await waitFor(c.pageB, (u) => !window.__videocall.pc().localDescription.sdp.includes(`a=ice-ufrag:${u}`), ub, { what: 'B made the restart offer' });
    await waitForFramesAfter(c.pageA, await remoteFrames(c.pageA), 20);
  } finally {
    await c.close();
  }
});

test('every control is reachable by Tab, labelled, visibly focused, operable by keyboard, with 4.5:1 contrast', async () => {
  const c = await call('cleo', 'dan');
  try {
    const page = c.pageA;
    const describeFocus = () => page.evaluate(() => {
      const el = document.activeElement;
      const label = el.getAttribute('aria-label')
        ?? (el.labels?.[0]?.textContent)
        ?? el.textContent;
      const style = getComputedStyle(el);
      return { id: el.id, tag: el.tagName, name: (label ?? '').trim(), outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });
    const seen = [];
    await page.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      const f = await describeFocus();
      if (f.tag === 'BODY' || seen.some((s) => s.id === f.id)) break;
      seen.push(f);
    }
    const ids = seen.map((s) => s.id);
    for (const id of ['mute', 'camera', 'share_screen', 'chat_toggle', 'settings_toggle', 'hangup']) assert.ok(ids.includes(id), `${id} reached by Tab: ${ids}`);
    for (const s of seen) {
      assert.ok(s.name.length > 0, `${s.id} has a name`);
      assert.match(s.outline, /^solid [3-9]/, `${s.id} shows focus: ${s.outline}`);
    }

    // Operate by keyboard: Space toggles mute, Enter opens chat, Escape closes it and returns focus.
    await page.focus('#mute');
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('#mute', 'aria-pressed'), 'true');
    await page.focus('#chat_toggle');
    await page.keyboard.press('Enter');
    await waitFor(page, () => document.activeElement.id === 'chat_input', undefined, { what: 'focus in chat input' });
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#chat_panel'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'chat_toggle');

    // Settings: pickers and the copy button are labelled and reachable.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitFor(page, () => document.activeElement.id === 'camera_select', undefined, { what: 'focus on camera picker' });
    const inPanel = [];
    for (let i = 0; i < 3; i += 1) {
      inPanel.push(await describeFocus());
      await page.keyboard.press('Tab');
    }
    assert.deepEqual(inPanel.map((f) => f.id), ['camera_select', 'mic_select', 'copy_link']);
    assert.deepEqual(inPanel.map((f) => f.name), ['Camera', 'Microphone', 'Copy my link']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#settings_panel'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'settings_toggle');

    // Contrast of every control's text against its own background.
    const contrasts = await page.evaluate(() => {
      const rgb = (s) => s.match(/[\d.]+/g).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
        .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      return [...document.querySelectorAll('.controls button, .panel button, .panel select, #status')].filter((el) => el.offsetParent).map((el) => {
        const s = getComputedStyle(el);
        return { id: el.id, ratio: Math.round(ratio(rgb(s.color), rgb(s.backgroundColor)) * 10) / 10 };
      });
    });
    for (const { id, ratio } of contrasts) assert.ok(ratio >= 4.5, `${id} contrast ${ratio}:1`);
  } finally {
    await c.close();
  }
});

test('"Copy my link" puts this page\'s own link on the clipboard', async () => {
  const c = await call('eve', 'fay', { permissions: ['clipboard-read', 'clipboard-write'] });
  try {
    await c.pageA.click('#settings_toggle');
    assert.match(await c.pageA.textContent('#copy_hint'), /yours alone.*fay has their own link/);
    await c.pageA.click('#copy_link');
    await waitFor(c.pageA, () => document.getElementById('copy_result').textContent.startsWith('Copied'), undefined, { what: 'copied' });
    assert.equal(await c.pageA.evaluate(() => navigator.clipboard.readText()), c.pageA.url());
  } finally {
    await c.close();
  }
});

test('screenshots of a call in progress (desktop with chat, phone)', async () => {
  const desk = await call('alice', 'bob');
  try {
    await waitForRemoteFrames(desk.pageA);
    await desk.pageB.click('#chat_toggle');
    await waitFor(desk.pageB, () => !document.getElementById('chat_input').disabled, undefined, { what: 'chat ready' });
    await desk.pageB.fill('#chat_input', 'Here is the recipe: https://example.com/bread');
    await desk.pageB.keyboard.press('Enter');
    await desk.pageA.click('#chat_toggle');
    await waitFor(desk.pageA, () => document.querySelectorAll('#chat_log li').length === 1, undefined, { what: 'message' });
    await desk.pageA.fill('#chat_input', 'Thanks! Call you at 555 0100 later.');
    await desk.pageA.keyboard.press('Enter');
    await waitFor(desk.pageA, () => window.__videocall.stats?.videoKbps > 0, undefined, { timeout: 12000, what: 'quality shown' });
    await desk.pageA.screenshot({ path: path.join(ARTIFACTS, 'call-desktop-chat.png') });
  } finally {
    await desk.close();
  }
  const phone = await call('carol', 'dave', { viewport: { width: 390, height: 844 } });
  try {
    await waitForRemoteFrames(phone.pageB);
    await phone.pageA.click('#mute');
    await waitFor(phone.pageB, () => document.body.dataset.peerAudio === 'false', undefined, { what: 'muted shown' });
    await waitFor(phone.pageB, () => window.__videocall.stats?.videoKbps > 0, undefined, { timeout: 12000, what: 'quality shown' });
    await phone.pageB.screenshot({ path: path.join(ARTIFACTS, 'call-phone-muted.png') });
    const sizes = await phone.pageB.$$eval('.controls button:not([hidden])', (bs) => bs.map((b) => [b.id, b.getBoundingClientRect().width, b.getBoundingClientRect().height]));
    for (const [id, w, h] of sizes) assert.ok(w >= 44 && h >= 44, `${id} is ${w}×${h}, at least 44×44`);
    const bar = await phone.pageB.$eval('.controls', (n) => n.getBoundingClientRect().bottom);
    assert.equal(Math.round(bar), 844, 'controls at the bottom of the screen');
  } finally {
    await phone.close();
  }
  console.log(`# screenshots: ${path.join(ARTIFACTS, 'call-desktop-chat.png')}, ${path.join(ARTIFACTS, 'call-phone-muted.png')}`);
});

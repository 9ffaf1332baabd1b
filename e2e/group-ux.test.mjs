// Calls of three and four as a person sees them: the grid on a desktop and on a phone (screenshots for
// the README), names and states for screen readers, keyboard use as in a call of two, and the set-up
// time (first link opened → everyone sees everyone) measured over GROUP_SETUP_RUNS runs (default 1)
// for two, three and four people, opening the links one after the other and all at once
// (docs/performance.md).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ARTIFACTS, createCall, diagnosed, everyoneSeesEveryone, groupPerson, launchBrowser, openGroupCall, startServer, tile, waitFor,
  withTestHooks,
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

const RUNS = Number(process.env.GROUP_SETUP_RUNS ?? 1);

/** The median and range of a list of milliseconds, as a line. */
const summary = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return `median ${Math.round(median)} ms, ${sorted[0]}–${sorted.at(-1)} ms over ${ms.length} run(s): ${ms.join(', ')}`;
};

test('the grid of a call of four: one tile per person, named, on a desktop and on a phone', async () => {
  const people = ['grandma', 'mom', 'kid', 'uncle'];
  for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    // A picture large enough to look at in the README; the other tests use 160×120.
    const call = await openGroupCall(browser, server.baseUrl, people, { viewport, video: { width: 320, height: 240, frameRate: 15 } });
    try {
      const { grandma, mom, kid } = call.pages;
      // Someone muted and someone with the camera off, as in a real family call.
      await mom.click('#mute');
      await kid.click('#camera');
      await waitFor(grandma, (sel) => !document.querySelector(`${sel} .peer-muted`).hidden, tile('mom'), { what: 'mom muted' });
      await waitFor(grandma, (sel) => !document.querySelector(`${sel} .placeholder`).hidden, tile('kid'), { what: 'kid camera off' });
      await waitFor(grandma, () => window.__videocall.quality.size === 3 && [...window.__videocall.quality.values()].every((q) => q.videoKbps !== null),
        undefined, { timeout: 15000, what: 'a quality line per person' });

      // The tiles fill the stage, the own camera in the fourth cell, nothing overlapping the controls.
      const boxes = await grandma.evaluate(() => [...document.querySelectorAll('.tile'), document.getElementById('self_view')]
        .map((el) => el.getBoundingClientRect()).map((r) => ({ x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height) })));
      const controlsTop = await grandma.$eval('.controls', (n) => n.getBoundingClientRect().top);
      assert.equal(new Set(boxes.map((b) => `${b.x},${b.y}`)).size, 4, `four cells: ${JSON.stringify(boxes)}`);
      for (const b of boxes) assert.ok(b.y + b.h <= controlsTop + 1 && b.w > 100 && b.h > 100, `${JSON.stringify(b)} above the controls (${controlsTop})`);

      // What a screen reader finds: each video named after its person, each tile's caption, the status.
      const named = await grandma.evaluate(() => [...document.querySelectorAll('.tile')].map((t) => [
        t.querySelector('video').getAttribute('aria-label'), t.querySelector('figcaption').textContent.replace(/\s+/g, ' ').trim(),
      ]));
      assert.deepEqual(named.map(([label]) => label), ["mom's video", "kid's video", "uncle's video"]);
      assert.match(named[0][1], /^mom mom is muted/);
      assert.equal(await grandma.textContent('#status'), 'Connected with mom, kid, and uncle');
      assert.equal(await grandma.getAttribute('#status', 'role'), 'status');

      const file = path.join(ARTIFACTS, `group-call-${label}.png`);
      await grandma.screenshot({ path: file });
      console.log(`# screenshot: ${file}`);
    } finally {
      await call.close();
    }
  }
});

test('keyboard use in a call of three is as in a call of two: the controls in order, nothing in the tiles to tab through', async () => {
  const call = await openGroupCall(browser, server.baseUrl, ['kim', 'lou', 'meg']);
  try {
    const page = call.pages.kim;
    await page.evaluate(() => document.activeElement?.blur());
    const ids = [];
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('Tab');
      ids.push(await page.evaluate(() => document.activeElement.id));
    }
    assert.deepEqual(ids.slice(0, 6), ['mute', 'camera', 'share_screen', 'chat_toggle', 'settings_toggle', 'hangup']);
    await page.focus('#mute');
    await page.keyboard.press('Space');
    await waitFor(call.pages.meg, (sel) => document.querySelector(sel).dataset.audio === 'false', tile('kim'), { what: 'kim muted at meg' });
    await waitFor(call.pages.meg, () => /kim muted\./.test(document.getElementById('announcer').textContent), undefined, { what: 'announced at meg' });
  } finally {
    await call.close();
  }
});

// Two people too, measured the same way, to compare with.
for (const size of [2, 3, 4]) {
  test(`set-up time for ${size} people, links opened one after the other and all at once`, { timeout: 120000 * RUNS }, async () => {
    const people = ['pat', 'quin', 'ray', 'sue'].slice(0, size);
    const inTurn = [];
    const atOnce = [];
    for (let run = 0; run < RUNS; run += 1) {
      const call = await openGroupCall(browser, server.baseUrl, people);
      inTurn.push(call.setupMs);
      await call.close();

      const { links } = await createCall(server.baseUrl, ...people);
      const pages = {};
      for (const name of people) pages[name] = await groupPerson(browser);
      try {
        const started = Date.now();
        await Promise.all(people.map((name) => pages[name].goto(withTestHooks(links[name]))));
        await diagnosed(Object.values(pages), () => everyoneSeesEveryone(pages));
        atOnce.push(Date.now() - started);
      } finally {
        for (const p of Object.values(pages)) await p.close();
      }
    }
    console.log(`# set-up, ${size} people, one after the other: ${summary(inTurn)}`);
    console.log(`# set-up, ${size} people, all at once: ${summary(atOnce)}`);
    for (const ms of [...inTurn, ...atOnce]) assert.ok(ms < 20000, `everyone saw everyone within 20 s: ${ms} ms`);
  });
}

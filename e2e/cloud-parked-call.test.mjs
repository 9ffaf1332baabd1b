// A parked call across the two gateways of the emulated cloud (web/js/parking.js): set-up, a parked
// stretch of CLOUD_PARKED_SECONDS, an ICE restart after it (the first thing that needs the server:
// both gateways wake), and hang-up. it/ParkedCallTest starts the cloud, runs this file with
// CLOUD_LINK_A, CLOUD_LINK_B and CLOUD_PARKED_SECONDS set, and counts the messages, invocations,
// writes and socket time of each stretch between the "# mark" lines printed here
// (docs/deploy.md, "What a call costs").
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import {
  ARTIFACTS, diagnosed, launchBrowser, mark, remoteFrames, waitFor, waitForFramesAfter, waitForParked, waitForRemoteFrames, waitForState, withTestHooks,
} from './harness.mjs';

const linkA = process.env.CLOUD_LINK_A;
const linkB = process.env.CLOUD_LINK_B;
const parkedSeconds = Number(process.env.CLOUD_PARKED_SECONDS ?? 0);
const skip = !linkA || !linkB || !parkedSeconds ? 'CLOUD_LINK_A/B and CLOUD_PARKED_SECONDS not set: run by it/ParkedCallTest' : false;

const parked = waitForParked;

const ufrag = (page) => page.evaluate(() => window.__videocall.pc().localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1]);

test('a parked call across two gateways: set-up, a parked stretch, an ICE restart after it, hang-up', {
  skip,
  timeout: (parkedSeconds + 120) * 1000,
}, async () => {
  const browser = await launchBrowser();
  try {
    const pages = [];
    const requests = [0, 0];
    for (const i of [0, 1]) {
      const page = await (await browser.newContext()).newPage();
      page.on('request', () => { requests[i] += 1; });
      pages.push(page);
    }
    const [pageA, pageB] = pages;
    await diagnosed(pages, async () => {
      await mark('start');
      await pageA.goto(withTestHooks(linkA));
      await waitForState(pageA, 'waiting', 20000);
      await pageB.goto(withTestHooks(linkB));
      await Promise.all([waitForState(pageA, 'connected', 20000), waitForState(pageB, 'connected', 20000)]);
      await Promise.all([waitForRemoteFrames(pageA), waitForRemoteFrames(pageB)]);
      await Promise.all([parked(pageA), parked(pageB)]);
      await mark('set-up', `http-requests ${requests.join(' ')}`);

      const frames = await Promise.all(pages.map((p) => remoteFrames(p)));
      await new Promise((r) => setTimeout(r, parkedSeconds * 1000));
      await Promise.all(pages.map((p, i) => waitForFramesAfter(p, frames[i], 30)));
      for (const p of pages) {
        assert.equal(await p.evaluate(() => window.__videocall.signaling), 'parked', 'still parked after the parked stretch');
        assert.equal(await p.evaluate(() => document.body.dataset.callState), 'connected');
      }
      const framesDuring = await Promise.all(pages.map(async (p, i) => (await remoteFrames(p)) - frames[i]));
      await mark('parked', `frames ${framesDuring.join(' ')}`);

      // The first thing after the parked stretch that needs the server: an ICE restart, asked for by
      // alice (who does not lead), made by bob; both gateways must wake and deliver promptly.
      const before = await Promise.all(pages.map(ufrag));
      const restartAsked = Date.now();
      await pageA.evaluate(() => window.__videocall.restartIce());
      await Promise.all(pages.map((p, i) => waitFor(p, (u) => window.__videocall.pc().localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1] !== u,
        before[i], { timeout: 20000, what: 'new ICE credentials' })));
      const restartMs = Date.now() - restartAsked;
      await Promise.all(pages.map((p) => waitFor(p, () => window.__videocall.pc().iceConnectionState === 'connected'
        || window.__videocall.pc().iceConnectionState === 'completed', undefined, { timeout: 20000, what: 'ICE connected again' })));
      await Promise.all([parked(pageA), parked(pageB)]);
      await mark('restart', `restart-ms ${restartMs}`);

      await pageB.click('#hangup');
      await waitForState(pageB, 'ended');
      await waitForState(pageA, 'peer-left', 5000);
      for (const p of pages) {
        await waitFor(p, () => window.__videocall.closeCodes.at(-1) === 1000, undefined, { what: 'the bye socket closed' });
      }
      const codes = await Promise.all(pages.map((p) => p.evaluate(() => window.__videocall.closeCodes)));
      await mark('hang-up', `close-codes ${codes.map((c) => c.join(',')).join(' ')}`);
      await pageA.screenshot({ path: path.join(ARTIFACTS, 'cloud-parked-call-ended.png') });
    });
  } finally {
    await browser.close();
  }
});

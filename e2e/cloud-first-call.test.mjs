// The first call of a fresh `scripts/run --emulated-cloud`: both printed links opened at the same
// moment, each person on a different gateway, and the call connects. it/FirstCallTest starts the
// emulated cloud as that command does and runs this file with CLOUD_LINK_A and CLOUD_LINK_B set.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { diagnosed, launchBrowser, waitForRemoteFrames, waitForState } from './harness.mjs';

const linkA = process.env.CLOUD_LINK_A;
const linkB = process.env.CLOUD_LINK_B;
// With CLOUD_SYNC_DIR the call stays up after "# connected" until the file "looked" appears there, so
// the caller can look at the call's documents while both people are in it.
const syncDir = process.env.CLOUD_SYNC_DIR;

test('both links of a fresh emulated cloud opened at once: the first call connects', { skip: !linkA || !linkB ? 'CLOUD_LINK_A/B not set: run by it/FirstCallTest' : false }, async () => {
  assert.notEqual(new URL(linkA).port, new URL(linkB).port, 'the two people are on different gateways');
  const browser = await launchBrowser();
  try {
    const pages = await Promise.all([linkA, linkB].map(async () => (await browser.newContext()).newPage()));
    const started = Date.now();
    await Promise.all([pages[0].goto(linkA), pages[1].goto(linkB)]);
    await diagnosed(pages, async () => {
      await Promise.all(pages.map((p) => waitForState(p, 'connected', 30000)));
      await Promise.all(pages.map((p) => waitForRemoteFrames(p)));
    });
    console.log(`# first call of a fresh emulated cloud: both connected ${Date.now() - started} ms after both links opened`);
    if (syncDir) {
      console.log('# connected');
      const deadline = Date.now() + 60000;
      while (!existsSync(path.join(syncDir, 'looked')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await browser.close();
  }
});

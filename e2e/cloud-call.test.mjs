// The browser call once more, against the emulated cloud: alice's page on one gateway process, bob's
// on another, signaling through Pub/Sub and the router under the Functions Framework invoker.
// it/EmulatedCloudTest starts that cloud and runs this file with CLOUD_LINK_A and CLOUD_LINK_B set.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, launchBrowser, waitForRemoteFrames, waitForState } from './harness.mjs';

const linkA = process.env.CLOUD_LINK_A;
const linkB = process.env.CLOUD_LINK_B;

test('a call across two gateways of the emulated cloud', { skip: !linkA || !linkB ? 'CLOUD_LINK_A/B not set: run by it/EmulatedCloudTest' : false }, async () => {
  assert.notEqual(new URL(linkA).port, new URL(linkB).port, 'the two pages are on different gateways');
  const browser = await launchBrowser();
  try {
    const pageA = await (await browser.newContext()).newPage();
    const pageB = await (await browser.newContext()).newPage();
    await pageA.goto(linkA);
    await waitForState(pageA, 'waiting', 20000);
    const started = Date.now();
    await pageB.goto(linkB);
    await Promise.all([waitForState(pageA, 'connected', 20000), waitForState(pageB, 'connected', 20000)]);
    console.log(`# emulated cloud: both connected ${Date.now() - started} ms after the second page opened`);
    const [a, b] = await Promise.all([waitForRemoteFrames(pageA), waitForRemoteFrames(pageB)]);
    assert.ok(a.width > 0 && b.width > 0);
    await pageA.screenshot({ path: path.join(ARTIFACTS, 'cloud-call.png') });
  } finally {
    await browser.close();
  }
});

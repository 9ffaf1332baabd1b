// A call of three across the emulated cloud's two gateways: the first and third person on one
// gateway process, the second on the other, signaling through Pub/Sub and the router under the
// Functions Framework invoker. it/GroupCallCloudTest starts that cloud, makes the call with CreateCall
// and runs this file with CLOUD_LINK_A, CLOUD_LINK_B and CLOUD_LINK_C set to its three links, each
// pointing at the gateway its person is to use, and counts what the cloud did between the "# mark"
// lines (docs/deploy.md, "What a call costs"); without the links it is skipped. Small fake video
// (harness.mjs).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import {
  ARTIFACTS, allParked, diagnosed, everyoneSeesEveryone, groupPerson, launchBrowser, mark, waitFor, withTestHooks,
} from './harness.mjs';

const links = [process.env.CLOUD_LINK_A, process.env.CLOUD_LINK_B, process.env.CLOUD_LINK_C];

test('a call of three across two gateways of the emulated cloud: everyone sees everyone, all park, one leaves and comes back', {
  skip: links.some((l) => !l) ? 'CLOUD_LINK_A/B/C not set: a call of three on the emulated cloud' : false,
  timeout: 180000,
}, async () => {
  const ports = links.map((l) => new URL(l).port);
  assert.notEqual(ports[0], ports[1], 'the first two people are on different gateways');
  const names = links.map((l) => new URL(l).searchParams.get('userID'));
  const browser = await launchBrowser();
  try {
    const pages = {};
    for (const name of names) pages[name] = await groupPerson(browser);
    await mark('start');
    const started = Date.now();
    for (const [i, name] of names.entries()) {
      await pages[name].goto(withTestHooks(links[i]));
      await waitFor(pages[name], () => ['waiting', 'negotiating', 'connected'].includes(document.body.dataset.callState),
        undefined, { timeout: 20000, what: `${name} on signaling` });
    }
    await diagnosed(Object.values(pages), () => everyoneSeesEveryone(pages, 40000));
    console.log(`# emulated cloud, three people on two gateways: everyone sees everyone ${Date.now() - started} ms after the first link opened`);
    await diagnosed(Object.values(pages), () => allParked(Object.values(pages), 30000));
    await mark('set-up', `ms ${Date.now() - started}`);
    await pages[names[0]].screenshot({ path: path.join(ARTIFACTS, 'cloud-group-call.png') });

    // The second person (alone on their gateway) hangs up and opens their link again.
    const [, leaver] = names;
    await pages[leaver].click('#hangup');
    await pages[leaver].close();
    for (const name of names.filter((n) => n !== leaver)) {
      await waitFor(pages[name], (sel) => document.querySelector(sel).dataset.state === 'peer-left', `.tile[data-peer="${leaver}"]`,
        { timeout: 20000, what: `${name} sees ${leaver} gone` });
    }
    await mark('hung-up');
    pages[leaver] = await groupPerson(browser);
    const back = Date.now();
    await pages[leaver].goto(withTestHooks(links[1]));
    await diagnosed(Object.values(pages), () => everyoneSeesEveryone(pages, 40000));
    console.log(`# emulated cloud: ${leaver} back with everyone ${Date.now() - back} ms after opening the link again`);
    await diagnosed(Object.values(pages), () => allParked(Object.values(pages), 30000));
    await mark('back', `ms ${Date.now() - back}`);
  } finally {
    await browser.close();
  }
});

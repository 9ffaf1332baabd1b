// Call set-up through the emulated cloud in headless Chromium (fake camera), one call at a time,
// for bench/ProductionModel. LINKS_FILE holds [[linkA, linkB], ...]; each person gets a fresh context.
//   MODE=warm  A opens, waits in the call; B opens; prints "setupMs N": B opening → both pages
//              showing the other's video.
//   MODE=cold  the browser starts, prints "ready" and waits for a line on stdin: that is t0, when A
//              opens the link with nothing running yet (navigation is retried while the gateway
//              starts, as Cloud Run holds a request while it starts an instance); B opens as soon as
//              A is in the call; prints "setupMs N": t0 → both pages showing the other's video.
//              (Not both at the same instant: the Firestore emulator does not isolate two joins of
//              one call made at the same moment, which real Firestore does.)
// Uses the e2e harness (its Chromium flags), so `npm ci` in e2e/ must have run.
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { launchBrowser, waitForState } from '../../e2e/harness.mjs';

const links = JSON.parse(readFileSync(process.env.LINKS_FILE, 'utf8'));
const cold = process.env.MODE === 'cold';
const TIMEOUT = 60000;

// Watches the remote <video> for its first presented frame, from before the page's own code runs.
function firstFrameMark() {
  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('remote_video').requestVideoFrameCallback(() => {
      window.__firstRemoteFrameAt ??= Date.now();
    });
  });
}

async function open(page, url) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    try {
      await page.goto(url);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const firstFrameAt = (page) =>
  page.waitForFunction(() => window.__firstRemoteFrameAt, undefined, { timeout: TIMEOUT, polling: 10 }).then((h) => h.jsonValue());

const browser = await launchBrowser();
try {
  if (cold) {
    console.log('ready');
    const rl = readline.createInterface({ input: process.stdin });
    await new Promise((resolve) => rl.once('line', resolve));
    rl.close(); // or stdin keeps the process alive after the last call
  }
  for (const [linkA, linkB] of links) {
    const contexts = [await browser.newContext(), await browser.newContext()];
    try {
      for (const c of contexts) await c.addInitScript(firstFrameMark);
      const [pageA, pageB] = await Promise.all(contexts.map((c) => c.newPage()));
      let started = Date.now();
      await open(pageA, linkA);
      await waitForState(pageA, 'waiting', TIMEOUT);
      if (!cold) started = Date.now();
      await open(pageB, linkB);
      const [a, b] = await Promise.all([firstFrameAt(pageA), firstFrameAt(pageB)]);
      console.log(`setupMs ${Math.max(a, b) - started}`);
    } finally {
      for (const c of contexts) await c.close();
    }
  }
} finally {
  await browser.close();
}

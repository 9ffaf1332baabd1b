// The first call after a quiet day, in headless Chromium (fake camera), for bench/QuietDayModel.
// LINKS_FILE holds [[linkA, linkB], ...]; each call gets two fresh contexts. For each call: A opens
// the link at t0 and B SECOND_AFTER_MS later (0: both at once); each navigation waits until the
// gateway listens (Cloud Run holds the request while it starts an instance). Prints one line per
// call, "call {json}", with epoch milliseconds: t0, and for each person when the link was opened, the
// page first painted (first-contentful-paint; DOMContentLoaded where the browser reports no paint),
// the server's welcome arrived on the socket, and the other's video showed its first frame.
//   MODE=cold  prints "ready" and waits for a line on stdin before the first call: that line is t0.
//   Otherwise the calls follow one another at once.
// Uses the e2e harness (its Chromium flags), so `npm ci` in e2e/ must have run.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { launchBrowser } from '../../e2e/harness.mjs';

const links = JSON.parse(readFileSync(process.env.LINKS_FILE, 'utf8'));
const secondAfter = Number(process.env.SECOND_AFTER_MS ?? '10000');
const cold = process.env.MODE === 'cold';
const TIMEOUT = 60000;

// Runs in the page before its own code: marks the welcome and the first remote frame.
function marks() {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (window.__welcomeAt === undefined && typeof e.data === 'string' && e.data.includes('"type":"welcome"')) {
          window.__welcomeAt = Date.now();
        }
      });
    }
  };
  document.addEventListener('DOMContentLoaded', () => {
    window.__domContentLoadedAt = Date.now();
    document.getElementById('remote_video').requestVideoFrameCallback(() => {
      window.__firstRemoteFrameAt ??= Date.now();
    });
  });
}

// Cloud Run holds a request while it starts an instance; here the browser's request is made once the
// gateway listens (a retried navigation lands on Chromium's error page, which reloads by itself).
async function listening(url) {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const up = await new Promise((resolve) => {
      const socket = net.connect({ host: hostname, port: Number(port) }, () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nothing listens at ${hostname}:${port}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function open(page, url) {
  await listening(url);
  await page.goto(url, { waitUntil: 'commit' });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function person(page, link, delay) {
  await sleep(delay);
  const openedAt = Date.now();
  await open(page, link);
  await page.waitForFunction(() => window.__firstRemoteFrameAt, undefined, { timeout: TIMEOUT, polling: 10 });
  const seen = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      paintedAt: paint ? Math.round(performance.timeOrigin + paint.startTime) : null,
      domContentLoadedAt: window.__domContentLoadedAt,
      welcomeAt: window.__welcomeAt ?? null,
      firstFrameAt: window.__firstRemoteFrameAt,
    };
  });
  return { openedAt, visibleAt: seen.paintedAt ?? seen.domContentLoadedAt, painted: seen.paintedAt !== null, ...seen };
}

async function waitForGo() {
  console.log('ready');
  const rl = readline.createInterface({ input: process.stdin });
  await new Promise((resolve) => rl.once('line', resolve));
  rl.close(); // or stdin keeps the process alive after the last call
}

const browser = await launchBrowser();
try {
  let first = true;
  for (const [linkA, linkB] of links) {
    const contexts = [await browser.newContext(), await browser.newContext()];
    try {
      for (const c of contexts) await c.addInitScript(marks);
      const [pageA, pageB] = await Promise.all(contexts.map((c) => c.newPage()));
      if (cold && first) await waitForGo();
      first = false;
      const t0 = Date.now();
      const [a, b] = await Promise.all([person(pageA, linkA, 0), person(pageB, linkB, secondAfter)]);
      console.log(`call ${JSON.stringify({ t0, a, b })}`);
    } finally {
      for (const c of contexts) await c.close();
    }
  }
} finally {
  await browser.close();
}

// Shared test plumbing: start the embedded server (unless BASE_URL is given), create calls, launch
// Debian's Chromium (Playwright) and Firefox ESR (puppeteer over WebDriver BiDi) with fake camera and
// microphone, poll the page's state, and count decoded remote frames in either browser.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { TEST_FLAG, withTestHooks } from '../web/js/test-hooks.js';

export { TEST_FLAG, withTestHooks };
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(here, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Three fake cameras, so switching the camera is a real switch. fake_device_1 is a Y16 depth camera
  // whose frames are never encoded (the peer sees a frozen picture); fake_device_2 (MJPEG) is sent.
  '--use-fake-device-for-media-stream=device-count=3',
  '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

// Firefox's own fake camera and microphone, no permission prompt, autoplay with sound allowed.
const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
};

// A free TCP port on 127.0.0.1 (coturn also listens for UDP on it: that port is almost always free too).
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function waitForHealth(baseUrl, child, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${baseUrl}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${baseUrl} not healthy within ${deadlineMs} ms`);
}

/**
 * Prints a "# mark" line that a Java test running this file acts on (it/ParkedCallTest,
 * it/GroupCallCloudTest count what the cloud did up to it), and, where CLOUD_SYNC_DIR is set, waits
 * until that side has counted (it creates a file of that name there), so no stretch spills into the next.
 */
export async function mark(name, detail = '') {
  console.log(`# mark ${name} ${Date.now()} ${detail}`);
  const syncDir = process.env.CLOUD_SYNC_DIR;
  if (!syncDir) return;
  const deadline = Date.now() + 30000;
  while (!existsSync(path.join(syncDir, name))) {
    if (Date.now() > deadline) throw new Error(`the counting side never took mark ${name}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the embedded server from local/target/videocall-local.jar, or uses BASE_URL. */
export async function startServer(extraEnv = {}) {
  if (process.env.BASE_URL) {
    return { baseUrl: process.env.BASE_URL.replace(/\/$/, ''), stop: async () => {}, logs: () => '' };
  }
  const port = await freePort();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const jar = path.join(here, '..', 'local', 'target', 'videocall-local.jar');
  // E2E_WEB=source serves web/ from the working tree (put first on the classpath) instead of the copy
  // packaged in the jar, so page changes are tested without rebuilding the jar.
  let args = ['-jar', jar];
  if (process.env.E2E_WEB === 'source') {
    const overlay = mkdtempSync(path.join(os.tmpdir(), 'videocall-web-'));
    symlinkSync(path.join(here, '..', 'web'), path.join(overlay, 'web'));
    args = ['-cp', `${overlay}${path.delimiter}${jar}`, 'dev.videocall.local.LocalMain'];
  }
  const child = spawn(java, args, {
    // Every page of every test connects from 127.0.0.1, and parking pages open a socket each time
    // they come back to signaling: the per-address cap (30 a minute) is tested in GatewayTest, not here.
    env: { ...process.env, PORT: String(port), MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '100000', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const baseUrl = `http://localhost:${port}`;
  try {
    await waitForHealth(baseUrl, child, 30000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${output}`);
  }
  return {
    baseUrl,
    logs: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 10000))]);
    },
  };
}

/**
 * One embedded server and one Chromium for a test file: started before its tests, stopped after. The
 * returned object's `server` and `browser` are set once they run.
 */
export function serverAndBrowser() {
  const suite = { server: null, browser: null };
  before(async () => {
    suite.server = await startServer();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A browser for people in cross-browser calls: {name, newPerson(), close()}. newPerson() gives a page
 * with the calls the tests use (goto, evaluate, waitForFunction, click, textContent, screenshot) and
 * a close(). Chromium: one process, a fresh context per person. Firefox: one process per person at a
 * time, because a background tab of Firefox is throttled and does not get the device list.
 */
export async function startBrowser(name) {
  if (name === 'chromium') {
    const browser = await launchBrowser();
    return {
      name,
      /** @param {{initScript?: string}} [options] initScript: run in every document before the page's own */
      newPerson: async ({ initScript } = {}) => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        if (initScript) await context.addInitScript(initScript);
        const page = await context.newPage();
        page.close = () => context.close();
        return page;
      },
      close: () => browser.close(),
    };
  }
  if (name !== 'firefox') throw new Error(`no such browser: ${name}`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: FIREFOX_PREFS,
  });
  return {
    name,
    browser,
    newPerson: async ({ initScript, ...options } = {}) => {
      const page = await browser.newPage(options);
      if (initScript) await page.evaluateOnNewDocument(initScript);
      return puppeteerPage(page);
    },
    close: () => browser.close(),
  };
}

/** A puppeteer page with Playwright's signatures for what the tests use. */
function puppeteerPage(page) {
  return {
    raw: page,
    goto: (url) => page.goto(url),
    url: () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitForFunction: (fn, arg, { timeout, polling } = {}) => page.waitForFunction(fn, { timeout, polling }, arg),
    click: (selector) => page.click(selector),
    textContent: (selector) => page.$eval(selector, (el) => el.textContent),
    screenshot: (options) => page.screenshot(options),
    close: () => page.close(),
  };
}

/** What the embedded server logged about a user (its JSON log lines with that userId), in order: [{message, reason}]. */
export function serverSaid(server, user) {
  return server.logs().split('\n').flatMap((line) => {
    try {
      const j = JSON.parse(line);
      return j.userId === user ? [{ message: j.message, reason: j.reason }] : [];
    } catch {
      return [];
    }
  });
}

/** Waits until the embedded server logged `message` (with `reason`, if given) about `user`. */
export async function serverWillSay(server, user, message, reason, timeout = 10000) {
  const deadline = Date.now() + timeout;
  const said = () => serverSaid(server, user).some((e) => e.message === message && (reason === undefined || e.reason === reason));
  while (!said()) {
    if (Date.now() > deadline) {
      throw new Error(`the server never said "${message}"${reason ? ` (${reason})` : ''} for ${user}: ${JSON.stringify(serverSaid(server, user))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** POST /api/calls; returns {links: {a: url, b: url}, expiresAt}. More names make a call of three or four. */
export async function createCall(baseUrl, a = 'alice', b = 'bob', ...more) {
  const r = await fetch(`${baseUrl}/api/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users: [a, b, ...more] }),
  });
  if (!r.ok) throw new Error(`create call: ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * The page keeps its token out of every URL a server or a log sees: not in its address's query, not
 * in its WebSocket's URL; it is in the address's fragment, and the server selected videocall.v1 (the
 * token went as a subprotocol). Works for Playwright and puppeteer pages.
 */
export async function assertTokenOnlyInFragment(page, token) {
  const { href, socket } = await page.evaluate(() => ({ href: location.href, socket: window.__videocall.socket }));
  const address = new URL(href);
  assert.equal(address.searchParams.get('token'), null, `no token in the address's query: ${href}`);
  assert.equal(new URLSearchParams(address.hash.slice(1)).get('token'), token, 'the token is in the fragment');
  assert.ok(socket, 'the page has a WebSocket');
  assert.ok(!socket.url.includes('token') && !socket.url.includes(token), `no token in the WebSocket's URL: ${socket.url}`);
  const peers = address.searchParams.getAll('peerID').map((p) => `&peerID=${p}`).join('');
  assert.equal(new URL(socket.url).search, `?userID=${address.searchParams.get('userID')}${peers}`);
  assert.equal(socket.protocol, 'videocall.v1', 'the server selected the protocol the token came with');
}

/** The token of a link as the server makes it (in the fragment). */
export function tokenOf(link) {
  return new URLSearchParams(new URL(link).hash.slice(1)).get('token');
}

/** Polls fn() in the page until it returns a truthy value or the deadline passes. */
export async function waitFor(page, fn, arg, { timeout = 10000, what = 'condition' } = {}) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (err) {
    const state = await page.evaluate(() => ({
      callState: document.body.dataset.callState,
      status: document.getElementById('status')?.textContent,
    })).catch(() => ({}));
    throw new Error(`timed out waiting for ${what}; page state ${JSON.stringify(state)}`);
  }
}

/** Runs a step of a call; if it fails, prints what each page knew and did first (window.__videocall.diagnosis). */
export async function diagnosed(people, step) {
  try {
    return await step();
  } catch (err) {
    for (const [i, p] of people.entries()) {
      const diagnosis = await p.evaluate(() => window.__videocall.diagnosis).catch((e) => String(e));
      console.log(`# page ${i} diagnosis: ${JSON.stringify(diagnosis, null, 1)}`);
    }
    throw err;
  }
}

/** The page has closed its signaling socket with 4100 and goes on peer to peer (web/js/parking.js). */
export function waitForParked(page, timeout = 20000) {
  return waitFor(page, () => window.__videocall.signaling === 'parked', undefined, { timeout, what: 'socket parked' });
}

/** Every one of these pages has parked. */
export function allParked(pages, timeout = 20000) {
  return Promise.all(pages.map((p) => waitForParked(p, timeout)));
}

export function waitForState(page, state, timeout = 10000) {
  return waitFor(page, (s) => document.body.dataset.callState === s, state, { timeout, what: `callState=${state}` });
}

// Decoded remote frames, counted with requestVideoFrameCallback (getVideoPlaybackQuality() reports 0
// frames for a WebRTC video in Firefox). The counter is put on the page the first time it is read.
function countRemoteFrames() {
  if (window.__remoteFrames === undefined) {
    window.__remoteFrames = 0;
    const video = document.getElementById('remote_video');
    const tick = () => {
      window.__remoteFrames += 1;
      video.requestVideoFrameCallback(tick);
    };
    video.requestVideoFrameCallback(tick);
  }
  return window.__remoteFrames;
}

/** Current count of remote frames presented since counting began. */
export function remoteFrames(page) {
  return page.evaluate(countRemoteFrames);
}

/** Waits until the remote video presented at least `more` frames beyond `from`. */
export async function waitForFramesAfter(page, from, more = 10, timeout = 10000) {
  await remoteFrames(page);
  await waitFor(page, ([n, m]) => window.__remoteFrames > n + m, [from, more], { timeout, what: `remote frames beyond ${from} + ${more}` });
}

/** Resolves when the remote video has a picture and its frame count is still rising. */
export async function waitForRemoteFrames(page, timeout = 10000) {
  await remoteFrames(page);
  await waitFor(page, () => document.getElementById('remote_video').videoWidth > 0 && window.__remoteFrames > 0,
    undefined, { timeout, what: 'remote video frames' });
  await waitForFramesAfter(page, await remoteFrames(page), 5, timeout);
  return page.evaluate(() => {
    const v = document.getElementById('remote_video');
    return { width: v.videoWidth, height: v.videoHeight, frames: window.__remoteFrames };
  });
}

/**
 * Brings the page (and, asked over the data channel, its peer) back to signaling from parking
 * (web/js/parking.js); resolves when the server says both are there. A no-op when they are.
 */
export function comeBack(page) {
  return page.evaluate(() => window.__videocall.unpark());
}

/**
 * Drops the page's WebSocket (a test switch) and waits until it showed "reconnecting to the server"
 * and came back. A parked page is brought back to signaling first, so there is a socket to drop.
 * Every value body[data-recovering] takes is recorded, since a reconnect can be over before any poll
 * looks.
 */
export async function dropSocketAndRecover(page, timeout = 15000) {
  await comeBack(page);
  await page.evaluate(() => {
    window.__recoveringSeen = [];
    new MutationObserver((records) => {
      for (const r of records) window.__recoveringSeen.push(r.oldValue, document.body.dataset.recovering ?? null);
    }).observe(document.body, { attributes: true, attributeFilter: ['data-recovering'], attributeOldValue: true });
    window.__videocall.dropSocket(3000);
  });
  await waitFor(page, () => window.__recoveringSeen.includes('signaling') && !document.body.dataset.recovering,
    undefined, { timeout, what: 'reconnecting shown, then signaling back' });
}

/**
 * Opens a call between a and b in two fresh browser contexts and waits until both are connected.
 * hooks: open the links with TEST_FLAG in their fragment (withTestHooks), so the page has its test switches (window.__videocall.dropSocket,
 * restartIce, pc).
 */
export async function openCall(browser, baseUrl, a, b, { viewport = { width: 1280, height: 800 }, hooks = false, permissions = [] } = {}) {
  const { links } = await createCall(baseUrl, a, b);
  const contexts = [];
  const pages = [];
  for (let i = 0; i < 2; i += 1) {
    const ctx = await browser.newContext({ viewport, permissions });
    contexts.push(ctx);
    pages.push(await ctx.newPage());
  }
  const [pageA, pageB] = pages;
  const open = hooks ? withTestHooks : (link) => link;
  await pageA.goto(open(links[a]));
  await waitForState(pageA, 'waiting');
  await pageB.goto(open(links[b]));
  await Promise.all([waitForState(pageA, 'connected'), waitForState(pageB, 'connected')]);
  return {
    pageA, pageB, ctxA: contexts[0], ctxB: contexts[1], links,
    close: async () => { for (const c of contexts) await c.close(); },
  };
}

// Calls of three and four. Four Chromium pages with the fake camera at 640×480 and 30 frames a second
// encode and decode twelve streams, more than two shared cores keep up with; a tiny picture keeps
// them light (the page asks for video: true; this asks the fake camera for less).
const SMALL_VIDEO = { width: 160, height: 120, frameRate: 10 };

/** An init script for a browser context: getUserMedia's video: true asks for `video` instead. */
export function smallVideoScript(video = SMALL_VIDEO) {
  return `(() => {
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) return;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = (c) => original(c && c.video === true ? { ...c, video: ${JSON.stringify(video)} } : c);
  })();`;
}

/** A Chromium person (a fresh context) for group calls, with small video (or `video`: getUserMedia's video constraints). */
export async function groupPerson(browser, { viewport = { width: 1280, height: 800 }, video } = {}) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(smallVideoScript(video));
  const page = await context.newPage();
  page.close = () => context.close();
  return page;
}

/** The tile of a peer (web/js/tiles.js), as a CSS selector. */
export const tile = (peer) => `.tile[data-peer="${peer}"]`;

// Decoded frames per tile, counted with requestVideoFrameCallback on each tile's video.
function countTileFrames(peer) {
  window.__tileFrames ??= {};
  if (window.__tileFrames[peer] === undefined) {
    window.__tileFrames[peer] = 0;
    const video = document.querySelector(`.tile[data-peer="${peer}"] video`);
    const tick = () => {
      window.__tileFrames[peer] += 1;
      video.requestVideoFrameCallback(tick);
    };
    video.requestVideoFrameCallback(tick);
  }
  return window.__tileFrames[peer];
}

/** Frames the tile of `peer` presented since counting began. */
export function tileFrames(page, peer) {
  return page.evaluate(countTileFrames, peer);
}

/** Waits until the tile of `peer` presented at least `more` frames beyond `from`. */
export async function waitForTileFramesAfter(page, peer, from, more = 5, timeout = 15000) {
  await tileFrames(page, peer);
  await waitFor(page, ([p, n, m]) => window.__tileFrames[p] > n + m, [peer, from, more], { timeout, what: `${peer}'s frames beyond ${from} + ${more}` });
}

/** Waits until the page is connected with each of `peers` (their tiles connected) and sees video from each. */
export async function waitForEveryone(page, peers, timeout = 20000) {
  for (const peer of peers) {
    await waitFor(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected', tile(peer), { timeout, what: `${peer}'s tile connected` });
  }
  for (const peer of peers) {
    await waitFor(page, (sel) => document.querySelector(`${sel} video`).videoWidth > 0, tile(peer), { timeout, what: `video from ${peer}` });
    await waitForTileFramesAfter(page, peer, await tileFrames(page, peer), 3, timeout);
  }
}

/**
 * Opens a call of the named people (2 to 4), each in a fresh Chromium context, in `order` (default:
 * the order named), each link once the previous page is on signaling, and waits until everyone sees
 * everyone. Returns {pages: {name: page}, links, setupMs (first link opened → everyone sees everyone), close()}.
 */
export async function openGroupCall(browser, baseUrl, people, { order = people, hooks = true, viewport, video, wait = true } = {}) {
  const { links } = await createCall(baseUrl, ...people);
  const pages = {};
  for (const name of people) pages[name] = await groupPerson(browser, { viewport, video });
  const open = hooks ? withTestHooks : (link) => link;
  const started = Date.now();
  for (const name of order) {
    await pages[name].goto(open(links[name]));
    await waitFor(pages[name], () => ['waiting', 'negotiating', 'connected'].includes(document.body.dataset.callState),
      undefined, { timeout: 15000, what: `${name} on signaling` });
  }
  if (wait) await diagnosed(Object.values(pages), () => everyoneSeesEveryone(pages));
  return {
    pages, links, setupMs: Date.now() - started,
    close: async () => { for (const p of Object.values(pages)) await p.close().catch(() => {}); },
  };
}

/** Waits until each of the pages sees every other one (their names are the peers' IDs). */
export function everyoneSeesEveryone(pages, timeout = 30000) {
  const names = Object.keys(pages);
  return Promise.all(names.map((name) => waitForEveryone(pages[name], names.filter((n) => n !== name), timeout)));
}

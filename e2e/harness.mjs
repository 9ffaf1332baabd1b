// Shared test plumbing: start the embedded server (unless BASE_URL is given), create calls, launch
// Debian's Chromium with fake camera and microphone, and poll the page's state.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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
  // Two fake cameras, so switching the camera is a real switch; fake screen capture for sharing.
  '--use-fake-device-for-media-stream=device-count=2',
  '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

async function freePort() {
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
    env: { ...process.env, PORT: String(port), ...extraEnv },
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

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** POST /api/calls; returns {links: {a: url, b: url}, expiresAt}. */
export async function createCall(baseUrl, a = 'alice', b = 'bob') {
  const r = await fetch(`${baseUrl}/api/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users: [a, b] }),
  });
  if (!r.ok) throw new Error(`create call: ${r.status} ${await r.text()}`);
  return r.json();
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

export function waitForState(page, state, timeout = 10000) {
  return waitFor(page, (s) => document.body.dataset.callState === s, state, { timeout, what: `callState=${state}` });
}

/** Resolves when the remote video has decoded frames and the count is still rising. */
export async function waitForRemoteFrames(page, timeout = 10000) {
  await waitFor(page, () => {
    const v = document.getElementById('remote_video');
    return v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
  }, undefined, { timeout, what: 'remote video frames' });
  const before = await page.evaluate(() => document.getElementById('remote_video').getVideoPlaybackQuality().totalVideoFrames);
  await waitFor(page, (n) => document.getElementById('remote_video').getVideoPlaybackQuality().totalVideoFrames > n + 5,
    before, { timeout, what: 'remote frame count rising' });
  return page.evaluate(() => {
    const v = document.getElementById('remote_video');
    return { width: v.videoWidth, height: v.videoHeight, frames: v.getVideoPlaybackQuality().totalVideoFrames };
  });
}

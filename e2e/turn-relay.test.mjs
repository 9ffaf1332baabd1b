// TURN through the real relay: Debian's coturn on 127.0.0.1 with the TURN REST API secret
// (use-auth-secret, as terraform/turn.tf runs it), the embedded server given TURN_URLS/TURN_SECRET so
// the router mints the credentials in welcome, and two Chromium pages whose peer connections may use
// relay candidates only. The call must connect through coturn and say "via relay".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { createCall, diagnosed, freePort, launchBrowser, startServer, waitFor, waitForRemoteFrames, waitForState, withTestHooks } from './harness.mjs';

const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
const SECRET = `turn-test-${process.pid}-${Date.now()}`;

// Before the page's scripts run: every RTCPeerConnection the page makes gets relay-only ICE, with the
// ICE servers the page itself passes (those of welcome). The page is not changed for the test.
function relayOnly() {
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config = {}, ...rest) {
      super({ ...config, iceTransportPolicy: 'relay' }, ...rest);
    }
  };
}

/** coturn on 127.0.0.1 as the stack runs it: TURN REST API credentials, no TLS, loopback peers allowed. */
async function startCoturn() {
  const port = await freePort();
  const child = spawn(TURNSERVER, [
    '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    '--use-auth-secret', `--static-auth-secret=${SECRET}`, '--realm=videocall.test',
    '--allow-loopback-peers', '--no-tls', '--no-dtls', '--no-cli', '--fingerprint',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  // Ready once its TCP listener (beside the UDP one the browsers use) accepts connections.
  const deadline = Date.now() + 10000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not listen within 10 s:\n${output}`);
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

const missing = existsSync(TURNSERVER) ? false : `${TURNSERVER} is missing: install Debian's coturn (scripts/test does where it runs as root with apt)`;
const suite = { coturn: null, server: null, browser: null };

before(async () => {
  if (missing) return;
  suite.coturn = await startCoturn();
  suite.server = await startServer({
    STUN_URLS: '',
    TURN_URLS: `turn:127.0.0.1:${suite.coturn.port}?transport=udp`,
    TURN_SECRET: SECRET,
  });
  suite.browser = await launchBrowser();
});

after(async () => {
  await suite.browser?.close();
  await suite.server?.stop();
  await suite.coturn?.stop();
});

test('a call whose peer connections may only relay connects through coturn and says "via relay"', { skip: missing }, async () => {
  const { links } = await createCall(suite.server.baseUrl);
  const pages = [];
  for (let i = 0; i < 2; i += 1) {
    const context = await suite.browser.newContext();
    await context.addInitScript(relayOnly);
    pages.push(await context.newPage());
  }
  await Promise.all([pages[0].goto(withTestHooks(links.alice)), pages[1].goto(withTestHooks(links.bob))]);
  await diagnosed(pages, async () => {
    await Promise.all(pages.map((p) => waitForState(p, 'connected', 20000)));
    await Promise.all(pages.map((p) => waitForRemoteFrames(p)));
  });
  for (const page of pages) {
    // What the page's own connection says: the relay-only policy took, and the pair in use is relayed.
    const path = await page.evaluate(async () => {
      const pc = window.__videocall.pc();
      const stats = [...(await pc.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const type = (id) => stats.find((s) => s.id === id)?.candidateType;
      return { policy: pc.getConfiguration().iceTransportPolicy, local: type(pair?.localCandidateId), remote: type(pair?.remoteCandidateId) };
    });
    assert.deepEqual(path, { policy: 'relay', local: 'relay', remote: 'relay' });
    await waitFor(page, () => document.getElementById('quality_text')?.textContent.includes('via relay'), null,
      { timeout: 15000, what: 'the quality line to say "via relay"' });
  }
  for (const page of pages) await page.context().close();
});

// Real calls in headless Chromium with fake camera and microphone against the embedded server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ARTIFACTS, createCall, launchBrowser, startServer, waitFor, waitForRemoteFrames, waitForState,
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

async function openCall(a = 'alice', b = 'bob', viewport = { width: 1280, height: 800 }) {
  const { links } = await createCall(server.baseUrl, a, b);
  const ctxA = await browser.newContext({ viewport });
  const ctxB = await browser.newContext({ viewport });
  const pageA = await ctxA.newPage();
  const pageB = await ctxB.newPage();
  await pageA.goto(links[a]);
  await waitForState(pageA, 'waiting');
  const started = Date.now();
  await pageB.goto(links[b]);
  await Promise.all([waitForState(pageA, 'connected'), waitForState(pageB, 'connected')]);
  const connectMs = Date.now() - started;
  return { pageA, pageB, ctxA, ctxB, links, connectMs, close: async () => { await ctxA.close(); await ctxB.close(); } };
}

test('two people connect and both see each other\'s video', async () => {
  const call = await openCall();
  try {
    console.log(`# connect time (second link opened -> both connected): ${call.connectMs} ms`);
    assert.ok(call.connectMs < 3000, `connected in ${call.connectMs} ms; goal < 3000 ms`);
    const [a, b] = await Promise.all([waitForRemoteFrames(call.pageA), waitForRemoteFrames(call.pageB)]);
    assert.ok(a.width > 0 && b.width > 0, `remote videos decode: ${JSON.stringify({ a, b })}`);
    await call.pageA.screenshot({ path: path.join(ARTIFACTS, 'call-desktop.png') });
    console.log(`# screenshot: ${path.join(ARTIFACTS, 'call-desktop.png')}`);
  } finally {
    await call.close();
  }
});

test('the call works at phone size too', async () => {
  const call = await openCall('carol', 'dave', { width: 390, height: 844 });
  try {
    await waitForRemoteFrames(call.pageB);
    await call.pageB.screenshot({ path: path.join(ARTIFACTS, 'call-phone.png') });
    console.log(`# screenshot: ${path.join(ARTIFACTS, 'call-phone.png')}`);
  } finally {
    await call.close();
  }
});

test('hanging up brings the other side to peer-left', async () => {
  const call = await openCall('erin', 'finn');
  try {
    await call.pageB.click('#hangup');
    await waitForState(call.pageB, 'ended');
    await waitForState(call.pageA, 'peer-left');
    const status = await call.pageA.textContent('#status');
    assert.match(status, /finn left the call/);
  } finally {
    await call.close();
  }
});

test('a forged token reaches error 4001 with a visible message', async () => {
  const { links } = await createCall(server.baseUrl, 'gina', 'hugo');
  const url = new URL(links.gina);
  // Change the MAC's first character: its last one also carries base64 padding bits, and changing
  // only those (B, C or D to A) leaves the decoded MAC, and so the token, valid.
  const token = url.searchParams.get('token');
  const macAt = token.lastIndexOf('.') + 1;
  const first = token[macAt];
  url.searchParams.set('token', token.slice(0, macAt) + (first === 'A' ? 'B' : 'A') + token.slice(macAt + 1));
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url.toString());
    await waitForState(page, 'error');
    assert.equal(await page.evaluate(() => document.body.dataset.errorCode), '4001');
    assert.match(await page.textContent('#status'), /not valid/);
  } finally {
    await ctx.close();
  }
});

test('a link without its parameters fails before connecting', async () => {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${server.baseUrl}/video?userID=alice`);
    await waitForState(page, 'error');
    assert.equal(await page.evaluate(() => document.body.dataset.errorCode), 'invalid-link');
    assert.deepEqual(sockets, [], 'no WebSocket was opened');
  } finally {
    await ctx.close();
  }
});

test('someone else using a link for another person is refused', async () => {
  const { links } = await createCall(server.baseUrl, 'ivy', 'jack');
  const url = new URL(links.ivy);
  url.searchParams.set('userID', 'mallory');
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url.toString());
    await waitForState(page, 'error');
    assert.equal(await page.evaluate(() => document.body.dataset.errorCode), '4001');
  } finally {
    await ctx.close();
  }
});

test('the new-call form creates two links', async () => {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.fill('#user_a', 'kim');
    await page.fill('#user_b', 'lee');
    await page.click('#create');
    await waitFor(page, () => document.querySelectorAll('#link_list li').length === 2, undefined, { what: 'two links' });
    const text = await page.textContent('#link_list');
    assert.match(text, /\/video\?userID=kim&peerID=lee&token=/);
    assert.match(text, /\/video\?userID=lee&peerID=kim&token=/);
    await page.fill('#user_b', 'KIM');
    await page.click('#create');
    await waitFor(page, () => !document.getElementById('form_error').hidden, undefined, { what: 'form error' });
  } finally {
    await ctx.close();
  }
});

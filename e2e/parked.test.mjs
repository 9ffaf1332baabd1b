// Parking in real calls (web/js/parking.js; docs/protocol.md, "Parking"): headless Chromium against
// the embedded server. Once a call settles, both pages close their sockets with 4100 and the call goes
// on peer to peer; these tests check that it does, and that every way a call needs the server again
// still works from there: an ICE restart from either side, a hang-up, the peer's page reloading,
// closing or crashing. The cross-browser pairings park too (browsers.test.mjs).
//
// As in ux.test.mjs the first page (A) joins first, so B leads the connection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  openCall, remoteFrames, serverAndBrowser, serverSaid, serverWillSay as willSay, waitFor, waitForFramesAfter,
  waitForParked, waitForRemoteFrames, waitForState,
} from './harness.mjs';

const suite = serverAndBrowser();

const call = (a, b) => openCall(suite.browser, suite.server.baseUrl, a, b, { hooks: true });

const parked = (page, timeout = 15000) => waitForParked(page, timeout);

const bothParked = (c) => Promise.all([parked(c.pageA), parked(c.pageB)]);

const inspect = (page) => page.evaluate(() => {
  const v = window.__videocall;
  const pc = v.pc();
  return {
    signaling: v.signaling, parks: v.parks, unparks: v.unparks, closeCodes: v.closeCodes, rebuilds: v.rebuilds,
    iceRestarts: v.iceRestarts, state: document.body.dataset.callState, notice: document.getElementById('notice').textContent,
    ufrag: pc?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1],
    session: pc?.remoteDescription?.sdp.match(/^o=\S+ (\S+) /m)?.[1],
  };
});

const said = (user) => serverSaid(suite.server, user);
const serverWillSay = (user, message, reason) => willSay(suite.server, user, message, reason);

async function chat(from, to, text) {
  await from.evaluate((t) => {
    document.getElementById('chat_input').value = t;
    document.getElementById('chat_form').requestSubmit();
  }, text);
  await waitFor(to, (t) => [...document.querySelectorAll('#chat_log li.chat-peer .chat-text')].some((li) => li.textContent === t),
    text, { what: `chat "${text}" arrived` });
}

test('a call parks: both sockets close with 4100, the server keeps both in the call, video and chat go on', async () => {
  const c = await call('pia', 'quin');
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), waitForRemoteFrames(c.pageB)]);
    await bothParked(c);
    for (const page of [c.pageA, c.pageB]) {
      // The page reads as parked when it closes its socket; the close event itself comes a moment later.
      await waitFor(page, () => window.__videocall.closeCodes.length > 0, undefined, { what: 'the parked socket closed' });
      const s = await inspect(page);
      assert.deepEqual(s.closeCodes, [4100], 'one socket, closed with 4100 PARKED');
      assert.deepEqual([s.state, s.notice], ['connected', ''], 'parked reads as plainly connected');
    }
    for (const user of ['pia', 'quin']) {
      assert.ok(said(user).some((e) => e.message === 'parked'), `${user} parked on the server`);
      assert.ok(!said(user).some((e) => e.message === 'left call'), `${user} did not leave`);
    }
    const frames = await Promise.all([remoteFrames(c.pageA), remoteFrames(c.pageB)]);
    await Promise.all([waitForFramesAfter(c.pageA, frames[0], 60), waitForFramesAfter(c.pageB, frames[1], 60)]);
    await chat(c.pageA, c.pageB, 'still there?');
    await chat(c.pageB, c.pageA, 'yes, peer to peer');
    for (const page of [c.pageA, c.pageB]) {
      const s = await inspect(page);
      assert.deepEqual([s.signaling, s.parks, s.unparks], ['parked', 1, 0], 'media and chat needed no socket');
    }
  } finally {
    await c.close();
  }
});

test('an ICE restart from each side while parked: both come back, restart the same connection, and park again', async () => {
  const c = await call('rhea', 'saul');
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), waitForRemoteFrames(c.pageB)]);
    for (const [side, starter] of [['A, which does not lead', c.pageA], ['B, which leads', c.pageB]]) {
      await bothParked(c);
      const before = await Promise.all([inspect(c.pageA), inspect(c.pageB)]);
      await starter.evaluate(() => window.__videocall.restartIce());
      await Promise.all([c.pageA, c.pageB].map((p, i) => waitFor(p, (u) => window.__videocall.pc().localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1] !== u,
        before[i].ufrag, { timeout: 15000, what: `new ICE credentials after a restart started by ${side}` })));
      await Promise.all([waitForFramesAfter(c.pageA, await remoteFrames(c.pageA), 20), waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20)]);
      await bothParked(c);
      const afterRestart = await Promise.all([inspect(c.pageA), inspect(c.pageB)]);
      for (const i of [0, 1]) {
        assert.ok(afterRestart[i].unparks > before[i].unparks, `${i ? 'B' : 'A'} came back to signaling`);
        assert.equal(afterRestart[i].parks, before[i].parks + 1, `${i ? 'B' : 'A'} parked again`);
        assert.equal(afterRestart[i].rebuilds, before[i].rebuilds, 'nothing was rebuilt');
        assert.equal(afterRestart[i].session, before[i].session, 'the same connection: coming back did not tear it down');
        assert.equal(afterRestart[i].state, 'connected');
      }
      assert.equal(afterRestart[1].iceRestarts, before[1].iceRestarts + 1, 'the leader restarted ICE once');
    }
    for (const user of ['rhea', 'saul']) {
      assert.ok(!said(user).some((e) => e.message === 'left call'), `${user} never left: coming back is a join, not a new person`);
    }
  } finally {
    await c.close();
  }
});

test('an offer the leader\'s connection wants while both are parked waits until the peer is back, goes out once, and both park again', async () => {
  const c = await call('tess', 'ugo');
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), waitForRemoteFrames(c.pageB)]);
    await bothParked(c);
    assert.equal(await c.pageB.evaluate(() => window.__videocall.leads()), true, 'B leads the connection');
    const before = await Promise.all([inspect(c.pageA), inspect(c.pageB)]);
    const offersBefore = await c.pageB.evaluate(() => window.__videocall.sent.offer ?? 0);
    // The browser itself asks for negotiation (negotiationneeded), not the page's recovery: an offer
    // made at once would find the page's own socket parked, and the peer's too.
    await c.pageB.evaluate(() => window.__videocall.pc().restartIce());
    await Promise.all([c.pageA, c.pageB].map((p, i) => waitFor(p, (u) => window.__videocall.pc().localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1] !== u,
      before[i].ufrag, { timeout: 15000, what: 'new ICE credentials' })));
    await Promise.all([waitForFramesAfter(c.pageA, await remoteFrames(c.pageA), 20), waitForFramesAfter(c.pageB, await remoteFrames(c.pageB), 20)]);
    await bothParked(c);
    const trace = await c.pageB.evaluate(() => window.__videocall.diagnosis.trace);
    assert.ok(trace.some((line) => line.endsWith('offer held until the peer can be reached')), 'the offer was held');
    assert.ok(!trace.some((line) => line.includes('peer-absent')), 'no offer met peer-absent');
    assert.equal(await c.pageB.evaluate(() => window.__videocall.sent.offer), offersBefore + 1, 'one offer');
    const after = await Promise.all([inspect(c.pageA), inspect(c.pageB)]);
    for (const i of [0, 1]) {
      assert.equal(after[i].rebuilds, before[i].rebuilds, 'nothing was rebuilt');
      assert.equal(after[i].session, before[i].session, 'the same connection');
      assert.equal(after[i].state, 'connected');
    }
  } finally {
    await c.close();
  }
});

test('hang-up while both are parked reaches the peer at once, and both leave the call on the server', async () => {
  const c = await call('tess', 'ugo');
  try {
    await bothParked(c);
    const clicked = Date.now();
    await c.pageB.click('#hangup');
    await waitForState(c.pageB, 'ended');
    await waitForState(c.pageA, 'peer-left', 3000);
    console.log(`# hang-up seen by the parked peer ${Date.now() - clicked} ms after the click`);
    assert.match(await c.pageA.textContent('#status'), /ugo left the call/);
    await serverWillSay('ugo', 'left call', 'hangup');
    await serverWillSay('tess', 'left call', 'hangup'); // the call is over: she said bye too
    await waitFor(c.pageA, () => window.__videocall.closeCodes.length === 2, undefined, { what: 'her bye socket closed' });
    assert.deepEqual(await c.pageA.evaluate(() => window.__videocall.closeCodes), [4100, 1000]);
    assert.equal(await c.pageA.evaluate(() => document.body.dataset.callState), 'peer-left', 'still says so after leaving');
  } finally {
    await c.close();
  }
});

test('the peer reloads while both are parked: the call comes back on a fresh connection', async () => {
  const c = await call('vera', 'walt');
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), waitForRemoteFrames(c.pageB)]);
    await bothParked(c);
    const before = await inspect(c.pageA);
    await c.pageB.reload();
    await Promise.all([waitForState(c.pageA, 'connected', 15000), waitForState(c.pageB, 'connected', 15000)]);
    await waitFor(c.pageA, (s) => window.__videocall.pc()?.remoteDescription?.sdp.match(/^o=\S+ (\S+) /m)?.[1] !== s, before.session,
      { what: 'a fresh connection at A' });
    await Promise.all([waitForRemoteFrames(c.pageA, 15000), waitForRemoteFrames(c.pageB, 15000)]);
    await bothParked(c);
  } finally {
    await c.close();
  }
});

test('the peer\'s page closes while both are parked: the other side says so at once', async () => {
  const c = await call('xia', 'yves');
  try {
    await bothParked(c);
    await c.ctxB.close();
    await waitForState(c.pageA, 'peer-left', 5000);
    assert.match(await c.pageA.textContent('#status'), /yves was disconnected/);
  } finally {
    await c.ctxA.close();
  }
});

test('the peer\'s page crashes while both are parked: "reconnecting", then disconnected within the bounded wait', async () => {
  const c = await call('zoe', 'abel');
  try {
    await Promise.all([waitForRemoteFrames(c.pageA), bothParked(c)]);
    await c.pageA.evaluate(() => {
      window.__statesSeen = [];
      new MutationObserver(() => window.__statesSeen.push(document.body.dataset.callState))
        .observe(document.body, { attributes: true, attributeFilter: ['data-call-state'] });
    });
    const cdp = await c.ctxB.newCDPSession(c.pageB);
    const crashed = Date.now();
    cdp.send('Page.crash').catch(() => {}); // answers never: the renderer is gone
    await waitForState(c.pageA, 'peer-left', 45000);
    const tookMs = Date.now() - crashed;
    console.log(`# parked peer crashed: "was disconnected" after ${tookMs} ms`);
    assert.match(await c.pageA.textContent('#status'), /abel was disconnected/);
    assert.ok((await c.pageA.evaluate(() => window.__statesSeen)).includes('reconnecting'), 'it said "reconnecting" first');
    assert.equal(await c.pageA.evaluate(() => window.__videocall.signaling), 'open', 'back on signaling, listening for abel');
  } finally {
    await c.close();
  }
});

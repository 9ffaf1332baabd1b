// Calls between browsers: Chromium ↔ Firefox, Firefox ↔ Chromium and Firefox ↔ Firefox (Chromium ↔
// Chromium is the rest of e2e/). In "X ↔ Y" X joins first and Y second, so Y makes the first offer
// and leads the connection (web/js/recovery.js). One call per pairing goes through set-up, a dropped
// WebSocket on each side, an ICE restart started from each side, an offer from the side that does
// not lead (the answer Chromium refuses when Firefox answered; the page must repair it), and hang-up.
// Between steps both pages park their sockets (web/js/parking.js): the ICE restarts and the hang-up
// start from parked pages, which must come back to signaling for them.
// Three browser processes in all: one Chromium (a context per person) and two Firefox (one person each).
// Last, a Firefox person in a call of three with two Chromium people (small video).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ARTIFACTS, allParked, assertTokenOnlyInFragment, createCall, diagnosed, dropSocketAndRecover, everyoneSeesEveryone, remoteFrames, serverWillSay,
  smallVideoScript, startBrowser, startServer, tile, tileFrames, tokenOf, waitFor, waitForFramesAfter, waitForRemoteFrames, waitForState,
  waitForTileFramesAfter, withTestHooks,
} from './harness.mjs';

let server;
let chromium;
let firefoxes;

before(async () => {
  server = await startServer();
  const [c, ...f] = await Promise.all([startBrowser('chromium'), startBrowser('firefox'), startBrowser('firefox')]);
  chromium = c;
  firefoxes = f;
});

after(async () => {
  await Promise.all([chromium?.close(), ...(firefoxes ?? []).map((f) => f.close())]);
  await server?.stop();
});

/** The browsers for a pairing: Chromium serves any number of people, each Firefox one. */
function browsersFor(first, second) {
  const pool = [...firefoxes];
  const take = (name) => (name === 'chromium' ? chromium : pool.shift());
  return [take(first), take(second)];
}

const connection = (page) => page.evaluate(() => {
  const pc = window.__videocall.pc();
  return {
    state: document.body.dataset.callState,
    connection: pc?.connectionState,
    signaling: pc?.signalingState,
    leads: window.__videocall.leads(),
    rebuilds: window.__videocall.rebuilds,
    ufrag: pc?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1],
  };
});

/** A step of a call's test; when it fails, both pages' diagnoses are printed. */
const step = (t, people, name, fn) => t.test(name, () => diagnosed(people, fn));

/** Both pages have closed their sockets with 4100 and go on peer to peer. */
const bothParked = (people) => allParked(people, 15000);

/** Both pages connected, nothing negotiating, the page saying so, and new frames arriving at each. */
async function assertRecovered(people, what) {
  const frames = await Promise.all(people.map((p) => remoteFrames(p)));
  await Promise.all(people.map((p) => waitFor(p, () => {
    const pc = window.__videocall.pc();
    return pc?.connectionState === 'connected' && pc.signalingState === 'stable' && document.body.dataset.callState === 'connected';
  }, undefined, { timeout: 20000, what: `${what}: connected and stable` })));
  await Promise.all(people.map((p, i) => waitForFramesAfter(p, frames[i], 20, 15000)));
}

const PAIRINGS = [['chromium', 'firefox'], ['firefox', 'chromium'], ['firefox', 'firefox']];

for (const [first, second] of PAIRINGS) {
  test(`${first} ↔ ${second}: a call and its recoveries`, async (t) => {
    const [browserA, browserB] = browsersFor(first, second);
    const { links } = await createCall(server.baseUrl, `${first}-a`, `${second}-b`);
    const a = await browserA.newPerson();
    const b = await browserB.newPerson();
    const people = [a, b];
    try {
      await step(t, people, 'set-up: each sees the other\'s video; chat crosses the data channel', async () => {
        await a.goto(withTestHooks(links[`${first}-a`]));
        await waitForState(a, 'waiting', 15000);
        await b.goto(withTestHooks(links[`${second}-b`]));
        await Promise.all([waitForState(a, 'connected', 15000), waitForState(b, 'connected', 15000)]);
        await assertTokenOnlyInFragment(a, tokenOf(links[`${first}-a`]));
        await assertTokenOnlyInFragment(b, tokenOf(links[`${second}-b`]));
        const [va, vb] = await Promise.all([waitForRemoteFrames(a, 15000), waitForRemoteFrames(b, 15000)]);
        assert.ok(va.width > 0 && vb.width > 0, JSON.stringify({ va, vb }));
        const [ca, cb] = await Promise.all([connection(a), connection(b)]);
        assert.deepEqual([ca.leads, cb.leads], [false, true], 'the second to join made the offer and leads');

        await a.click('#chat_toggle');
        await waitFor(a, () => !document.getElementById('chat_input').disabled, undefined, { what: 'chat ready' });
        await a.evaluate(() => {
          document.getElementById('chat_input').value = 'hello from the first';
          document.getElementById('chat_form').requestSubmit();
        });
        await waitFor(b, () => document.querySelector('#chat_log li.chat-peer .chat-text')?.textContent === 'hello from the first',
          undefined, { what: 'chat message at the second' });
        // The quality line works from each browser's getStats (Firefox has no selectedCandidatePairId).
        await Promise.all(people.map((p) => waitFor(p, () => window.__videocall.stats?.videoKbps > 0 && window.__videocall.stats.path === 'direct',
          undefined, { timeout: 12000, what: 'quality with bitrate and path' })));
        if (first !== second) {
          for (const [page, name] of [[a, first], [b, second]]) {
            const file = path.join(ARTIFACTS, `${first}-${second}-call-at-${name}.png`);
            await page.screenshot({ path: file });
            console.log(`# screenshot: ${file}`);
          }
        }
      });

      await step(t, people, 'parking: both sockets close with 4100; video and chat go on peer to peer', async () => {
        await bothParked(people);
        for (const p of people) {
          // Parked as the page closes its socket; the close event itself comes a moment later.
          await waitFor(p, () => window.__videocall.closeCodes.length > 0, undefined, { what: 'the parked socket closed' });
          assert.deepEqual(await p.evaluate(() => window.__videocall.closeCodes), [4100]);
        }
        const frames = await Promise.all(people.map((p) => remoteFrames(p)));
        await b.evaluate(() => {
          document.getElementById('chat_input').value = 'hello while parked';
          document.getElementById('chat_form').requestSubmit();
        });
        await waitFor(a, () => [...document.querySelectorAll('#chat_log li.chat-peer .chat-text')].some((li) => li.textContent === 'hello while parked'),
          undefined, { what: 'chat while parked' });
        await Promise.all(people.map((p, i) => waitForFramesAfter(p, frames[i], 30)));
        assert.deepEqual(await Promise.all(people.map((p) => p.evaluate(() => [window.__videocall.signaling, window.__videocall.unparks]))),
          [['parked', 0], ['parked', 0]], 'nothing needed the server');
      });

      for (const [side, page] of [['first', a], ['second', b]]) {
        await step(t, people, `the ${side} side's WebSocket drops: it reconnects and the media never stops`, async () => {
          const frames = await Promise.all(people.map((p) => remoteFrames(p)));
          await dropSocketAndRecover(page);
          await Promise.all(people.map((p, i) => waitForFramesAfter(p, frames[i], 20)));
          assert.deepEqual(await Promise.all(people.map((p) => p.evaluate(() => document.body.dataset.callState))), ['connected', 'connected']);
        });
      }

      for (const [side, starter] of [['first', a], ['second', b]]) {
        await step(t, people, `an ICE restart started by the ${side} side while both are parked: new credentials both ways, video again, parked again`, async () => {
          await bothParked(people);
          const before = await Promise.all(people.map(connection));
          const restarts = await b.evaluate(() => window.__videocall.iceRestarts);
          await starter.evaluate(() => window.__videocall.restartIce());
          await Promise.all(people.map((p, i) => waitFor(p, (u) => window.__videocall.pc().localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1] !== u,
            before[i].ufrag, { timeout: 15000, what: 'new ICE credentials' })));
          assert.equal(await b.evaluate(() => window.__videocall.iceRestarts), restarts + 1, 'the leading side restarted ICE once');
          await assertRecovered(people, 'after the restart');
          const afterRestart = await Promise.all(people.map(connection));
          assert.deepEqual(afterRestart.map((c) => c.rebuilds), before.map((c) => c.rebuilds), 'the same connection recovered; nothing was rebuilt');
          await bothParked(people);
        });
      }

      await step(t, people, 'an offer from the side that does not lead: the page repairs whatever answer it gets', async () => {
        // What every page did before recovery.js: with Chromium first, Firefox's answer switches the
        // DTLS role and Chromium cannot apply it ("Failed to set SSL role for the transport").
        const before = await Promise.all(people.map(connection));
        await a.evaluate(() => window.__videocall.offerAnyway());
        await assertRecovered(people, 'after the stray offer');
        const afterOffer = await Promise.all(people.map(connection));
        console.log(`# ${first} ↔ ${second}: stray offer led to ${afterOffer[0].rebuilds - before[0].rebuilds} rebuild(s) at the first side`);
        if (first === 'chromium' && second === 'firefox') {
          assert.equal(afterOffer[0].rebuilds, before[0].rebuilds + 1, 'Chromium refused the answer and built a fresh connection');
          assert.deepEqual([afterOffer[0].leads, afterOffer[1].leads], [true, false], 'the rebuilding side leads the fresh connection');
        }
      });

      await step(t, people, 'hang-up while both are parked: the other side sees that they left', async () => {
        await bothParked(people);
        await b.click('#hangup');
        await waitForState(b, 'ended');
        await waitForState(a, 'peer-left');
        assert.match(await a.textContent('#status'), new RegExp(`${second}-b left the call`));
        // Both left the call on the server: the one who hung up, and the parked peer, which said bye too.
        await serverWillSay(server, `${second}-b`, 'left call', 'hangup');
        await serverWillSay(server, `${first}-a`, 'left call', 'hangup');
      });
    } finally {
      await Promise.all(people.map((p) => p.close()));
    }
  });
}

test('a link opened in a background Firefox tab joins and sends video', async () => {
  const { links } = await createCall(server.baseUrl, 'ff-bg', 'cr-front');
  const background = await firefoxes[0].newPerson({ background: true });
  const peer = await chromium.newPerson();
  try {
    await background.goto(withTestHooks(links['ff-bg']));
    assert.equal(await background.evaluate(() => document.visibilityState), 'hidden', 'the tab really is in the background');
    await waitForState(background, 'waiting', 15000);
    await peer.goto(withTestHooks(links['cr-front']));
    await Promise.all([waitForState(background, 'connected', 15000), waitForState(peer, 'connected', 15000)]);
    await waitForRemoteFrames(peer, 15000);
  } finally {
    await Promise.all([background.close(), peer.close()]);
  }
});

// The gateway ends a refused link's TCP connection as soon as its close frame is written (it reads
// nothing more): Firefox must still read the frame and show why, as Chromium does (call.test.mjs).
test('Firefox shows why a forged link or another person\'s link is refused (4001)', async () => {
  const { links } = await createCall(server.baseUrl, 'ff-forged', 'cr-other');
  const forged = new URL(links['ff-forged']);
  const token = tokenOf(links['ff-forged']);
  const macAt = token.lastIndexOf('.') + 1;
  forged.hash = `token=${token.slice(0, macAt) + (token[macAt] === 'A' ? 'B' : 'A') + token.slice(macAt + 1)}`;
  const someoneElse = new URL(links['ff-forged']);
  someoneElse.searchParams.set('userID', 'mallory');
  for (const link of [forged, someoneElse]) {
    const page = await firefoxes[0].newPerson();
    try {
      await page.goto(link.toString());
      await waitForState(page, 'error');
      assert.equal(await page.evaluate(() => document.body.dataset.errorCode), '4001', link.search);
      assert.match(await page.textContent('#status'), /not valid/);
    } finally {
      await page.close();
    }
  }
});

test('a Firefox person in a call of three: everyone sees everyone, chat reaches both, parking, and one pair\'s restart', async (t) => {
  const people = ['cr-a', 'ff-b', 'cr-c'];
  const { links } = await createCall(server.baseUrl, ...people);
  const initScript = smallVideoScript();
  const pages = {
    'cr-a': await chromium.newPerson({ initScript }),
    'ff-b': await firefoxes[0].newPerson({ initScript }),
    'cr-c': await chromium.newPerson({ initScript }),
  };
  const all = Object.values(pages);
  try {
    await step(t, all, 'set-up: joined one after the other, each sees the other two', async () => {
      for (const name of people) {
        await pages[name].goto(withTestHooks(links[name]));
        await waitFor(pages[name], () => ['waiting', 'negotiating', 'connected'].includes(document.body.dataset.callState),
          undefined, { timeout: 15000, what: `${name} on signaling` });
      }
      await everyoneSeesEveryone(pages);
      assert.equal(await pages['ff-b'].textContent('#status'), 'Connected with cr-a and cr-c');
    });

    await step(t, all, 'chat from Firefox reaches both Chromium people', async () => {
      await pages['ff-b'].evaluate(() => {
        document.getElementById('chat_input').value = 'hello from Firefox';
        document.getElementById('chat_form').requestSubmit();
      });
      for (const name of ['cr-a', 'cr-c']) {
        await waitFor(pages[name], () => [...document.querySelectorAll('#chat_log li.chat-peer')].some((li) => li.textContent === 'ff-bhello from Firefox'),
          undefined, { what: `Firefox's message at ${name}` });
      }
    });

    await step(t, all, 'all three park; the mesh goes on peer to peer', async () => {
      await allParked(all);
      await waitForTileFramesAfter(pages['ff-b'], 'cr-c', await tileFrames(pages['ff-b'], 'cr-c'), 10);
    });

    await step(t, all, 'Firefox restarts ICE with one Chromium person; the other pairs are untouched', async () => {
      const ufrag = (page, peer) => page.evaluate((p) => window.__videocall.pc(p).localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1], peer);
      const before = { ffA: await ufrag(pages['ff-b'], 'cr-a'), ffC: await ufrag(pages['ff-b'], 'cr-c'), aC: await ufrag(pages['cr-a'], 'cr-c') };
      await pages['ff-b'].evaluate(() => window.__videocall.restartIce('cr-a'));
      await waitFor(pages['ff-b'], (u) => window.__videocall.pc('cr-a').localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1] !== u,
        before.ffA, { timeout: 20000, what: 'ff-b–cr-a restarted' });
      assert.equal(await ufrag(pages['ff-b'], 'cr-c'), before.ffC);
      assert.equal(await ufrag(pages['cr-a'], 'cr-c'), before.aC);
      await waitForTileFramesAfter(pages['cr-a'], 'ff-b', await tileFrames(pages['cr-a'], 'ff-b'), 10, 20000);
      await waitForTileFramesAfter(pages['ff-b'], 'cr-a', await tileFrames(pages['ff-b'], 'cr-a'), 10, 20000);
      assert.equal(await pages['cr-c'].evaluate((sel) => document.querySelector(sel).dataset.state, tile('ff-b')), 'connected');
    });
  } finally {
    await Promise.all(all.map((p) => p.close()));
  }
});

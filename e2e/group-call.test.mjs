// Calls of three and four in headless Chromium against the embedded server: a full mesh (one
// connection per pair), joining in every order, parking with the doorkeeper, leaving and rejoining,
// one pair's trouble leaving the others alone, chat to everyone, and the fifth person refused. Small
// fake video (harness.mjs's smallVideoScript) so that two cores keep up. A Firefox person in a call of
// three: browsers.test.mjs; set-up times and screenshots: group-ux.test.mjs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  diagnosed, everyoneSeesEveryone, groupPerson, launchBrowser, openGroupCall, startServer, tile, tileFrames,
  waitFor, waitForParked, waitForState, waitForTileFramesAfter, withTestHooks,
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

const parked = waitForParked;

const ufrag = (page, peer) => page.evaluate((p) => window.__videocall.pc(p).localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1], peer);

/** Every permutation of a list. */
const orders = (xs) => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => orders([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));

test('three people join in every order, and each sees and hears the other two', async () => {
  const people = ['amy', 'ben', 'cat'];
  for (const order of orders(people)) {
    const call = await openGroupCall(browser, server.baseUrl, people, { order });
    try {
      // A connection per pair, nothing more: two on each page.
      for (const name of people) {
        const connections = await call.pages[name].evaluate(() => window.__videocall.connections);
        assert.deepEqual(Object.values(connections), ['connected', 'connected'], `${order}: ${name}: ${JSON.stringify(connections)}`);
      }
      const status = await call.pages.amy.textContent('#status');
      assert.equal(status, 'Connected with ben and cat', `${order}`);
      console.log(`# order ${order.join(' → ')}: everyone sees everyone ${call.setupMs} ms after the first link opened`);
    } finally {
      await call.close();
    }
  }
});

test('a call of four: a full mesh, chat reaches everyone, each tile says who it is and whether they are muted', async () => {
  const people = ['ann', 'bo', 'cy', 'di'];
  const call = await openGroupCall(browser, server.baseUrl, people);
  const { ann, bo, cy, di } = call.pages;
  try {
    assert.deepEqual(await ann.$$eval('.tile', (ts) => ts.map((t) => [t.dataset.peer, t.querySelector('.tile-name').textContent])),
      [['bo', 'bo'], ['cy', 'cy'], ['di', 'di']], 'one tile per other person, in the link\'s order, named');
    assert.equal(await ann.evaluate(() => document.querySelector('.stage').dataset.tiles), '3');

    // Chat: one message over each pair's data channel reaches all three others.
    await ann.click('#chat_toggle');
    await waitFor(ann, () => !document.getElementById('chat_input').disabled, undefined, { what: 'chat ready' });
    await ann.fill('#chat_input', 'Hello, everyone!');
    await ann.keyboard.press('Enter');
    for (const page of [bo, cy, di]) {
      await waitFor(page, () => [...document.querySelectorAll('#chat_log li.chat-peer')].some((li) => li.textContent === 'annHello, everyone!'),
        undefined, { what: 'ann\'s message' });
    }

    // Muting shows on ann's tile at everyone else's, and nowhere else.
    await ann.click('#mute');
    for (const page of [bo, cy, di]) {
      await waitFor(page, (sel) => !document.querySelector(`${sel} .peer-muted`).hidden, tile('ann'), { what: 'ann muted' });
      assert.equal(await page.textContent(`${tile('ann')} .peer-muted`), 'ann is muted');
    }
    assert.equal(await bo.evaluate((sel) => document.querySelector(`${sel} .peer-muted`).hidden, tile('cy')), true, 'cy is not muted');
    await ann.click('#camera');
    await waitFor(cy, (sel) => !document.querySelector(`${sel} .placeholder`).hidden, tile('ann'), { what: 'ann camera off' });
    assert.equal(await cy.textContent(`${tile('ann')} .placeholder-text`), 'ann turned their camera off');

    // The quality line per person.
    await waitFor(bo, () => window.__videocall.quality.size === 3, undefined, { timeout: 15000, what: 'three quality samples' });
    for (const peer of ['ann', 'cy', 'di']) {
      await waitFor(bo, (sel) => !document.querySelector(`${sel} .quality`).hidden, tile(peer), { timeout: 15000, what: `${peer}'s quality` });
      assert.match(await bo.textContent(`${tile(peer)} .quality`), /connection|Measuring/);
    }

    // Everyone parks: four sockets closed with 4100, the mesh goes on peer to peer.
    await diagnosed(Object.values(call.pages), () => Promise.all(Object.values(call.pages).map((p) => parked(p))));
    const frames = await tileFrames(di, 'bo');
    await waitForTileFramesAfter(di, 'bo', frames, 10);
  } finally {
    await call.close();
  }
});

test('someone who joins while the others are parked reaches them: the doorkeeper calls them back', async () => {
  const people = ['ada', 'bea', 'cal'];
  const { links } = await (await fetch(`${server.baseUrl}/api/calls`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users: people }),
  })).json();
  const pages = {};
  for (const name of people) pages[name] = await groupPerson(browser);
  try {
    await pages.ada.goto(withTestHooks(links.ada));
    await waitForState(pages.ada, 'waiting');
    await pages.bea.goto(withTestHooks(links.bea));
    await diagnosed([pages.ada, pages.bea], () => everyoneSeesEveryone({ ada: pages.ada, bea: pages.bea }));
    // bea parks; ada, whose ID sorts first, keeps the door for cal.
    await parked(pages.bea);
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(await pages.ada.evaluate(() => window.__videocall.signaling), 'open', 'the doorkeeper stays');
    const beaUnparks = await pages.bea.evaluate(() => window.__videocall.unparks);

    await pages.cal.goto(withTestHooks(links.cal));
    await diagnosed(Object.values(pages), () => everyoneSeesEveryone(pages));
    assert.equal(await pages.bea.evaluate(() => window.__videocall.unparks), beaUnparks + 1, 'bea was called back once');
    // Everyone is there: all three park, ada too.
    await diagnosed(Object.values(pages), () => Promise.all(Object.values(pages).map((p) => parked(p))));
  } finally {
    for (const p of Object.values(pages)) await p.close();
  }
});

test('each person leaves first and comes back: the others go on, then everyone sees everyone again', async () => {
  const people = ['al', 'bu', 'ce'];
  const call = await openGroupCall(browser, server.baseUrl, people);
  try {
    for (const [i, leaver] of people.entries()) {
      const stay = people.filter((n) => n !== leaver);
      await diagnosed(Object.values(call.pages), () => Promise.all(Object.values(call.pages).map((p) => parked(p))));
      const byHangUp = i % 2 === 0; // hang up, or close the tab (the page says "leaving" to its peers)
      if (byHangUp) {
        await call.pages[leaver].click('#hangup');
        await waitForState(call.pages[leaver], 'ended');
      }
      await call.pages[leaver].close();
      for (const name of stay) {
        const other = stay.find((n) => n !== name);
        await waitFor(call.pages[name], (sel) => document.querySelector(sel).dataset.state === 'peer-left', tile(leaver),
          { what: `${name} sees ${leaver} gone` });
        assert.equal(await call.pages[name].evaluate(() => document.body.dataset.callState), 'connected', `${name} still in the call`);
        await waitForTileFramesAfter(call.pages[name], other, await tileFrames(call.pages[name], other), 10);
      }
      assert.match(await call.pages[stay[0]].textContent(`${tile(leaver)} .placeholder-text`), byHangUp ? /left the call/ : /disconnected/);
      // Back with the same link, on a fresh page.
      call.pages[leaver] = await groupPerson(browser);
      await call.pages[leaver].goto(withTestHooks(call.links[leaver]));
      await diagnosed(Object.values(call.pages), () => everyoneSeesEveryone(call.pages));
      console.log(`# ${leaver} left (${byHangUp ? 'hang-up' : 'tab closed'}) and came back`);
    }
  } finally {
    await call.close();
  }
});

test('three people leave in every order: the others go on until the last one is alone', async () => {
  const people = ['ike', 'jan', 'kit'];
  for (const [n, order] of orders(people).entries()) {
    const call = await openGroupCall(browser, server.baseUrl, people);
    try {
      for (const [i, leaver] of order.slice(0, 2).entries()) {
        const stay = order.slice(i + 1);
        // Hang up, or close the tab, taking turns across the orders.
        if ((n + i) % 2 === 0) {
          await call.pages[leaver].click('#hangup');
          await waitForState(call.pages[leaver], 'ended');
        }
        await call.pages[leaver].close();
        for (const name of stay) {
          await waitFor(call.pages[name], (sel) => document.querySelector(sel).dataset.state === 'peer-left', tile(leaver),
            { what: `${order}: ${name} sees ${leaver} gone` });
        }
        if (stay.length === 2) {
          for (const name of stay) {
            assert.equal(await call.pages[name].evaluate(() => document.body.dataset.callState), 'connected', `${order}: ${name} goes on`);
          }
        }
      }
      const last = call.pages[order[2]];
      await waitForState(last, 'peer-left');
      assert.equal(await last.textContent('#status'), 'Everyone else has left the call.', `${order}`);
    } finally {
      await call.close();
    }
  }
});

test('one pair\'s ICE restart leaves the other pairs\' connections alone', async () => {
  const people = ['ed', 'flo', 'gus'];
  const call = await openGroupCall(browser, server.baseUrl, people);
  const { ed, flo, gus } = call.pages;
  try {
    const before = { edGus: await ufrag(ed, 'gus'), floGus: await ufrag(flo, 'gus'), edFlo: await ufrag(ed, 'flo') };
    const restarts = await Promise.all([ed, flo].map((p) => p.evaluate(() => window.__videocall.iceRestarts)));
    // ed asks for it; flo, who joined after ed, made the pair's first offer and leads it, restarts it.
    assert.equal(await flo.evaluate(() => window.__videocall.leads('ed')), true);
    await ed.evaluate(() => window.__videocall.restartIce('flo'));
    await diagnosed([ed, flo], () => waitFor(ed, ([u]) => !window.__videocall.pc('flo').localDescription.sdp.includes(`a=ice-ufrag:${u}`),
      [before.edFlo], { timeout: 20000, what: 'ed–flo restarted' }));
    assert.equal(await ufrag(ed, 'gus'), before.edGus, 'ed–gus untouched');
    assert.equal(await ufrag(flo, 'gus'), before.floGus, 'flo–gus untouched');
    assert.equal((await Promise.all([ed, flo].map((p) => p.evaluate(() => window.__videocall.iceRestarts)))).reduce((a, b) => a + b)
      - restarts.reduce((a, b) => a + b), 1, 'one restart, by the pair\'s leader');
    for (const [page, peer] of [[ed, 'flo'], [flo, 'ed'], [gus, 'ed'], [gus, 'flo']]) {
      await waitForTileFramesAfter(page, peer, await tileFrames(page, peer), 10);
    }
  } finally {
    await call.close();
  }
});

test('a fifth person is refused: the page says the call is full', async () => {
  const people = ['ivy', 'jo', 'kai', 'lu'];
  const { links } = await (await fetch(`${server.baseUrl}/api/calls`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users: people }),
  })).json();
  // Five people in one call cannot be asked for…
  const five = await fetch(`${server.baseUrl}/api/calls`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users: [...people, 'max'] }),
  });
  assert.equal(five.status, 400);
  // …nor joined: max takes ivy's link and adds himself.
  const url = new URL(links.ivy);
  url.searchParams.set('userID', 'max');
  url.searchParams.delete('peerID');
  for (const p of people) url.searchParams.append('peerID', p);
  const page = await groupPerson(browser);
  try {
    await page.goto(url.toString());
    await waitForState(page, 'error');
    assert.equal(await page.evaluate(() => document.body.dataset.errorCode), '4003');
    assert.match(await page.textContent('#status'), /This call is full/);
  } finally {
    await page.close();
  }
});

test('the new-call form makes a link for each of three or four people, each naming the others', async () => {
  const page = await groupPerson(browser);
  try {
    await page.goto(`${server.baseUrl}/`);
    for (const people of [['nan', 'oz', 'pia'], ['nan', 'oz', 'pia', 'quy']]) {
      for (const [i, name] of ['nan', 'oz', 'pia', 'quy'].entries()) {
        await page.fill(`#user_${'abcd'[i]}`, people.includes(name) ? name : '');
      }
      await page.click('#create');
      await waitFor(page, (n) => document.querySelectorAll('#link_list li').length === n, people.length, { what: `${people.length} links` });
      const links = await page.$$eval('#link_list .url', (spans) => spans.map((s) => s.textContent));
      assert.deepEqual(links.map((l) => new URL(l).searchParams.get('userID')), people);
      for (const l of links) {
        const url = new URL(l);
        assert.deepEqual(url.searchParams.getAll('peerID'), people.filter((p) => p !== url.searchParams.get('userID')), l);
        assert.match(url.hash, /^#token=v1\./);
      }
    }
    // The fourth only: the third left empty is skipped. A name twice is refused before asking the server.
    await page.fill('#user_c', '');
    await page.click('#create');
    await waitFor(page, () => document.querySelectorAll('#link_list li').length === 3, undefined, { what: 'links for nan, oz and quy' });
    await page.fill('#user_c', 'OZ');
    await page.click('#create');
    await waitFor(page, () => !document.getElementById('form_error').hidden, undefined, { what: 'form error' });
    assert.equal(await page.textContent('#form_error'), 'Each person needs a name of their own.');
  } finally {
    await page.close();
  }
});

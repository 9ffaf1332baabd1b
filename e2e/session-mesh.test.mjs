// Unit tests of the session's decisions in calls of three and four (web/js/session-*.js through
// session-rules.js's decide; pure, no browser): one pair per other member, each with its own roles,
// connection and recovery; messages routed by who they are from or for; parking with the doorkeeper;
// a hang-up that removes one person. The page is alice's (her ID sorts first unless a test says
// otherwise); calls of two: session-rules.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE } from '../web/js/wire.js';
import {
  groupWelcome, ofType, Page, sdp, WORKING,
} from './session-page.mjs';

const peersOf = (effects) => [...new Set(effects.filter((e) => e.peer !== undefined).map((e) => e.peer))];
const named = (effects, type, peer) => effects.filter((e) => e.type === type && e.peer === peer);

test('welcomed into a call of three: a connection led by us with each member already there, none with the one to come', () => {
  const page = Page.group({ bob: { present: true }, carol: {} });
  assert.deepEqual(ofType(page.effects, 'build-call'), [{ type: 'build-call', peer: 'bob', call: 1, leader: true, iceServers: [] }]);
  assert.equal(page.pair('carol').call, null);
  assert.deepEqual([page.pair('bob').polite, page.pair('carol').polite], [true, true], 'alice sorts first: polite with both');
  assert.equal(page.facts.self, 'alice');
  assert.deepEqual(page.view, { state: 'negotiating', status: 'bob is here. Connecting…', notice: 'Waiting for carol to join…', recovering: null });
  assert.deepEqual(page.tileView('carol'), { state: 'waiting', status: 'Waiting for carol to join…', notice: null, recovering: null });
});

test('what a connection sends goes to its own peer: every frame names it', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } });
  assert.deepEqual(page.on('call-sends', { peer: 'carol', message: { type: 'candidate', ice: { candidate: 'c' } } }),
    [{ type: 'send', frame: { type: 'candidate', ice: { candidate: 'c' }, to: 'carol' } }]);
  assert.deepEqual(page.on('call-sends', { peer: 'bob', message: { type: 'offer', sdp: sdp('1') } }),
    [{ type: 'send', frame: { type: 'offer', sdp: sdp('1'), to: 'bob' } }]);
  assert.deepEqual(page.on('call-sends', { peer: 'mallory', message: { type: 'offer', sdp: sdp('1') } }), [], 'nobody by that name');
});

test('relays reach the pair they are from, and only it', () => {
  const page = Page.group({ bob: { present: true }, carol: {} });
  page.message({ type: 'peer-joined', peerID: 'carol', role: 'answerer', epoch: 2 });
  const offer = page.message({ type: 'offer', sdp: sdp('9'), from: 'carol' });
  assert.deepEqual(ofType(offer, 'build-call'), [{ type: 'build-call', peer: 'carol', call: 2, leader: false, iceServers: [] }]);
  assert.deepEqual(ofType(offer, 'accept-offer'), [{ type: 'accept-offer', peer: 'carol', sdp: sdp('9') }]);
  assert.deepEqual(peersOf(offer), ['carol'], 'nothing about bob');
  assert.deepEqual(page.message({ type: 'candidate', ice: { candidate: 'x' }, from: 'bob' }).filter((e) => e.type === 'add-candidate'),
    [{ type: 'add-candidate', peer: 'bob', ice: { candidate: 'x' } }]);
  assert.deepEqual(page.message({ type: 'answer', sdp: sdp('3'), from: 'dave' }).filter((e) => e.type !== 'warn'), [],
    'from someone not in the call: nothing but a warning');
});

test('people join in any order: each newcomer offers to everyone there; we answer on a connection of its own', () => {
  const page = Page.group({ bob: {}, carol: {}, dave: {} });
  assert.equal(page.view.status, 'Waiting for bob, carol, and dave to join…');
  for (const [i, peer] of ['dave', 'bob', 'carol'].entries()) {
    page.message({ type: 'peer-joined', peerID: peer, role: 'answerer', epoch: 2 + i });
    assert.equal(page.pair(peer).call, null, `${peer}: their welcome makes them the offerer`);
    page.settle(peer);
  }
  assert.deepEqual(['bob', 'carol', 'dave'].map((p) => page.pair(p).call.leader), [false, false, false]);
  assert.deepEqual(page.view, { state: 'connected', status: 'Connected with bob, carol, and dave', notice: null, recovering: null });
});

test('one pair\'s ICE restart and rebuild leave the other pairs alone', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob').settle('carol');
  const restart = page.fromCallOf('bob', 'unwell', {}, { cause: 'disconnected' });
  assert.deepEqual(ofType(restart, 'restart-ice'), [{ type: 'restart-ice', peer: 'bob' }]);
  assert.deepEqual(peersOf(restart), ['bob']);
  const broken = page.fromCallOf('carol', 'changed', { connection: 'failed', ice: 'failed' });
  assert.deepEqual(ofType(broken, 'start-timer').filter((e) => e.name === 'stall'), [{ type: 'start-timer', name: 'stall', peer: 'carol', ms: 10000 }]);
  const rebuilt = page.later(10000).on('timer', { name: 'stall', peer: 'carol' });
  assert.deepEqual(ofType(rebuilt, 'close-call'), [{ type: 'close-call', peer: 'carol', graceful: false }]);
  assert.deepEqual(peersOf(rebuilt), ['carol']);
  assert.equal(page.pair('bob').call.id, 1, 'bob\'s connection is the one it was');
  assert.equal(page.tileView('bob').state, 'connected');
  assert.equal(page.view.state, 'connected', 'the call goes on with bob meanwhile');
  assert.deepEqual(page.on('restart-ice', { peer: 'carol' }).filter((e) => e.type === 'restart-ice'), [{ type: 'restart-ice', peer: 'carol' }]);
});

test('everyone there and every pair healthy: the page parks, telling each peer first', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob').settle('carol');
  assert.deepEqual(page.parkingDue(), [
    { type: 'send-data', peer: 'bob', message: { kind: 'parked' } },
    { type: 'send-data', peer: 'carol', message: { kind: 'parked' } },
    { type: 'close-socket', code: CLOSE.PARKED, reason: 'parked' },
  ]);
});

test('nothing parks while one pair is unhealthy or negotiating; it comes back when one breaks', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob');
  assert.deepEqual(page.parkingDue(), [], 'carol is there and not connected yet');
  page.settle('carol');
  page.fromCallOf('carol', 'changed', { signaling: 'have-local-offer' });
  assert.deepEqual(page.parkingDue(), [], 'an offer to carol is out');
  assert.equal(ofType(page.fromCallOf('carol', 'changed', { signaling: 'stable' }), 'close-socket').length, 1,
    'answered: quiet long enough already, so it parks at once');
  page.closedParked();
  assert.deepEqual(ofType(page.fromCallOf('carol', 'changed', { ice: 'disconnected' }), 'open-socket'), [{ type: 'open-socket', socket: 2 }]);
});

test('the doorkeeper: while a member has not joined, the page whose ID sorts first keeps its socket', () => {
  const alice = Page.group({ bob: { present: true }, carol: {} }).settle('bob');
  assert.deepEqual(alice.parkingDue(), [], 'alice keeps the door for carol');
  assert.equal(alice.facts.socket.parked, false);
  // bob's page, the same call: alice is there, so bob parks.
  const bob = new Page(['alice', 'carol']);
  bob.on('connect');
  bob.on('socket-open', { socket: 1 });
  bob.message(groupWelcome('bob', { alice: { present: true }, carol: {} }));
  bob.settle('alice');
  assert.equal(ofType(bob.parkingDue(), 'close-socket').length, 1, 'bob is not the doorkeeper');
});

test('a parked page whose pair with the doorkeeper went away takes the door itself', () => {
  // carol's page: alice and bob there, dave not yet.
  const carol = new Page(['alice', 'bob', 'dave']);
  carol.on('connect');
  carol.on('socket-open', { socket: 1 });
  carol.message(groupWelcome('carol', { alice: { present: true }, bob: { present: true }, dave: {} }));
  carol.settle('alice').settle('bob');
  assert.equal(ofType(carol.parkingDue(), 'close-socket').length, 1);
  carol.closedParked();
  // alice hangs up: bob sorts first now, carol still parks.
  assert.deepEqual(ofType(carol.fromCallOf('alice', 'peer-says', {}, { message: { kind: 'bye' } }), 'open-socket'), []);
  assert.equal(carol.facts.socket.stopped, false, 'a call of four goes on');
  // bob's page closes as well: carol is the only one left, and keeps the door.
  assert.deepEqual(ofType(carol.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'leaving' } }), 'open-socket'), [{ type: 'open-socket', socket: 2 }]);
});

test('a newcomer while others are parked: the doorkeeper calls them back for the newcomer, and they connect to them', () => {
  const alice = Page.group({ bob: { present: true }, carol: { present: true }, dave: {} }).settle('bob').settle('carol');
  alice.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'parked' } });
  alice.fromCallOf('carol', 'peer-says', {}, { message: { kind: 'parked' } });
  assert.deepEqual(alice.parkingDue(), [], 'alice keeps the door for dave');
  const joined = alice.message({ type: 'peer-joined', peerID: 'dave', role: 'answerer', epoch: 5 });
  assert.deepEqual(ofType(joined, 'send-data'), [
    { type: 'send-data', peer: 'bob', message: { kind: 'unpark', newcomer: 'dave' } },
    { type: 'send-data', peer: 'carol', message: { kind: 'unpark', newcomer: 'dave' } },
  ]);
  // bob's page, parked, hears it from alice: back to signaling, without waiting on an offer from alice.
  const bob = new Page(['alice', 'carol', 'dave']);
  bob.on('connect');
  bob.on('socket-open', { socket: 1 });
  bob.message(groupWelcome('bob', { alice: { present: true }, carol: { present: true }, dave: {} }));
  bob.settle('alice').settle('carol');
  bob.parkingDue();
  bob.closedParked();
  assert.deepEqual(bob.fromCallOf('alice', 'peer-says', {}, { message: { kind: 'unpark', newcomer: 'dave' } }), [{ type: 'open-socket', socket: 2 }]);
  assert.equal(bob.pair('alice').holdUntil, 0, 'nothing to wait for from alice');
  bob.on('socket-open', { socket: 2 });
  const back = bob.message(groupWelcome('bob', { alice: { present: true }, carol: { parked: true }, dave: { present: true } }, { epoch: 6 }));
  assert.deepEqual(ofType(back, 'build-call'), [{ type: 'build-call', peer: 'dave', call: 3, leader: true, iceServers: [] }]);
  assert.deepEqual(ofType(back, 'close-call'), [], 'the pairs that stood are kept');
  bob.settle('dave');
  assert.equal(ofType(bob.parkingDue(), 'close-socket').length, 1, 'parked again once dave is connected');
});

test('a newcomer who joined while the doorkeeper was coming back is in its welcome, not a peer-joined: the parked are called all the same', () => {
  const alice = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob').settle('carol');
  alice.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'parked' } });
  alice.fromCallOf('carol', 'peer-says', {}, { message: { kind: 'parked' } });
  alice.parkingDue();
  alice.closedParked();
  // bob hangs up (over the data channel): alice keeps the door for him and comes back…
  assert.deepEqual(ofType(alice.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'bye' } }), 'open-socket'), [{ type: 'open-socket', socket: 2 }]);
  alice.on('socket-open', { socket: 2 });
  // …but bob opened his link again first: alice's welcome already lists him, so no peer-joined comes.
  const back = alice.message(groupWelcome('alice', { bob: { present: true, role: 'offerer' }, carol: { parked: true } }, { epoch: 6 }));
  assert.deepEqual(ofType(back, 'send-data').filter((e) => e.message.kind === 'unpark'),
    [{ type: 'send-data', peer: 'carol', message: { kind: 'unpark', newcomer: 'bob' } }]);
  assert.deepEqual(ofType(back, 'build-call').map((e) => e.peer), ['bob']);
  // A welcome after a plain reconnect, with everyone as before, calls nobody.
  alice.settle('bob');
  alice.on('socket-open', { socket: 3 });
  const again = alice.message(groupWelcome('alice', { bob: { present: true }, carol: { parked: true } }, { epoch: 7 }));
  assert.deepEqual(ofType(again, 'send-data').filter((e) => e.message.kind === 'unpark'), []);
});

test('a member whose parked page closed is absent, though the server lists them as parked; when they come back the others are called', () => {
  const al = Page.group({ bu: { present: true }, ce: { present: true } }).settle('bu').settle('ce');
  al.fromCallOf('bu', 'peer-says', {}, { message: { kind: 'parked' } });
  al.fromCallOf('ce', 'peer-says', {}, { message: { kind: 'parked' } });
  al.parkingDue();
  al.closedParked();
  // bu's page closes: bu is gone, al sorts first among those left and comes back to keep the door.
  assert.deepEqual(ofType(al.fromCallOf('bu', 'peer-says', {}, { message: { kind: 'leaving' } }), 'open-socket'), [{ type: 'open-socket', socket: 2 }]);
  al.on('socket-open', { socket: 2 });
  al.message(groupWelcome('al', { bu: { parked: true }, ce: { parked: true } }, { epoch: 3 }));
  assert.equal(al.pair('bu').view.peerLeft, 'disconnected');
  assert.deepEqual(al.parkingDue(), [], 'still keeping the door: bu only looks parked');
  assert.equal(al.tileView('bu').status, 'bu was disconnected.');
  const back = al.message({ type: 'peer-joined', peerID: 'bu', role: 'answerer', epoch: 4 });
  assert.deepEqual(ofType(back, 'send-data'), [{ type: 'send-data', peer: 'ce', message: { kind: 'unpark', newcomer: 'bu' } }]);
});

test('a newcomer is told the parked members; it waits for them on signaling and offers only to those there', () => {
  const dave = new Page(['alice', 'bob', 'carol']);
  dave.on('connect');
  dave.on('socket-open', { socket: 1 });
  const welcomed = dave.message(groupWelcome('dave', { alice: { present: true }, bob: { parked: true }, carol: { parked: true } }));
  assert.deepEqual(ofType(welcomed, 'build-call').map((e) => e.peer), ['alice']);
  dave.settle('alice');
  assert.deepEqual(dave.parkingDue(), [], 'bob and carol are in the call and not connected to dave yet');
  assert.equal(dave.tileView('bob').status, 'Waiting for bob to come back…');
  dave.message({ type: 'peer-joined', peerID: 'bob', role: 'answerer', epoch: 7 });
  dave.settle('bob');
  dave.message({ type: 'peer-joined', peerID: 'carol', role: 'answerer', epoch: 8 });
  dave.settle('carol');
  assert.equal(ofType(dave.parkingDue(), 'close-socket').length, 1);
});

test('a peer hanging up in a call of three removes only them: no bye of ours, the others go on', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob').settle('carol');
  const effects = page.message({ type: 'peer-left', peerID: 'bob', reason: 'hangup', epoch: 4 });
  assert.deepEqual(ofType(effects, 'close-call'), [{ type: 'close-call', peer: 'bob', graceful: false }]);
  assert.deepEqual(ofType(effects, 'send'), [], 'no bye');
  assert.equal(page.facts.socket.stopped, false);
  assert.deepEqual(page.view, { state: 'connected', status: 'Connected with carol', notice: 'bob left the call.', recovering: null });
  // bob comes back with the same link: a newcomer again, who offers.
  page.message({ type: 'peer-joined', peerID: 'bob', role: 'answerer', epoch: 5 });
  page.settle('bob');
  assert.equal(page.view.status, 'Connected with bob and carol');
});

test('the last other member hanging up leaves the page waiting for them, not ended', () => {
  const page = Page.group({ bob: { present: true }, carol: {} }).settle('bob');
  page.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'bye' } });
  assert.equal(page.facts.view.over, null);
  assert.equal(page.view.state, 'waiting');
  assert.equal(page.view.status, 'Waiting for carol to join…');
  assert.equal(page.view.notice, 'bob left the call.');
});

test('hanging up in a call of three says bye to every peer and through the server', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob').settle('carol');
  const effects = page.on('hang-up');
  assert.deepEqual(ofType(effects, 'send-data'), [
    { type: 'send-data', peer: 'bob', message: { kind: 'bye' } }, { type: 'send-data', peer: 'carol', message: { kind: 'bye' } },
  ]);
  assert.deepEqual(ofType(effects, 'send'), [{ type: 'send', frame: { type: 'bye' } }]);
  assert.deepEqual(ofType(effects, 'close-call').map((e) => [e.peer, e.graceful]), [['bob', true], ['carol', true]]);
  assert.equal(page.view.state, 'ended');
});

test('peer-absent names its peer: only that pair is undone and called back', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true } }).settle('bob').settle('carol');
  page.fromCallOf('bob', 'changed', { signaling: 'have-local-offer' });
  const effects = page.message({ type: 'error', code: 'peer-absent', peerID: 'bob' });
  assert.deepEqual(ofType(effects, 'rollback'), [{ type: 'rollback', peer: 'bob', call: 1, purpose: 'resync' }]);
  assert.deepEqual(ofType(effects, 'send-data'), [{ type: 'send-data', peer: 'bob', message: { kind: 'unpark' } }]);
  assert.deepEqual([page.pair('bob').view.peerParked, page.pair('carol').view.peerPresent], [true, true]);
});

test('presence about one peer does not make another\'s stale: each pair follows its own', () => {
  const page = Page.group({ bob: { present: true }, carol: {} }).settle('bob');
  page.message({ type: 'peer-left', peerID: 'bob', reason: 'disconnected', epoch: 3 });
  assert.equal(page.tileView('bob').state, 'connected', 'bob\'s media still flows');
  page.message({ type: 'peer-joined', peerID: 'carol', role: 'answerer', epoch: 2 });
  assert.equal(page.pair('carol').view.peerPresent, true);
});

test('whenSignaling calls every member in the call back and is answered once all are there', () => {
  const page = Page.group({ bob: { present: true }, carol: { present: true }, dave: {} }).settle('bob').settle('carol');
  page.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'parked' } });
  page.fromCallOf('carol', 'peer-says', {}, { message: { kind: 'parked' } });
  const effects = page.on('when-signaling');
  assert.deepEqual(ofType(effects, 'send-data').map((e) => [e.peer, e.message.kind]), [['bob', 'unpark'], ['carol', 'unpark']]);
  assert.deepEqual(ofType(page.fromCallOf('bob', 'peer-says', {}, { message: { kind: 'back' } }), 'resolve-waiters'), []);
  assert.deepEqual(ofType(page.message({ type: 'peer-joined', peerID: 'carol', role: 'answerer', epoch: 9 }), 'resolve-waiters'),
    [{ type: 'resolve-waiters' }], 'dave, never joined, is not waited for');
});

test('an older server\'s welcome (no peers list) is a call of two with its one peer', () => {
  const page = new Page();
  page.on('connect');
  page.on('socket-open', { socket: 1 });
  page.message({ type: 'welcome', userID: 'alice', peerID: 'Bob', role: 'offerer', peerPresent: true, polite: true, iceServers: [], epoch: 1 });
  assert.deepEqual(Object.keys(page.facts.peers), ['bob']);
  assert.equal(page.pair().polite, true);
  page.fromCall('changed', WORKING);
  // A relay without from, as an older server sends it, is the one peer's.
  assert.deepEqual(page.message({ type: 'candidate', ice: { candidate: 'x' } }).filter((e) => e.type === 'add-candidate'),
    [{ type: 'add-candidate', peer: 'bob', ice: { candidate: 'x' } }]);
});

test('the page\'s status in a call of four: who is connected first, then what the others are doing', () => {
  const page = Page.group({ bob: { present: true }, carol: { parked: true }, dave: {} }).settle('bob');
  assert.deepEqual(page.view, {
    state: 'connected', status: 'Connected with bob', notice: 'Waiting for carol to come back… Waiting for dave to join…', recovering: null,
  });
  page.fromCallOf('bob', 'changed', { connection: 'disconnected', ice: 'disconnected' });
  assert.equal(page.view.state, 'reconnecting');
  assert.equal(page.view.status, 'Reconnecting to bob…');
  assert.equal(page.view.recovering, 'media');
  assert.equal(named(page.effects, 'start-timer', 'bob').length > 0, true);
});

// Unit tests of the session's decisions (web/js/session-rules.js and the session-*.js modules it uses;
// pure, no browser): welcome, presence, offers, recovery, hang-up. Parking: session-parking.test.mjs;
// the socket's life: session-socket.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFacts } from '../web/js/session-facts.js';
import { decide } from '../web/js/session-rules.js';
import { CLOSE } from '../web/js/wire.js';
import {
  ofType, Page, sdp, types, welcome, WORKING,
} from './session-page.mjs';

const deepFreeze = (o) => {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
};

test('decide leaves the facts it is given as they were', () => {
  const page = Page.settled();
  const facts = deepFreeze(page.facts);
  const { facts: next } = decide(facts, { type: 'message', socket: 1, message: { type: 'peer-left', reason: 'hangup' }, now: 5000 });
  assert.notEqual(next, facts);
  assert.equal(facts.peers.bob.view.peerPresent, true);
  assert.equal(next.peers.bob.view.peerLeft, 'hangup');
});

test('welcomed as offerer with the peer there: a connection this page leads, and its offer once it wants one', () => {
  const page = Page.welcomed();
  assert.deepEqual(ofType(page.effects, 'build-call'), [{ type: 'build-call', peer: 'bob', call: 1, leader: true, iceServers: [] }]);
  assert.deepEqual(page.view, { state: 'negotiating', status: 'bob is here. Connecting…', notice: null, recovering: null });
  assert.deepEqual(page.fromCall('offer-wanted', { offerHeld: true }), [{ type: 'offer-if-held', peer: 'bob' }]);
  assert.deepEqual(page.on('call-sends', { peer: 'bob', message: { type: 'offer', sdp: sdp('1') } }),
    [{ type: 'send', frame: { type: 'offer', sdp: sdp('1'), to: 'bob' } }]);
  assert.equal(page.facts.counts.sent.offer, 1);
});

test('welcomed as answerer with the peer there: no connection until the peer\'s offer, which is answered on a fresh one', () => {
  const page = Page.welcomed({ role: 'answerer', polite: true, iceServers: [{ urls: 'stun:x' }] });
  assert.deepEqual(ofType(page.effects, 'build-call'), []);
  assert.equal(page.pair().call, null);
  const effects = page.message({ type: 'offer', sdp: sdp('9') });
  assert.deepEqual(ofType(effects, 'build-call'), [{ type: 'build-call', peer: 'bob', call: 1, leader: false, iceServers: [{ urls: 'stun:x' }] }]);
  assert.deepEqual(effects.at(-1), { type: 'accept-offer', peer: 'bob', sdp: sdp('9') });
  assert.ok(page.traces.includes('bob: offer: new-session'));
});

test('welcomed with the peer parked: waiting for them to come back, no connection', () => {
  const page = Page.welcomed({ peerPresent: false, peerParked: true });
  assert.equal(page.pair().call, null);
  assert.deepEqual(page.pair().view.peerParked, true);
  assert.equal(page.view.status, 'Waiting for bob to come back…');
  const present = Page.welcomed({ peerPresent: true, peerParked: true });
  assert.equal(present.pair().view.peerParked, false, 'present wins over parked');
});

test('welcomed again after a drop while the call works: the call stays, the peer hears we are back', () => {
  const page = Page.settled();
  page.on('socket-closed', { socket: 1, code: 1006, random: 0 });
  page.on('timer', { name: 'reconnect' });
  page.on('socket-open', { socket: 2 });
  const effects = page.message(welcome({ epoch: 3 }));
  assert.deepEqual(ofType(effects, 'close-call'), []);
  assert.deepEqual(ofType(effects, 'build-call'), []);
  assert.deepEqual(ofType(effects, 'send-data'), [{ type: 'send-data', peer: 'bob', message: { kind: 'back' } }]);
  assert.equal(page.view.state, 'connected');
});

test('welcomed again while an offer of ours may have been lost: it is rolled back, then made again as an ICE restart', () => {
  const page = Page.settled();
  page.on('socket-closed', { socket: 1, code: 1006, random: 0 });
  page.on('timer', { name: 'reconnect' });
  page.on('socket-open', { socket: 2 });
  assert.deepEqual(ofType(page.message(welcome({ epoch: 3 })), 'rollback'), [], 'nothing of ours outstanding');
  // The same, with an offer of ours outstanding.
  const offering = Page.settled();
  offering.on('socket-closed', { socket: 1, code: 1006, random: 0 });
  offering.on('timer', { name: 'reconnect' });
  offering.on('socket-open', { socket: 2 });
  const rolled = offering.on('message', { socket: 2, message: welcome({ epoch: 3 }), seen: { calls: { bob: { ...offering.pair().call, signaling: 'have-local-offer' } } } });
  assert.deepEqual(ofType(rolled, 'rollback'), [{ type: 'rollback', peer: 'bob', call: 1, purpose: 'resync' }]);
  assert.equal(offering.pair().rollingBack, true);
  assert.equal(offering.pair().pendingCause, 'requested');
  const after = offering.on('rollback-done', { peer: 'bob', call: 1, purpose: 'resync', ok: true, seen: { calls: { bob: { ...offering.pair().call, signaling: 'stable' } } } });
  assert.equal(offering.pair().rollingBack, false);
  assert.deepEqual(ofType(after, 'restart-ice'), [{ type: 'restart-ice', peer: 'bob' }]);
  assert.equal(offering.facts.counts.iceRestarts, 1);
});

test('a rollback that fails rebuilds the connection, unless it was replaced meanwhile', () => {
  const page = Page.settled();
  const effects = page.on('rollback-done', { peer: 'bob', call: 1, purpose: 'negotiation', ok: false });
  assert.deepEqual(ofType(effects, 'close-call'), [{ type: 'close-call', peer: 'bob', graceful: false }]);
  assert.deepEqual(ofType(effects, 'build-call'), [{ type: 'build-call', peer: 'bob', call: 2, leader: true, iceServers: [] }]);
  assert.equal(page.facts.counts.rebuilds, 1);
  assert.deepEqual(page.on('rollback-done', { peer: 'bob', call: 1, purpose: 'negotiation', ok: false }), [], 'call 1 is gone');
});

test('welcomed again with the peer gone and the media stopped: the peer was disconnected', () => {
  const page = Page.settled();
  page.fromCall('changed', { connection: 'disconnected', ice: 'disconnected' });
  page.on('socket-closed', { socket: 1, code: 1006, random: 0 });
  page.on('timer', { name: 'reconnect' });
  page.on('socket-open', { socket: 2 });
  const effects = page.message(welcome({ peerPresent: false, epoch: 4 }));
  assert.ok(types(effects).includes('close-call'));
  assert.equal(page.view.status, 'bob was disconnected.');
  assert.equal(page.pair().view.wasConnected, false);
});

test('peer-joined drops a connection that was never established (their welcome made them the offerer)', () => {
  const page = Page.welcomed(); // our connection 1, nothing offered yet
  const effects = page.message({ type: 'peer-joined', epoch: 2 });
  assert.deepEqual(ofType(effects, 'close-call'), [{ type: 'close-call', peer: 'bob', graceful: false }]);
  assert.equal(page.pair().call, null);
  assert.deepEqual(page.pair().view.peerLeft, null);
});

test('peer-joined keeps an established call, and an offer of ours made since they left', () => {
  const page = Page.settled();
  assert.deepEqual(ofType(page.message({ type: 'peer-joined', epoch: 2 }), 'close-call'), []);
  const offering = Page.welcomed();
  offering.fromCall('offer-wanted', { offerHeld: true }); // making the offer now
  assert.deepEqual(ofType(offering.message({ type: 'peer-joined', epoch: 2 }), 'close-call'), []);
});

test('peer-left after a hang-up: the call is over for this page too, and it says bye through the server', () => {
  const page = Page.settled();
  const effects = page.message({ type: 'peer-left', reason: 'hangup', epoch: 2 });
  assert.deepEqual(effects.filter((e) => ['close-call', 'send', 'close-socket'].includes(e.type)), [
    { type: 'close-call', peer: 'bob', graceful: false },
    { type: 'send', frame: { type: 'bye' } },
    { type: 'close-socket', code: CLOSE.NORMAL, reason: 'bye' },
  ]);
  assert.equal(page.facts.socket.stopped, true);
  assert.deepEqual(page.view, {
    state: 'peer-left', status: 'bob left the call.', notice: 'The call is over. Reload this page to call again.', recovering: null,
  });
});

test('peer-left without a hang-up while the media flows: the call goes on and waits for them', () => {
  const page = Page.settled();
  const effects = page.message({ type: 'peer-left', reason: 'disconnected', epoch: 2 });
  assert.deepEqual(ofType(effects, 'close-call'), []);
  assert.equal(page.view.state, 'connected');
  assert.match(page.view.notice, /unstable/);
  const broken = Page.settled();
  broken.fromCall('changed', { connection: 'connecting' });
  assert.ok(types(broken.message({ type: 'peer-left', reason: 'timeout', epoch: 2 })).includes('close-call'));
  assert.equal(broken.view.status, 'bob was disconnected.');
});

test('an offer of the same session while ours is out: the impolite side ignores it, the polite one answers', () => {
  const page = Page.settled();
  page.fromCall('changed', { signaling: 'have-local-offer' });
  assert.deepEqual(page.message({ type: 'offer', sdp: sdp('7') }).filter((e) => e.type.endsWith('offer')), [{ type: 'ignore-offer', peer: 'bob' }]);
  page.pair().polite = true;
  assert.deepEqual(page.message({ type: 'offer', sdp: sdp('7') }).filter((e) => e.type.endsWith('offer')), [{ type: 'accept-offer', peer: 'bob', sdp: sdp('7') }]);
});

test('an ICE restart asked for here: the leader restarts at once while the peer can be reached', () => {
  const page = Page.settled();
  assert.deepEqual(page.on('restart-ice').filter((e) => e.type === 'restart-ice'), [{ type: 'restart-ice', peer: 'bob' }]);
  assert.equal(page.facts.counts.iceRestarts, 1);
  assert.equal(page.pair().restarted, true);
});

test('an ICE restart asked for while parked: back to signaling, the peer called back, the restart once they are there', () => {
  const page = Page.parked();
  const effects = page.on('restart-ice');
  assert.deepEqual(effects, [{ type: 'open-socket', socket: 2 }, { type: 'send-data', peer: 'bob', message: { kind: 'unpark' } }]);
  assert.equal(page.pair().pendingCause, 'requested');
  assert.equal(page.facts.counts.unparks, 1);
  page.on('socket-open', { socket: 2 });
  // Welcomed while the peer is still parked: nothing to run yet.
  assert.deepEqual(ofType(page.message(welcome({ peerPresent: false, peerParked: true, epoch: 3 })), 'restart-ice'), []);
  assert.equal(page.view.state, 'connected', 'the call still works meanwhile');
  assert.deepEqual(ofType(page.message({ type: 'peer-joined', epoch: 4 }), 'restart-ice'), [{ type: 'restart-ice', peer: 'bob' }]);
  assert.equal(page.pair().pendingCause, null);
});

test('an ICE restart carries the offer that was held for the peer: one offer, not two', () => {
  const page = Page.parked();
  page.fromCall('offer-wanted', { offerHeld: true }); // held: both parked
  page.on('restart-ice'); // waits for the peer as well
  page.on('socket-open', { socket: 2 });
  page.message(welcome({ peerPresent: false, peerParked: true, epoch: 3 }));
  const effects = page.message({ type: 'peer-joined', epoch: 4 });
  assert.deepEqual(effects.filter((e) => e.type === 'restart-ice' || e.type === 'offer-if-held'), [{ type: 'restart-ice', peer: 'bob' }]);
  assert.deepEqual([page.pair().call.offerHeld, page.pair().call.makingOffer], [false, true]);
  assert.ok(!page.traces.includes('bob: held offer made'));
});

test('the side that does not lead asks the leader for the restart and stays on signaling for its offer', () => {
  const page = Page.welcomed({ role: 'answerer' });
  page.message({ type: 'offer', sdp: sdp('7') });
  page.fromCall('changed', WORKING);
  const effects = page.on('restart-ice');
  assert.deepEqual(ofType(effects, 'send-data'), [{ type: 'send-data', peer: 'bob', message: { kind: 'restart-ice' } }]);
  assert.deepEqual(ofType(effects, 'restart-ice'), []);
  assert.equal(page.facts.counts.restartRequests, 1);
  assert.equal(page.pair().holdUntil, page.now + 10000);
  // The leader, told so by its peer, restarts.
  const leader = Page.settled();
  assert.deepEqual(ofType(leader.fromCall('peer-says', {}, { message: { kind: 'restart-ice' } }), 'restart-ice'), [{ type: 'restart-ice', peer: 'bob' }]);
});

test('an offer wanted while the peer cannot be reached is held, the peer called back, and made once they are there', () => {
  const page = Page.parked();
  const effects = page.fromCall('offer-wanted', { offerHeld: true });
  assert.deepEqual(effects, [{ type: 'open-socket', socket: 2 }, { type: 'send-data', peer: 'bob', message: { kind: 'unpark' } }]);
  assert.ok(page.traces.includes('bob: offer held until the peer can be reached'));
  page.on('socket-open', { socket: 2 });
  const back = page.message(welcome({ epoch: 3 }));
  assert.deepEqual(ofType(back, 'offer-if-held'), [{ type: 'offer-if-held', peer: 'bob' }]);
  assert.ok(page.traces.includes('bob: held offer made'));
});

test('peer-absent while our offer is out: undone, the peer called back, the offer made again once they are there', () => {
  const page = Page.settled();
  page.fromCall('changed', { signaling: 'have-local-offer' });
  const effects = page.message({ type: 'error', code: 'peer-absent' });
  assert.deepEqual(ofType(effects, 'rollback'), [{ type: 'rollback', peer: 'bob', call: 1, purpose: 'resync' }]);
  assert.deepEqual(ofType(effects, 'send-data'), [{ type: 'send-data', peer: 'bob', message: { kind: 'unpark' } }]);
  assert.equal(page.pair().view.peerParked, true, 'the channel is open: their page is alive, parked');
  assert.equal(page.pair().pendingCause, 'requested');
});

test('hang-up: bye to the peer and through the server, the connection closed gracefully, the call over', () => {
  const page = Page.settled();
  assert.deepEqual(page.on('hang-up').filter((e) => e.type !== 'stop-timer'), [
    { type: 'send-data', peer: 'bob', message: { kind: 'bye' } },
    { type: 'send', frame: { type: 'bye' } },
    { type: 'close-socket', code: CLOSE.NORMAL, reason: 'bye' },
    { type: 'close-call', peer: 'bob', graceful: true },
    { type: 'channel', peer: 'bob', open: false },
    { type: 'call-gone', peer: 'bob' },
  ]);
  assert.deepEqual(page.view, { state: 'ended', status: 'Call ended. You can close this tab.', notice: null, recovering: null, code: undefined });
  assert.equal(page.facts.counts.sent.bye, 1);
  assert.deepEqual(page.on('hang-up'), [], 'once');
  assert.deepEqual(page.on('timer', { name: 'park' }), [], 'nothing parks or reopens after');
});

test('hang-up while parked: the peer hears it at once; a socket of its own carries the bye once it opens', () => {
  const page = Page.parked();
  const effects = page.on('hang-up');
  assert.deepEqual(effects.slice(0, 2), [{ type: 'send-data', peer: 'bob', message: { kind: 'bye' } }, { type: 'open-socket', socket: 2 }]);
  assert.deepEqual(ofType(effects, 'send'), []);
  assert.equal(page.facts.view.over.state, 'ended');
  assert.deepEqual(page.on('socket-open', { socket: 2 }), [
    { type: 'send', frame: { type: 'bye' } }, { type: 'close-socket', code: CLOSE.NORMAL, reason: 'bye' },
  ]);
  assert.deepEqual(page.message(welcome({ epoch: 9 })), [], 'what that socket receives is not acted on');
});

test('hang-up while the socket reconnects: the bye waits for that socket', () => {
  const page = Page.settled();
  page.on('socket-closed', { socket: 1, code: 1006, random: 0 });
  page.on('timer', { name: 'reconnect' });
  assert.deepEqual(ofType(page.on('hang-up'), 'open-socket'), [], 'socket 2 is opening already');
  assert.deepEqual(page.on('socket-open', { socket: 2 }), [
    { type: 'send', frame: { type: 'bye' } }, { type: 'close-socket', code: CLOSE.NORMAL, reason: 'bye' },
  ]);
});

test('the peer\'s bye over the data channel ends the call even while parked', () => {
  const page = Page.parked();
  const effects = page.fromCall('peer-says', {}, { message: { kind: 'bye' } });
  assert.ok(types(effects).includes('close-call'));
  assert.deepEqual(ofType(effects, 'open-socket'), [{ type: 'open-socket', socket: 2 }], 'a socket for our own bye');
  assert.equal(page.view.state, 'peer-left');
});

test('a replaced connection\'s reports change nothing', () => {
  const page = Page.settled();
  page.on('rollback-done', { peer: 'bob', call: 1, purpose: 'negotiation', ok: false }); // rebuilt: connection 2
  assert.equal(page.pair().call.id, 2);
  for (const [type, fields] of [
    ['changed', {}], ['unwell', { cause: 'failed' }], ['channel-closed', {}], ['offer-wanted', {}],
    ['peer-says', { message: { kind: 'bye' } }], ['negotiation-failed', { step: 'remote-answer' }],
  ]) {
    assert.deepEqual(page.on(type, { peer: 'bob', callId: 1, ...fields }), [], type);
  }
  assert.equal(page.pair().call.id, 2);
});

test('a connection that stays unwell is rebuilt when the timer runs out, with the peer reachable', () => {
  const page = Page.settled();
  const effects = page.fromCall('changed', { connection: 'disconnected', ice: 'disconnected' });
  assert.deepEqual(ofType(effects, 'start-timer'), [{ type: 'start-timer', name: 'stall', peer: 'bob', ms: 10000 }]);
  const rebuilt = page.later(10000).on('timer', { name: 'stall', peer: 'bob' });
  assert.deepEqual(ofType(rebuilt, 'build-call'), [{ type: 'build-call', peer: 'bob', call: 2, leader: true, iceServers: [] }]);
  assert.equal(page.facts.counts.rebuilds, 1);
  assert.deepEqual(ofType(rebuilt, 'start-timer').filter((e) => e.name === 'stall'), [{ type: 'start-timer', name: 'stall', peer: 'bob', ms: 20000 }],
    'the next wait is longer');
});

test('a rate-limited notice clears itself, unless another took its place', () => {
  const page = Page.welcomed();
  const effects = page.message({ type: 'error', code: 'rate-limited' });
  const after = ofType(effects, 'after');
  assert.deepEqual(after, [{ type: 'after', ms: 5000, event: { type: 'info-expired', message: 'Too many messages; slowing down.' } }]);
  assert.equal(page.view.notice, 'Too many messages; slowing down.');
  page.on('inform', { message: 'Camera blocked' });
  page.on(after[0].event.type, after[0].event);
  assert.equal(page.view.notice, 'Camera blocked');
  page.on('info-expired', { message: 'Camera blocked' });
  assert.equal(page.view.notice, null);
});

test('whenSignaling is answered once the server says the peer is there', () => {
  const page = Page.parked();
  assert.deepEqual(page.on('when-signaling'), [{ type: 'open-socket', socket: 2 }, { type: 'send-data', peer: 'bob', message: { kind: 'unpark' } }]);
  assert.equal(page.facts.waiters, 1);
  page.on('socket-open', { socket: 2 });
  assert.deepEqual(ofType(page.message(welcome({ peerPresent: false, peerParked: true, epoch: 3 })), 'resolve-waiters'), []);
  assert.deepEqual(ofType(page.message({ type: 'peer-joined', epoch: 4 }), 'resolve-waiters'), [{ type: 'resolve-waiters' }]);
  assert.equal(page.facts.waiters, 0);
});

test('a fresh page knows nothing yet', () => {
  const facts = initialFacts(42);
  assert.equal(facts.lastSignalAt, 42);
  assert.deepEqual(facts.peers, {}, 'nobody known before the welcome');
  assert.deepEqual(decide(facts, { type: 'timer', name: 'park', now: 50 }).effects, [], 'nothing to park before a socket');
});

// Unit tests of parking in the session's decisions (web/js/session-parking.js, through session-rules.js's
// decide; pure, no browser): when the page parks its socket and unparks it, and what the peer's own
// parking means. The rule itself is parking.js's (parking.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE } from '../web/js/wire.js';
import {
  ofType, Page, sdp, welcome,
} from './session-page.mjs';

test('a settled call parks once the socket has been quiet for 3 s: the peer is told first, then the socket closes with 4100', () => {
  const page = Page.settled();
  assert.deepEqual(ofType(page.effects, 'start-timer'), [{ type: 'start-timer', name: 'park', ms: 2990 }]);
  assert.deepEqual(page.later(2990).on('timer', { name: 'park' }), [
    { type: 'send-data', peer: 'bob', message: { kind: 'parked' } },
    { type: 'close-socket', code: CLOSE.PARKED, reason: 'parked' },
  ]);
  assert.equal(page.facts.counts.parks, 1);
  assert.deepEqual(page.view, { state: 'connected', status: 'Connected with bob', notice: null, recovering: null },
    'a parked socket is no "reconnecting"');
});

test('a message on the socket puts parking off', () => {
  const page = Page.settled();
  page.later(2000).message({ type: 'candidate', ice: { candidate: 'x' } });
  assert.deepEqual(ofType(page.effects, 'start-timer'), [{ type: 'start-timer', name: 'park', ms: 3000 }]);
  assert.deepEqual(page.later(1000).on('timer', { name: 'park' }), [{ type: 'start-timer', name: 'park', ms: 2000 }]);
});

test('nothing parks while an offer of ours is out, or something waits for the server', () => {
  const offering = Page.settled();
  offering.fromCall('changed', { signaling: 'have-local-offer' });
  assert.deepEqual(offering.later(5000).on('timer', { name: 'park' }), []);
  const waiting = Page.settled();
  waiting.on('when-signaling'); // answered at once (the peer is there), so nothing waits
  assert.equal(waiting.facts.waiters, 0);
  waiting.pair().pendingCause = 'requested';
  assert.deepEqual(waiting.later(5000).on('timer', { name: 'park' }), []);
});

test('a parked page reopens its socket as soon as the call is unwell, and reads "parked" until welcomed', () => {
  const page = Page.parked();
  assert.deepEqual(page.fromCall('changed', { ice: 'disconnected' }).filter((e) => e.type !== 'start-timer'), [{ type: 'open-socket', socket: 2 }]);
  assert.equal(page.facts.counts.unparks, 1);
  assert.equal(page.facts.view.parked, true, 'a deliberate reopening is not "reconnecting to the server"');
  page.on('socket-open', { socket: 2 });
  page.message(welcome({ epoch: 3 }));
  assert.equal(page.facts.view.parked, false);
  assert.equal(page.facts.view.signalingUp, true);
});

test('a parked page reopens its socket when the data channel closes', () => {
  const page = Page.parked();
  assert.deepEqual(page.fromCall('channel-closed', { channel: 'closed', channelClosed: true }), [
    { type: 'channel', peer: 'bob', open: false }, { type: 'open-socket', socket: 2 },
  ]);
});

test('called back by the peer, a parked page comes back and stays until the peer\'s offer came (or 10 s)', () => {
  const page = Page.parked();
  assert.deepEqual(page.fromCall('peer-says', {}, { message: { kind: 'unpark' } }), [
    { type: 'open-socket', socket: 2 }, { type: 'start-timer', name: 'park', ms: 10000 },
  ]);
  page.on('socket-open', { socket: 2 });
  page.later(100).message(welcome({ epoch: 3 }));
  assert.deepEqual(page.later(5000).on('timer', { name: 'park' }), [{ type: 'start-timer', name: 'park', ms: 4900 }], 'held');
  page.later(100).message({ type: 'offer', sdp: sdp('7') });
  assert.equal(page.pair().holdUntil, 0, 'the offer came');
});

test('called back while already on signaling, the page tells the peer directly that it is there', () => {
  const page = Page.settled();
  assert.deepEqual(ofType(page.fromCall('peer-says', {}, { message: { kind: 'unpark' } }), 'send-data'),
    [{ type: 'send-data', peer: 'bob', message: { kind: 'back' } }]);
});

test('the peer parked: the server would refuse what we send, so an offer of ours in flight calls them back', () => {
  const page = Page.settled();
  page.fromCall('peer-says', {}, { message: { kind: 'parked' } });
  assert.deepEqual([page.pair().view.peerPresent, page.pair().view.peerParked], [false, true]);
  assert.equal(page.pair().pendingCause, null, 'nothing of ours in flight');
  const offering = Page.settled();
  const effects = offering.fromCall('peer-says', { signaling: 'have-local-offer' }, { message: { kind: 'parked' } });
  assert.equal(offering.pair().pendingCause, 'requested');
  // Asked once for the offer, and once more by the recovery now pending (the peer is parked).
  assert.deepEqual(ofType(effects, 'send-data'), [
    { type: 'send-data', peer: 'bob', message: { kind: 'unpark' } }, { type: 'send-data', peer: 'bob', message: { kind: 'unpark' } },
  ]);
  offering.fromCall('peer-says', {}, { message: { kind: 'back' } });
  assert.deepEqual([offering.pair().view.peerPresent, offering.pair().view.peerParked], [true, false]);
});

test('with the call broken and the peer parked, the page gives them 15 s to come back, then says they are gone', () => {
  const page = Page.settled();
  page.message({ type: 'peer-left', reason: 'disconnected', epoch: 2 }); // media still flowing: wait
  page.fromCall('peer-says', {}, { message: { kind: 'parked' } });
  const broken = page.fromCall('changed', { connection: 'disconnected', ice: 'disconnected' });
  assert.deepEqual(ofType(broken, 'start-timer').find((e) => e.name === 'peerReturn'), { type: 'start-timer', name: 'peerReturn', peer: 'bob', ms: 15000 });
  assert.equal(page.view.status, 'Reconnecting to bob…');
  page.later(15000).on('timer', { name: 'peerReturn', peer: 'bob' });
  assert.equal(page.view.status, 'bob was disconnected.');
  assert.equal(page.pair().call, null);
});

test('the peer-return wait ends when the call heals', () => {
  const page = Page.settled();
  page.fromCall('peer-says', {}, { message: { kind: 'parked' } });
  page.fromCall('changed', { connection: 'disconnected', ice: 'disconnected' });
  assert.equal(page.pair().timers.peerReturn, true);
  assert.deepEqual(ofType(page.fromCall('changed', { connection: 'connected', ice: 'connected' }), 'stop-timer').map((e) => e.name),
    ['stall', 'peerReturn']);
  assert.deepEqual(page.later(15000).on('timer', { name: 'peerReturn', peer: 'bob' }), [], 'a late firing changes nothing');
  assert.equal(page.view.state, 'connected');
});

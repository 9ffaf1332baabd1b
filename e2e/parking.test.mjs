// Unit tests of the page's parking decisions (web/js/parking.js; pure, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  callHealthy, isDoorkeeper, PARK_AFTER_MS, parkingDecision, waitingForParkedPeer,
} from '../web/js/parking.js';

const settled = {
  socket: 'open', connection: 'connected', ice: 'connected', channel: 'open', negotiating: false, needsServer: false, quietMs: PARK_AFTER_MS,
};
/** The decision of a call of two: one pair. */
const decide = (f) => {
  const { socket, quietMs, ...pair } = { ...settled, ...f };
  return parkingDecision({ socket, pairs: [pair], quietMs });
};

test('a healthy call whose socket has been quiet for the settle time parks', () => {
  assert.deepEqual(decide({}), { action: 'park' });
  assert.deepEqual(decide({ ice: 'completed', quietMs: 60000 }), { action: 'park' });
});

test('a healthy call parks only once the socket has been quiet long enough, and says when to look again', () => {
  assert.deepEqual(decide({ quietMs: 0 }), { action: 'stay', inMs: PARK_AFTER_MS });
  assert.deepEqual(decide({ quietMs: PARK_AFTER_MS - 500 }), { action: 'stay', inMs: 500 });
});

test('nothing parks while the call is not healthy, negotiating, waiting for the server, or the socket is not up', () => {
  for (const f of [
    { connection: 'connecting' }, { connection: 'disconnected' }, { connection: null },
    { ice: 'checking' }, { ice: 'disconnected' }, { ice: 'failed' },
    { channel: 'connecting' }, { channel: 'closed' }, { channel: null },
    { negotiating: true }, { needsServer: true },
    { socket: 'connecting' },
  ]) {
    assert.deepEqual(decide(f), { action: 'stay' }, JSON.stringify(f));
  }
});

test('a parked page stays parked while the call is healthy and nothing needs the server', () => {
  assert.deepEqual(decide({ socket: 'parked', quietMs: 0 }), { action: 'stay' });
});

test('a parked page comes back the moment the call is unwell, the channel closes, or it needs the server', () => {
  for (const f of [
    { connection: 'disconnected' }, { connection: 'failed' }, { ice: 'disconnected' }, { ice: 'failed' }, { ice: 'checking' },
    { channel: 'closed' }, { channel: 'closing' }, { connection: null, ice: null, channel: null },
    { needsServer: true },
  ]) {
    assert.deepEqual(decide({ socket: 'parked', ...f }), { action: 'unpark' }, JSON.stringify(f));
  }
});

test('healthy means connected, ICE connected or completed, and the data channel open', () => {
  assert.equal(callHealthy({ connection: 'connected', ice: 'connected', channel: 'open' }), true);
  assert.equal(callHealthy({ connection: 'connected', ice: 'completed', channel: 'open' }), true);
  assert.equal(callHealthy({ connection: 'connected', ice: 'connected', channel: 'closed' }), false);
  assert.equal(callHealthy({ connection: 'connecting', ice: 'connected', channel: 'open' }), false);
});

test('a page whose call broke waits for its parked peer, and only then', () => {
  const waiting = { signalingUp: true, peerPresent: false, peerParked: true, wasConnected: true, healthy: false };
  assert.equal(waitingForParkedPeer(waiting), true);
  assert.equal(waitingForParkedPeer({ ...waiting, healthy: true }), false, 'the call works: nothing to wait for');
  assert.equal(waitingForParkedPeer({ ...waiting, peerPresent: true }), false, 'they are back');
  assert.equal(waitingForParkedPeer({ ...waiting, peerParked: false }), false, 'not in the call at all: gone, not parked');
  assert.equal(waitingForParkedPeer({ ...waiting, wasConnected: false }), false, 'never talked with them: just waiting');
  assert.equal(waitingForParkedPeer({ ...waiting, signalingUp: false }), false, 'the server has not said yet');
});

test('with several members in the call, the page parks only when every pair is healthy and settled', () => {
  const healthy = { connection: 'connected', ice: 'connected', channel: 'open', negotiating: false, needsServer: false };
  const mesh = (pairs, more = {}) => parkingDecision({ socket: 'open', pairs, quietMs: PARK_AFTER_MS, ...more });
  assert.deepEqual(mesh([healthy, healthy, healthy]), { action: 'park' });
  assert.deepEqual(mesh([healthy, { ...healthy, ice: 'checking' }]), { action: 'stay' });
  assert.deepEqual(mesh([healthy, { ...healthy, negotiating: true }]), { action: 'stay' });
  assert.deepEqual(mesh([healthy, { ...healthy, needsServer: true }]), { action: 'stay' });
  assert.deepEqual(mesh([]), { action: 'stay' }, 'alone in the call: nobody to be connected to');
  assert.deepEqual(mesh([healthy, healthy], { needsServer: true }), { action: 'stay' }, 'the page itself waits for the server');
  assert.deepEqual(mesh([healthy, { ...healthy, channel: 'closed' }], { socket: 'parked' }), { action: 'unpark' }, 'one broken pair brings it back');
});

test('the doorkeeper stays on signaling while someone is absent, and comes back to it when parked', () => {
  const healthy = { connection: 'connected', ice: 'connected', channel: 'open', negotiating: false, needsServer: false };
  assert.deepEqual(parkingDecision({ socket: 'open', pairs: [healthy], doorkeeper: true, quietMs: 60000 }), { action: 'stay' });
  assert.deepEqual(parkingDecision({ socket: 'parked', pairs: [healthy], doorkeeper: true, quietMs: 60000 }), { action: 'unpark' });
});

test('the doorkeeper is the member in the call whose ID sorts first, and only while someone is absent', () => {
  assert.equal(isDoorkeeper({ self: 'alice', inCall: ['bob', 'carol'], anyAbsent: true }), true);
  assert.equal(isDoorkeeper({ self: 'bob', inCall: ['alice', 'carol'], anyAbsent: true }), false, 'alice sorts first');
  assert.equal(isDoorkeeper({ self: 'bob', inCall: ['carol'], anyAbsent: true }), true, 'alice is absent: bob takes over');
  assert.equal(isDoorkeeper({ self: 'dave', inCall: [], anyAbsent: true }), true, 'alone: waiting for the others');
  assert.equal(isDoorkeeper({ self: 'alice', inCall: ['bob', 'carol'], anyAbsent: false }), false, 'everyone is there');
});

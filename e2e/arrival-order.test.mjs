// Unit tests of the page's arrival-order logic (pure; no browser needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrivalOrder } from '../web/js/arrival-order.js';

const types = (msgs) => msgs.map((m) => m.type);

test('messages before welcome wait for it and follow it in arrival order', () => {
  const order = new ArrivalOrder();
  assert.deepEqual(order.accept({ type: 'peer-joined', epoch: 2 }), []);
  assert.deepEqual(order.accept({ type: 'offer', sdp: 'v=0' }), []);
  const released = order.accept({ type: 'welcome', epoch: 1, peerPresent: false });
  assert.deepEqual(types(released), ['welcome', 'peer-joined', 'offer']);
  assert.deepEqual(types(order.accept({ type: 'candidate' })), ['candidate']);
});

test('a presence message older than one already handled is dropped', () => {
  const order = new ArrivalOrder();
  order.accept({ type: 'welcome', epoch: 3, peerPresent: true });
  // The peer reconnected: the new connection's peer-joined overtook the old one's peer-left.
  assert.deepEqual(types(order.accept({ type: 'peer-joined', epoch: 5 })), ['peer-joined']);
  assert.deepEqual(order.accept({ type: 'peer-left', epoch: 4 }), []);
  assert.deepEqual(types(order.accept({ type: 'peer-left', epoch: 6 })), ['peer-left']);
});

test('stale presence held before welcome is dropped on release', () => {
  const order = new ArrivalOrder();
  order.accept({ type: 'peer-left', epoch: 1 });
  assert.deepEqual(types(order.accept({ type: 'welcome', epoch: 2 })), ['welcome']);
});

test('errors are handled at once, even before welcome', () => {
  const order = new ArrivalOrder();
  assert.deepEqual(types(order.accept({ type: 'error', code: 'invalid-token' })), ['error']);
});

test('messages without an epoch (an older server) pass in arrival order', () => {
  const order = new ArrivalOrder();
  order.accept({ type: 'welcome' });
  assert.deepEqual(types(order.accept({ type: 'peer-left' })), ['peer-left']);
  assert.deepEqual(types(order.accept({ type: 'peer-joined' })), ['peer-joined']);
});

test('in a call of three, one peer\'s presence does not make another\'s stale', () => {
  const order = new ArrivalOrder();
  order.accept({ type: 'welcome', epoch: 3, peers: [] });
  // bob left (epoch 5) and carol joined (epoch 4): their messages came from different connections and crossed.
  assert.deepEqual(types(order.accept({ type: 'peer-left', peerID: 'bob', epoch: 5 })), ['peer-left']);
  assert.deepEqual(types(order.accept({ type: 'peer-joined', peerID: 'carol', epoch: 4 })), ['peer-joined']);
  // bob's older peer-joined is still stale for bob, and anything older than the welcome for everyone.
  assert.deepEqual(order.accept({ type: 'peer-joined', peerID: 'bob', epoch: 4 }), []);
  assert.deepEqual(order.accept({ type: 'peer-joined', peerID: 'dave', epoch: 2 }), []);
});

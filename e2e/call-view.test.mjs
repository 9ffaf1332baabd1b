// Unit tests of what the page says about the call (web/js/call-view.js; pure, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callView } from '../web/js/call-view.js';

const base = {
  over: null, welcomed: true, signalingUp: true, peerPresent: true, peerLeft: null,
  connection: 'connected', wasConnected: true, info: null,
};
const view = (facts) => callView({ ...base, ...facts }, 'bob');

test('connected only while the connection is connected', () => {
  assert.deepEqual(view({}), { state: 'connected', status: 'Connected with bob', notice: null, recovering: null });
  for (const connection of ['new', 'connecting', 'disconnected', 'failed', 'closed', null]) {
    assert.notEqual(view({ connection }).state, 'connected', connection);
    assert.doesNotMatch(view({ connection }).status, /Connected/, connection);
  }
});

test('a connection that dropped after media flowed reads "reconnecting", with recovering=media', () => {
  for (const connection of ['disconnected', 'failed', 'new', 'connecting', null]) {
    const v = view({ connection });
    assert.equal(v.state, 'reconnecting', connection);
    assert.equal(v.status, 'Reconnecting to bob…');
    assert.equal(v.recovering, 'media');
  }
  assert.equal(view({ connection: 'connecting', wasConnected: false }).state, 'negotiating');
});

test('signaling down while media flows: still connected, recovering=signaling, with a notice', () => {
  const v = view({ signalingUp: false });
  assert.equal(v.state, 'connected');
  assert.equal(v.recovering, 'signaling');
  assert.match(v.notice, /Reconnecting to the server/);
  assert.equal(view({ signalingUp: false, connection: 'failed' }).state, 'connecting');
  assert.equal(view({ signalingUp: false, connection: null, welcomed: false }).status, 'Connecting…');
});

test('peer presence: waiting, left, or unstable while media still flows', () => {
  assert.equal(view({ peerPresent: false, connection: null, wasConnected: false }).state, 'waiting');
  assert.deepEqual(
    [view({ peerPresent: false, peerLeft: 'hangup', connection: null }), view({ peerPresent: false, peerLeft: 'disconnected', connection: null })]
      .map((v) => [v.state, v.status]),
    [['peer-left', 'bob left the call.'], ['peer-left', 'bob was disconnected.']],
  );
  const unstable = view({ peerPresent: false });
  assert.equal(unstable.state, 'connected');
  assert.match(unstable.notice, /bob's connection is unstable/);
});

test('parked: a connected call reads plainly connected, whatever the sockets do', () => {
  assert.deepEqual(view({ signalingUp: false, parked: true }), { state: 'connected', status: 'Connected with bob', notice: null, recovering: null });
  assert.deepEqual(view({ peerPresent: false, peerParked: true }), { state: 'connected', status: 'Connected with bob', notice: null, recovering: null },
    'the peer parked: not "unstable"');
  assert.match(view({ peerPresent: false, peerParked: false }).notice, /unstable/, 'the peer dropped without parking');
});

test('a broken call whose peer is parked reads "reconnecting" until the peer comes back or is given up on', () => {
  const v = view({ connection: 'failed', peerPresent: false, peerParked: true });
  assert.deepEqual([v.state, v.status, v.recovering], ['reconnecting', 'Reconnecting to bob…', 'media']);
  assert.equal(view({ connection: null, peerPresent: false, peerParked: true, wasConnected: false }).status, 'Waiting for bob to come back…');
  assert.equal(view({ connection: null, peerPresent: false, peerParked: true, peerLeft: 'disconnected' }).status, 'bob was disconnected.');
  assert.equal(view({ connection: 'failed', parked: true, signalingUp: false, peerPresent: false, peerParked: true }).state, 'reconnecting',
    'coming back from parking is not "reconnecting to the server"');
});

test('after a hang-up the page has left too: it says so whatever its socket does', () => {
  const v = view({ connection: null, signalingUp: false, peerPresent: false, peerLeft: 'hangup' });
  assert.deepEqual([v.state, v.status], ['peer-left', 'bob left the call.']);
  assert.match(v.notice, /Reload this page/);
});

test('an ended or failed call says so whatever else is true, with its code', () => {
  assert.deepEqual(view({ over: { state: 'error', message: 'This link has expired.', code: 4002 } }),
    { state: 'error', status: 'This link has expired.', notice: null, recovering: null, code: 4002 });
  assert.equal(view({ over: { state: 'ended', message: 'Call ended.' }, connection: 'failed' }).state, 'ended');
});

test('a notice of its own (camera blocked) shows unless recovery has something to say', () => {
  assert.equal(view({ info: 'Camera blocked' }).notice, 'Camera blocked');
  assert.match(view({ info: 'Camera blocked', connection: 'failed' }).notice, /connection dropped/);
});

// Unit tests of what the page says about the call (web/js/call-view.js; pure, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callView, meshView } from '../web/js/call-view.js';
import { initialFacts, newPair } from '../web/js/session-facts.js';

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

/** The facts of a welcomed page in a call with these pairs (each: its view's fields). */
const mesh = (pairs, page = {}) => {
  const facts = initialFacts(0);
  Object.assign(facts.view, { welcomed: true, signalingUp: true }, page);
  for (const [id, view] of Object.entries(pairs)) facts.peers[id] = { ...newPair(id), view: { ...newPair(id).view, ...view } };
  return facts;
};
const names = (...ids) => new Map(ids.map((id) => [id, id[0].toUpperCase() + id.slice(1)]));
const connected = { peerPresent: true, connection: 'connected', wasConnected: true };

test('a call of two reads exactly as its one pair', () => {
  const { peers, ...view } = meshView(mesh({ bob: connected }), names('bob'));
  assert.deepEqual(view, callView({ ...base, ...connected }, 'Bob'));
  assert.deepEqual(peers.map((p) => [p.peer, p.name, p.state]), [['bob', 'Bob', 'connected']]);
});

test('a group call reads as who is connected, with what the others do as the notice', () => {
  const { peers, ...view } = meshView(mesh({ bob: connected, carol: connected }), names('bob', 'carol', 'dave'));
  assert.deepEqual(view, { state: 'connected', status: 'Connected with Bob and Carol', notice: 'Waiting for Dave to join…', recovering: null });
  assert.deepEqual(peers.map((p) => p.status), ['Connected with Bob', 'Connected with Carol', 'Waiting for Dave to join…'], 'each tile in the link\'s order');
});

test('in a group call a hang-up is one person leaving, not the call ending', () => {
  const left = meshView(mesh({ bob: { peerLeft: 'hangup' }, carol: connected }), names('bob', 'carol'));
  assert.equal(left.status, 'Connected with Carol');
  assert.equal(left.notice, 'Bob left the call.');
  assert.equal(left.peers[0].notice, null, 'not "the call is over"');
  const everyone = meshView(mesh({ bob: { peerLeft: 'hangup' }, carol: { peerLeft: 'disconnected' } }), names('bob', 'carol'));
  assert.deepEqual([everyone.state, everyone.status, everyone.notice], ['peer-left', 'Everyone else has left the call.', 'Bob left the call. Carol was disconnected.']);
});

test('no pair connected: the most advanced state leads', () => {
  const reconnecting = meshView(mesh({ bob: { peerPresent: true, connection: 'disconnected', wasConnected: true }, carol: { peerPresent: true } }), names('bob', 'carol'));
  assert.deepEqual([reconnecting.state, reconnecting.status, reconnecting.notice, reconnecting.recovering],
    ['reconnecting', 'Reconnecting to Bob…', 'The connection dropped; trying to recover… Carol is here. Connecting…', 'media']);
  const negotiating = meshView(mesh({ bob: { peerPresent: true }, carol: { peerPresent: true } }), names('bob', 'carol'));
  assert.equal(negotiating.status, 'Bob and Carol are here. Connecting…');
  const down = meshView(mesh({ bob: connected, carol: {} }, { signalingUp: false }), names('bob', 'carol'));
  assert.deepEqual([down.state, down.notice, down.recovering], ['connected', 'Reconnecting to the server… the call continues.', 'signaling']);
  const over = meshView(mesh({ bob: connected }, { over: { state: 'ended', message: 'Call ended.' } }), names('bob', 'carol'));
  assert.deepEqual([over.state, over.status], ['ended', 'Call ended.']);
});

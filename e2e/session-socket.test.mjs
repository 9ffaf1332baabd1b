// Unit tests of the signaling socket's life in the session's decisions (web/js/session-socket.js, through
// session-rules.js's decide; pure, no browser): opening, reconnecting after a transient close, stopping
// after a final one, and what an older socket reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeOutcome } from '../web/js/close-codes.js';
import { backoffCapMs } from '../web/js/session-socket.js';
import { CLOSE, FINAL_CLOSE_CODES } from '../web/js/wire.js';
import { ofType, Page, types } from './session-page.mjs';

test('connecting opens socket 1; a message on it is acted on once welcomed', () => {
  const page = new Page();
  assert.deepEqual(page.on('connect'), [{ type: 'open-socket', socket: 1 }]);
  assert.equal(page.view.state, 'connecting');
  page.on('socket-open', { socket: 1 });
  page.message({ type: 'welcome', role: 'answerer', peerPresent: false, iceServers: [] });
  assert.deepEqual(page.traces, ['got welcome']);
  assert.equal(page.view.status, 'Waiting for bob to join…');
});

test('after a 1006 the page reconnects with jittered backoff, says so, and the backoff grows until a socket opens', () => {
  const page = Page.welcomed({ role: 'answerer', peerPresent: false });
  assert.deepEqual(page.on('socket-closed', { socket: 1, code: 1006, random: 0.5 }), [{ type: 'start-timer', name: 'reconnect', ms: 250 }]);
  assert.equal(page.facts.view.signalingUp, false);
  assert.equal(page.view.state, 'connecting');
  assert.equal(page.view.status, 'Reconnecting…');
  assert.deepEqual(page.on('timer', { name: 'reconnect' }), [{ type: 'open-socket', socket: 2 }]);
  // Socket 2 never opens: the next wait may be twice as long.
  assert.deepEqual(page.on('socket-closed', { socket: 2, code: 1006, random: 0.5 }), [{ type: 'start-timer', name: 'reconnect', ms: 500 }]);
  page.on('timer', { name: 'reconnect' });
  page.on('socket-open', { socket: 3 });
  assert.deepEqual(page.on('socket-closed', { socket: 3, code: 1006, random: 0.5 }), [{ type: 'start-timer', name: 'reconnect', ms: 250 }],
    'an opened socket starts the backoff again');
});

test('the backoff is capped at 15 s', () => {
  assert.deepEqual([0, 1, 2, 5, 6, 30].map(backoffCapMs), [500, 1000, 2000, 15000, 15000, 15000]);
});

test('after 1012 (the server restarts) the page reconnects at once', () => {
  const page = Page.welcomed();
  assert.deepEqual(page.on('socket-closed', { socket: 1, code: CLOSE.SERVICE_RESTART, random: 0.9 }),
    [{ type: 'start-timer', name: 'reconnect', ms: 0 }]);
  assert.deepEqual(page.on('timer', { name: 'reconnect' }), [{ type: 'open-socket', socket: 2 }]);
});

test('after 1013 before any welcome (its gateway was still starting) the page reconnects with backoff and joins on the next socket', () => {
  const page = new Page();
  page.on('connect');
  page.on('socket-open', { socket: 1 });
  // The cloud gateway held the open for READY_WAIT_SECONDS, then turned it away (docs/protocol.md, "Close codes").
  assert.deepEqual(page.later(10000).on('socket-closed', { socket: 1, code: CLOSE.TRY_AGAIN_LATER, random: 0.5 }),
    [{ type: 'start-timer', name: 'reconnect', ms: 250 }]);
  assert.equal(page.facts.socket.stopped, false, '1013 is not final');
  assert.equal(page.view.state, 'connecting');
  assert.equal(page.view.status, 'Connecting…', 'never welcomed yet: still connecting, no error');
  assert.deepEqual(page.on('timer', { name: 'reconnect' }), [{ type: 'open-socket', socket: 2 }]);
  page.on('socket-open', { socket: 2 });
  page.message({ type: 'welcome', role: 'answerer', peerPresent: false, iceServers: [] });
  assert.deepEqual(page.traces, ['got welcome']);
  assert.equal(page.view.status, 'Waiting for bob to join…');
});

test('a final close stops the page with its explanation: the call goes, nothing reconnects, nothing more is acted on', () => {
  for (const code of FINAL_CLOSE_CODES) {
    const page = Page.settled();
    const effects = page.on('socket-closed', { socket: 1, code, random: 0.5 });
    assert.deepEqual(page.facts.view.over, { state: 'error', message: closeOutcome(code).message, code }, String(code));
    assert.deepEqual(page.view, { state: 'error', status: closeOutcome(code).message, notice: null, recovering: null, code });
    assert.ok(effects.some((e) => e.type === 'close-call'), `${code}: the connection is closed`);
    assert.deepEqual(ofType(effects, 'start-timer'), [], `${code}: nothing reconnects`);
    assert.deepEqual(page.message({ type: 'peer-left', reason: 'hangup' }), [], `${code}: a late message changes nothing`);
    assert.deepEqual(page.on('online'), [], `${code}: coming online does not reconnect`);
    assert.deepEqual(page.on('hang-up'), [], `${code}: hanging up afterwards does nothing`);
  }
});

test('a stale socket\'s messages and close change nothing', () => {
  const page = Page.welcomed({ role: 'answerer', peerPresent: false });
  page.on('socket-closed', { socket: 1, code: 1006, random: 0 });
  page.on('timer', { name: 'reconnect' });
  page.on('socket-open', { socket: 2 });
  const before = page.facts;
  assert.deepEqual(page.on('message', { socket: 1, message: { type: 'peer-joined', epoch: 5 } }), []);
  assert.deepEqual(page.on('socket-closed', { socket: 1, code: 1006, random: 0 }), []);
  assert.deepEqual(page.on('socket-open', { socket: 1 }), []);
  assert.deepEqual(page.facts, before);
  page.message({ type: 'welcome', role: 'answerer', peerPresent: false });
  page.message({ type: 'peer-joined', epoch: 5 });
  assert.equal(page.pair().view.peerPresent, true, 'the same message on the current socket is acted on');
});

test('coming online reconnects at once a socket that waits to, and nothing else', () => {
  const page = Page.welcomed();
  assert.deepEqual(page.on('online'), [], 'open: nothing to do');
  page.on('socket-closed', { socket: 1, code: 1006, random: 0.99 });
  assert.deepEqual(page.on('online', { seen: { ws: 'closed' } }), [
    { type: 'stop-timer', name: 'reconnect' }, { type: 'start-timer', name: 'reconnect', ms: 0 },
  ]);
  page.on('timer', { name: 'reconnect' });
  assert.deepEqual(page.on('online', { seen: { ws: 'connecting' } }), [], 'connecting already');
});

test('the parked socket\'s own close does not reconnect it', () => {
  const page = Page.parked();
  assert.equal(page.facts.socket.parked, true);
  assert.deepEqual(page.on('socket-closed', { socket: 1, code: CLOSE.PARKED, random: 0.5 }), []);
  assert.equal(page.view.state, 'connected');
});

test('a page going away closes its socket for good and tells the peer over the data channel', () => {
  const page = Page.settled();
  assert.deepEqual(types(page.on('leave')), ['send-data', 'close-socket']);
  assert.deepEqual(page.effects.filter((e) => e.type !== 'trace'), [
    { type: 'send-data', peer: 'bob', message: { kind: 'leaving' } }, { type: 'close-socket', code: CLOSE.NORMAL, reason: 'bye' },
  ]);
  assert.deepEqual(page.on('socket-closed', { socket: 1, code: CLOSE.NORMAL, random: 0.5 }), [], 'it does not reconnect');
});

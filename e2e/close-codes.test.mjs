// Unit tests of what a WebSocket close leads to on the page (web/js/close-codes.js; pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeOutcome } from '../web/js/close-codes.js';
import { CLOSE, FINAL_CLOSE_CODES } from '../web/js/wire.js';

test('every final close stops the page with its own explanation', () => {
  const messages = new Set();
  for (const code of FINAL_CLOSE_CODES) {
    const outcome = closeOutcome(code);
    assert.equal(outcome.final, true, String(code));
    assert.doesNotMatch(outcome.message, /The call ended \(/, `${code} has a message of its own`);
    messages.add(outcome.message);
  }
  assert.equal(messages.size, FINAL_CLOSE_CODES.size, 'a different message for each code');
});

test('links that cannot work say so; a replaced connection points to the other tab', () => {
  assert.match(closeOutcome(CLOSE.INVALID_TOKEN).message, /not valid/);
  assert.match(closeOutcome(CLOSE.TOKEN_EXPIRED).message, /expired/);
  assert.match(closeOutcome(CLOSE.REPLACED).message, /another tab/);
});

test('a server restart reconnects at once; other closes reconnect with backoff', () => {
  assert.deepEqual(closeOutcome(CLOSE.SERVICE_RESTART), { final: false, reconnect: 'now' });
  for (const code of [CLOSE.NORMAL, CLOSE.GOING_AWAY, CLOSE.SERVER_ERROR, CLOSE.TRY_AGAIN_LATER, CLOSE.RATE_LIMITED, 1006, 3000]) {
    assert.deepEqual(closeOutcome(code), { final: false, reconnect: 'backoff' }, String(code));
  }
});

// Unit tests of the page's recovery decisions (web/js/recovery.js; pure, no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterNegotiationError, classifyOffer, pendingRecoveryStep, recoveryAction, recoveryWaitMs, RECOVERY_TIMEOUT_MS, sdpSessionId,
} from '../web/js/recovery.js';

const sdp = (session, version = 2) => `v=0\r\no=- ${session} ${version} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;

test('the session id is read from the o= line', () => {
  assert.equal(sdpSessionId(sdp('4611731400430051336')), '4611731400430051336');
  assert.equal(sdpSessionId('v=0\r\no=mozilla...THIS_IS_SDPARTA-99.0 8120925577124349706 0 IN IP4 0.0.0.0\r\n'), '8120925577124349706');
  assert.equal(sdpSessionId(''), null);
  assert.equal(sdpSessionId(undefined), null);
});

test('a re-offer of the current session is answered, unless it collides with ours at the impolite side', () => {
  const same = { offerSdp: sdp('1', 5), remoteSdp: sdp('1', 3) };
  assert.equal(classifyOffer({ ...same, offering: false, polite: false }), 'answer');
  assert.equal(classifyOffer({ ...same, offering: false, polite: true }), 'answer');
  assert.equal(classifyOffer({ ...same, offering: true, polite: true }), 'answer');
  assert.equal(classifyOffer({ ...same, offering: true, polite: false }), 'ignore');
});

test('an offer of another session replaces the connection, even one with an offer of ours outstanding', () => {
  for (const offering of [false, true]) {
    for (const polite of [false, true]) {
      assert.equal(classifyOffer({ offerSdp: sdp('2'), remoteSdp: sdp('1'), offering, polite }), 'new-session', JSON.stringify({ offering, polite }));
    }
  }
});

test('two fresh connections offered at once: the polite side yields, the impolite side keeps its own', () => {
  assert.equal(classifyOffer({ offerSdp: sdp('2'), remoteSdp: null, offering: true, polite: true }), 'new-session');
  assert.equal(classifyOffer({ offerSdp: sdp('2'), remoteSdp: null, offering: true, polite: false }), 'ignore');
  assert.equal(classifyOffer({ offerSdp: sdp('2'), remoteSdp: null, offering: false, polite: false }), 'new-session');
});

test('only a failed local offer on a working connection is rolled back; every other failure rebuilds', () => {
  assert.equal(afterNegotiationError({ step: 'local-offer', connectionState: 'connected' }), 'rollback');
  assert.equal(afterNegotiationError({ step: 'local-offer', connectionState: 'failed' }), 'rebuild');
  // The answer Chromium refused (DTLS role switch): the peer is already on the new offer.
  assert.equal(afterNegotiationError({ step: 'remote-answer', connectionState: 'connected' }), 'rebuild');
  for (const step of ['remote-offer', 'local-answer']) {
    for (const connectionState of ['connected', 'disconnected', 'new']) {
      assert.equal(afterNegotiationError({ step, connectionState }), 'rebuild', `${step} while ${connectionState}`);
    }
  }
});

test('only the leader restarts ICE; the other side asks it to', () => {
  const base = { restarted: false, signalingUp: true, peerPresent: true };
  for (const cause of ['disconnected', 'failed', 'requested']) {
    assert.equal(recoveryAction({ ...base, cause, leader: true }), 'restart-ice', cause);
    assert.equal(recoveryAction({ ...base, cause, leader: false }), 'ask-peer', cause);
  }
});

test('a leader whose restart did not help builds a fresh connection when it fails again', () => {
  const base = { leader: true, restarted: true, signalingUp: true, peerPresent: true };
  assert.equal(recoveryAction({ ...base, cause: 'failed' }), 'rebuild');
  assert.equal(recoveryAction({ ...base, cause: 'disconnected' }), 'restart-ice');
});

test('a leader that cannot reach its peer through the server calls it back before offering', () => {
  for (const cause of ['disconnected', 'failed', 'requested']) {
    for (const [signalingUp, peerPresent] of [[false, true], [true, false], [false, false]]) {
      const c = { cause, leader: true, restarted: cause === 'failed', signalingUp, peerPresent };
      assert.equal(recoveryAction(c), 'call-peer', JSON.stringify(c));
    }
    assert.equal(recoveryAction({ cause, leader: false, restarted: false, signalingUp: false, peerPresent: false }), 'ask-peer',
      'the other side asks over the data channel whatever the server knows');
  }
});

test('a connection unwell for too long is rebuilt by either side, but only when the peer can be reached', () => {
  for (const leader of [true, false]) {
    assert.equal(recoveryAction({ cause: 'stalled', leader, restarted: false, signalingUp: true, peerPresent: true }), 'rebuild');
    assert.equal(recoveryAction({ cause: 'stalled', leader, restarted: false, signalingUp: false, peerPresent: true }), 'wait');
    assert.equal(recoveryAction({ cause: 'stalled', leader, restarted: false, signalingUp: true, peerPresent: false }), 'wait');
  }
});

test('the wait before acting grows with rebuilds that did not connect, up to a minute', () => {
  assert.equal(recoveryWaitMs(0), RECOVERY_TIMEOUT_MS);
  assert.equal(recoveryWaitMs(1), 2 * RECOVERY_TIMEOUT_MS);
  assert.equal(recoveryWaitMs(10), 60000);
});

test('a recovery waiting for the peer runs once the peer is reachable, and calls back a parked side meanwhile', () => {
  const reachable = { pending: true, signalingUp: true, peerPresent: true, peerParked: false, parked: false };
  assert.equal(pendingRecoveryStep(reachable), 'run');
  assert.equal(pendingRecoveryStep({ ...reachable, pending: false }), 'none');
  assert.equal(pendingRecoveryStep({ ...reachable, pending: false, peerPresent: false, peerParked: true }), 'none');
  // The case that left a page on signaling for good: the peer parked while a recovery waited for it.
  assert.equal(pendingRecoveryStep({ ...reachable, peerPresent: false, peerParked: true }), 'call-peer');
  assert.equal(pendingRecoveryStep({ ...reachable, signalingUp: false, parked: true }), 'call-peer');
  // The peer's or our own socket is reconnecting: its welcome, or ours, will tell.
  assert.equal(pendingRecoveryStep({ ...reachable, peerPresent: false }), 'wait');
  assert.equal(pendingRecoveryStep({ ...reachable, signalingUp: false }), 'wait');
});

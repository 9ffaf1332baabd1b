// Unit tests of the quality line's arithmetic (web/js/quality.js; pure, no browser): a fake
// getStats() report stands in for RTCPeerConnection's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QualitySampler, describe } from '../web/js/quality.js';

function report(stats) {
  return { getStats: async () => new Map(stats.map((s) => [s.id, s])) };
}

const pairStats = (rtt, localType = 'host', remoteType = 'srflx') => [
  { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
  { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: rtt },
  { id: 'L', type: 'local-candidate', candidateType: localType },
  { id: 'R', type: 'remote-candidate', candidateType: remoteType },
];

const inbound = (bytes, received, lost, timestamp) => [
  { id: 'V', type: 'inbound-rtp', kind: 'video', bytesReceived: bytes, packetsReceived: received, packetsLost: lost, timestamp },
  { id: 'A', type: 'inbound-rtp', kind: 'audio', packetsReceived: 0, packetsLost: 0, timestamp },
];

test('the first sample knows the round trip and the path, not yet loss or bitrate', async () => {
  const q = await new QualitySampler().sample(report([...pairStats(0.012), ...inbound(0, 0, 0, 1000)]));
  assert.equal(q.rttMs, 12);
  assert.equal(q.path, 'direct');
  assert.equal(q.lossPct, null);
  assert.equal(q.videoKbps, null);
  assert.equal(q.level, 'unknown');
});

test('loss and bitrate come from the interval between two samples', async () => {
  const sampler = new QualitySampler();
  await sampler.sample(report([...pairStats(0.02), ...inbound(0, 1000, 0, 1000)]));
  // Two seconds later: 500,000 more bytes, 980 more packets received and 20 more lost.
  const q = await sampler.sample(report([...pairStats(0.02), ...inbound(500_000, 1980, 20, 3000)]));
  assert.equal(q.videoKbps, 2000, '500 kB in 2 s is 2,000 kbit/s');
  assert.equal(q.lossPct, 2, '20 lost of 1,000');
  assert.equal(q.level, 'fair', '2% loss is no longer good');
});

test('a relay candidate on either side means the media goes through TURN', async () => {
  const q = await new QualitySampler().sample(report(pairStats(0.1, 'relay', 'host')));
  assert.equal(q.path, 'relay');
});

test('without a selected pair (Firefox), the nominated succeeded pair is used', async () => {
  const stats = [
    { id: 'P', type: 'candidate-pair', state: 'succeeded', nominated: true, localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.3 },
    { id: 'L', type: 'local-candidate', candidateType: 'host' },
    { id: 'R', type: 'remote-candidate', candidateType: 'host' },
  ];
  const q = await new QualitySampler().sample(report(stats));
  assert.equal(q.rttMs, 300);
  assert.equal(q.path, 'direct');
});

test('levels: good, fair and poor by round trip and loss', async () => {
  const at = async (rtt, lost) => {
    const s = new QualitySampler();
    await s.sample(report([...pairStats(rtt), ...inbound(0, 0, 0, 0)]));
    return (await s.sample(report([...pairStats(rtt), ...inbound(1000, 100 - lost, lost, 1000)]))).level;
  };
  assert.equal(await at(0.05, 0), 'good');
  assert.equal(await at(0.3, 0), 'fair');
  assert.equal(await at(0.05, 10), 'poor');
  assert.equal(await at(0.5, 0), 'poor');
});

test('the line for people names level, round trip, loss, bitrate and path', () => {
  assert.equal(describe({ level: 'good', rttMs: 4, lossPct: 0, videoKbps: 1200, path: 'direct' }), 'Good connection · 4 ms · 0% loss · 1.2 Mbit/s · direct');
  assert.equal(describe({ level: 'poor', rttMs: null, lossPct: null, videoKbps: 300, path: 'relay' }), 'Poor connection · 300 kbit/s · via relay');
  assert.equal(describe({ level: 'unknown', rttMs: null, lossPct: null, videoKbps: null, path: null }), 'Measuring…');
});

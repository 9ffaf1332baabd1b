// Connection quality from RTCPeerConnection.getStats(): round-trip time, packet loss, inbound video
// bitrate, and whether media goes direct or through a TURN relay. Loss and bitrate are computed over
// the interval since the previous sample.

/**
 * @typedef {{rttMs: number|null, lossPct: number|null, videoKbps: number|null,
 *            path: 'direct'|'relay'|null, localType: string|null, remoteType: string|null,
 *            level: 'good'|'fair'|'poor'|'unknown', at: number}} Quality
 */

export class QualitySampler {
  constructor() {
    this.previous = null;
  }

  /** @param {RTCPeerConnection} pc @returns {Promise<Quality>} */
  async sample(pc) {
    const report = await pc.getStats();
    let pair = null;
    let videoBytes = 0;
    let packetsReceived = 0;
    let packetsLost = 0;
    let timestamp = 0;
    const byId = new Map();
    report.forEach((s) => byId.set(s.id, s));
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId) ?? pair;
      if (s.type === 'inbound-rtp') {
        packetsReceived += s.packetsReceived ?? 0;
        packetsLost += Math.max(0, s.packetsLost ?? 0);
        if (s.kind === 'video') {
          videoBytes += s.bytesReceived ?? 0;
          timestamp = Math.max(timestamp, s.timestamp);
        }
      }
    });
    if (!pair) {
      // Browsers without transport.selectedCandidatePairId (Firefox): the nominated, succeeded pair.
      report.forEach((s) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && (s.nominated || s.selected)) pair = s;
      });
    }
    const local = pair ? byId.get(pair.localCandidateId) : null;
    const remote = pair ? byId.get(pair.remoteCandidateId) : null;
    const now = timestamp || performance.now();
    const prev = this.previous;
    this.previous = { videoBytes, packetsReceived, packetsLost, at: now };

    let videoKbps = null;
    let lossPct = null;
    if (prev && now > prev.at) {
      videoKbps = Math.max(0, Math.round(((videoBytes - prev.videoBytes) * 8) / (now - prev.at)));
      const got = packetsReceived - prev.packetsReceived;
      const lost = packetsLost - prev.packetsLost;
      lossPct = got + lost > 0 ? Math.round((1000 * Math.max(0, lost)) / (got + lost)) / 10 : 0;
    }
    const rttMs = typeof pair?.currentRoundTripTime === 'number' ? Math.round(pair.currentRoundTripTime * 1000) : null;
    const localType = local?.candidateType ?? null;
    const remoteType = remote?.candidateType ?? null;
    const path = !pair ? null : localType === 'relay' || remoteType === 'relay' ? 'relay' : 'direct';
    return { rttMs, lossPct, videoKbps, path, localType, remoteType, level: level(rttMs, lossPct), at: Date.now() };
  }
}

function level(rttMs, lossPct) {
  if (rttMs === null || lossPct === null) return 'unknown';
  if (rttMs < 200 && lossPct < 2) return 'good';
  if (rttMs < 400 && lossPct < 8) return 'fair';
  return 'poor';
}

const LEVEL_WORDS = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection', unknown: 'Measuring…' };

/** One short line for people: "Good connection · 4 ms · 0% loss · 1.2 Mbit/s · direct". */
export function describe(q) {
  const parts = [LEVEL_WORDS[q.level]];
  if (q.rttMs !== null) parts.push(`${q.rttMs} ms`);
  if (q.lossPct !== null) parts.push(`${q.lossPct}% loss`);
  if (q.videoKbps !== null) parts.push(q.videoKbps >= 1000 ? `${(q.videoKbps / 1000).toFixed(1)} Mbit/s` : `${q.videoKbps} kbit/s`);
  if (q.path) parts.push(q.path === 'relay' ? 'via relay' : 'direct');
  return parts.join(' · ');
}

/**
 * Samples each pair's current connection every intervalMs while media flows (or is briefly
 * disconnected) and hands each sample on with its peer; a sample of a connection replaced meanwhile
 * is dropped.
 * @param {() => Map<string, RTCPeerConnection>} currentPcs each pair's connection, by peer
 * @param {(peer: string, q: Quality) => void} onSample
 */
export function watchQuality(currentPcs, onSample, intervalMs = 2000) {
  /** Each connection's sampler: a connection replaced starts again from nothing. */
  const samplers = new WeakMap();
  return setInterval(() => {
    for (const [peer, pc] of currentPcs()) {
      if (!['connected', 'disconnected'].includes(pc.connectionState)) continue;
      if (!samplers.has(pc)) samplers.set(pc, new QualitySampler());
      samplers.get(pc).sample(pc).then((q) => {
        if (currentPcs().get(peer) === pc) onSample(peer, q);
      }, (err) => console.warn('getStats failed', err));
    }
  }, intervalMs);
}

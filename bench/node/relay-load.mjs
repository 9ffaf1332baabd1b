// The load generator for the relay and idle-connection benchmarks (bench/…/NodeLoad.java drives it).
// Node with the `ws` client: no JVM pauses in the client, and BenchMain pins it to its own core
// (taskset) apart from the server under test. It speaks to either server in its own protocol and
// repeats a call's signaling on every pair: a 4,000-character offer, a 4,000-character answer, then
// ten ~150-character candidates each way, sent back to back as a browser trickles them.
//
//   TARGET=videocall|peerjs  PORT=…  DEFLATE=1|0 (offer permessage-deflate as browsers do; default 1)
//
// Commands, one per line on stdin; each answers with one line on stdout:
//   open N [LINKS_FILE]     opens pairs until N sockets are joined (ours: links from the file, one
//                           [urlA, urlB] per pair, used in order) → "opened N"
//   close                   closes every socket and waits for the closes → "closed"
//   relay PERIOD_MS WARMUP_S MEASURE_S
//                           every pair starts a round every PERIOD_MS (0: the next round starts when
//                           the last one is complete); latencies of messages received during the
//                           MEASURE_S after WARMUP_S → "result {json}"
//   startup PERIOD_MS SECONDS WINDOW_S
//                           as relay, measuring from the first round on, in windows of WINDOW_S →
//                           "result {json}" with one entry per window and one for the whole span
//   quit
import readline from 'node:readline';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';

const TARGET = process.env.TARGET ?? 'videocall';
const PORT = Number(process.env.PORT);
const DEFLATE = (process.env.DEFLATE ?? '1') !== '0';
// SAMPLES_OUT=path: each measured run also writes its samples there (one "arrival latency" line per
// message: arrival as Unix time in ms, latency in µs), to line the tail up against the server's logs.
const SAMPLES_OUT = process.env.SAMPLES_OUT;
const IN_FLIGHT = 100;
const CANDIDATES_EACH_WAY = 10;
const MESSAGES_PER_ROUND = 2 + 2 * CANDIDATES_EACH_WAY;
const SDP_CHARS = 4000;
const CANDIDATE_CHARS = 150;

// Browsers offer "permessage-deflate; client_max_window_bits" and compress every message once it is
// agreed; ws offers the same, and threshold 0 makes it compress every message too.
const socketOptions = (origin) => ({
  perMessageDeflate: DEFLATE ? { threshold: 0 } : false,
  headers: origin ? { Origin: origin } : {},
  handshakeTimeout: 30000,
});

const PADDING = ' a=x-bench-padding'.repeat(Math.ceil(SDP_CHARS / 18));
/** A body: the kind and the send time in microseconds, padded to about `chars`. */
const body = (kind, chars) => {
  const head = `@T${kind}${Math.round(performance.now() * 1000)}@`;
  return head + PADDING.slice(0, chars - head.length);
};

const frame =
  TARGET === 'peerjs'
    ? (kind, self, peer, text) =>
        JSON.stringify({
          type: kind === 'O' ? 'OFFER' : kind === 'A' ? 'ANSWER' : 'CANDIDATE',
          dst: peer,
          payload:
            kind === 'C'
              ? { connectionId: `mc_${self}`, type: 'media', candidate: { candidate: text, sdpMid: '0', sdpMLineIndex: 0 } }
              : { connectionId: `mc_${self}`, type: 'media', sdp: { type: kind === 'O' ? 'offer' : 'answer', sdp: text } },
        })
    : (kind, self, peer, text) =>
        kind === 'C'
          ? JSON.stringify({ type: 'candidate', ice: { candidate: text, sdpMid: '0', sdpMLineIndex: 0 } })
          : JSON.stringify({ type: kind === 'O' ? 'offer' : 'answer', sdp: text });

const accepted = TARGET === 'peerjs' ? (f) => f.includes('"OPEN"') : (f) => f.startsWith('{"type":"welcome"');
const peerJoined = TARGET === 'peerjs' ? () => false : (f) => f.startsWith('{"type":"peer-joined"');

let pairs = [];
let nextPeerjsId = 0;
let linkCursor = { file: null, links: [], next: 0 };
let onFrame = () => {};
let unexpected = 0;

function connect(url, origin, onText) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, socketOptions(origin));
    ws.on('message', (data, isBinary) => onText(ws, isBinary ? '' : data.toString()));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function waitFor(predicate) {
  let done;
  const promise = new Promise((r) => (done = r));
  return { promise, check: (f) => predicate(f) && done() };
}

async function openPair() {
  let urlA, urlB, aName, bName, origin;
  if (TARGET === 'peerjs') {
    const n = nextPeerjsId++;
    aName = `a${n}`;
    bName = `b${n}`;
    urlA = `ws://127.0.0.1:${PORT}/peerjs?key=peerjs&id=${aName}&token=t${n}`;
    urlB = `ws://127.0.0.1:${PORT}/peerjs?key=peerjs&id=${bName}&token=t${n}`;
  } else {
    if (linkCursor.next >= linkCursor.links.length) throw new Error('out of links');
    [urlA, urlB] = linkCursor.links[linkCursor.next++];
    aName = new URL(urlA).searchParams.get('userID');
    bName = new URL(urlB).searchParams.get('userID');
    origin = `http://127.0.0.1:${new URL(urlA).port}`;
  }
  const pair = { aName, bName, a: null, b: null, count: 0, roundStarted: 0, timer: null };
  const aOk = waitFor(accepted);
  const aPeer = TARGET === 'peerjs' ? { promise: Promise.resolve(), check: () => {} } : waitFor(peerJoined);
  const bOk = waitFor(accepted);
  pair.a = await connect(urlA, origin, (ws, f) => (pair.ready ? onFrame(pair, true, f) : (aOk.check(f), aPeer.check(f))));
  await aOk.promise;
  pair.b = await connect(urlB, origin, (ws, f) => (pair.ready ? onFrame(pair, false, f) : bOk.check(f)));
  await Promise.all([bOk.promise, aPeer.promise]);
  pair.ready = true;
  return pair;
}

async function open(target, linksFile) {
  if (linksFile && linksFile !== linkCursor.file) {
    linkCursor = { file: linksFile, links: JSON.parse(readFileSync(linksFile, 'utf8')), next: 0 };
  }
  const want = Math.ceil(target / 2) - pairs.length;
  let started = 0;
  const running = new Set();
  while (started < want || running.size > 0) {
    while (started < want && running.size < IN_FLIGHT) {
      started++;
      const p = openPair().then((pair) => {
        pairs.push(pair);
        running.delete(p);
      });
      running.add(p);
    }
    await Promise.race(running);
  }
  return pairs.length * 2;
}

async function closeAll() {
  const closes = [];
  for (const p of pairs) {
    for (const ws of [p.a, p.b]) {
      if (ws.readyState === WebSocket.CLOSED) continue;
      closes.push(new Promise((r) => ws.once('close', r)));
      ws.close(1000, 'done');
    }
  }
  await Promise.all(closes);
  pairs = [];
}

/** Latencies (µs) with the time they arrived (ms since the run began), growing as needed. */
class Samples {
  constructor() {
    this.at = new Float64Array(1 << 20);
    this.us = new Float64Array(1 << 20);
    this.n = 0;
  }
  add(at, us) {
    if (this.n === this.at.length) {
      const grow = (a) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.at = grow(this.at);
      this.us = grow(this.us);
    }
    this.at[this.n] = at;
    this.us[this.n++] = us;
  }
  /** Writes the samples that arrived in [from, to) ms as "unixMs latencyUs" lines; t0 is the run's start. */
  write(path, from, to, t0) {
    const lines = [];
    const origin = performance.timeOrigin + t0;
    for (let i = 0; i < this.n; i++) if (this.at[i] >= from && this.at[i] < to) lines.push(`${(origin + this.at[i]).toFixed(3)} ${Math.round(this.us[i])}`);
    writeFileSync(path, lines.join('\n') + '\n');
  }
  /** Percentiles (ms) and count of the samples that arrived in [from, to) ms. */
  summary(from, to, offersOnly) {
    const picked = [];
    for (let i = 0; i < this.n; i++) if (this.at[i] >= from && this.at[i] < to) picked.push(this.us[i]);
    const sorted = Float64Array.from(picked).sort();
    const pct = (p) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] / 1000 : NaN);
    return { count: sorted.length, p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9), max: sorted.length ? sorted[sorted.length - 1] / 1000 : NaN };
  }
}

/**
 * Runs rounds on every open pair for warmup + measure seconds. Returns the samples, the run's start
 * (performance.now()) and the client's own event-loop delay and CPU during the measured part.
 */
async function relay(periodMs, warmupS, measureS, measureFrom) {
  const samples = new Samples();
  let running = true;
  const t0 = performance.now();
  const startRound = (p) => {
    if (!running) return;
    p.roundStarted = performance.now();
    p.a.send(frame('O', p.aName, p.bName, body('O', SDP_CHARS)));
  };
  onFrame = (p, atA, f) => {
    const mark = f.indexOf('@T');
    if (mark < 0) {
      unexpected++;
      return;
    }
    const now = performance.now();
    const kind = f[mark + 2];
    const sentAt = Number(f.slice(mark + 3, f.indexOf('@', mark + 3)));
    samples.add(now - t0, Math.max(0, now * 1000 - sentAt));
    if (kind === 'O' && !atA) {
      p.b.send(frame('A', p.bName, p.aName, body('A', SDP_CHARS)));
      for (let i = 0; i < CANDIDATES_EACH_WAY; i++) p.b.send(frame('C', p.bName, p.aName, body('C', CANDIDATE_CHARS)));
    } else if (kind === 'A' && atA) {
      for (let i = 0; i < CANDIDATES_EACH_WAY; i++) p.a.send(frame('C', p.aName, p.bName, body('C', CANDIDATE_CHARS)));
    }
    if (++p.count === MESSAGES_PER_ROUND) {
      p.count = 0;
      const wait = periodMs === 0 ? 0 : Math.max(0, p.roundStarted + periodMs - performance.now());
      if (running) p.timer = setTimeout(() => startRound(p), wait);
    }
  };
  for (const p of pairs) {
    p.count = 0;
    p.timer = setTimeout(() => startRound(p), periodMs === 0 ? 0 : Math.random() * periodMs);
  }
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  await sleep(measureFrom);
  loopDelay.enable();
  const stalls = SAMPLES_OUT ? recordStalls() : null;
  let collections = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      collections++;
      if (stalls) stalls.collected(e);
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const cpu = process.cpuUsage();
  const wallStart = performance.now();
  await sleep((warmupS + measureS) * 1000 - measureFrom);
  const cpuUsed = process.cpuUsage(cpu);
  const wall = performance.now() - wallStart;
  loopDelay.disable();
  gcs.disconnect();
  if (stalls) stalls.stop(`${SAMPLES_OUT}.client`);
  running = false;
  pairs.forEach((p) => clearTimeout(p.timer));
  await sleep(1000); // let the rounds in flight finish before the sockets are reused or closed
  onFrame = () => {};
  return {
    samples,
    t0,
    client: {
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      cpuShare: (cpuUsed.user + cpuUsed.system) / 1000 / wall,
      collections,
    },
  };
}

/**
 * The load generator's own stalls, for SAMPLES_OUT: its collector's pauses (collected(entry)) and the
 * gaps of more than 2 ms in a 1 ms timer (its event loop busy or descheduled). stop(path) writes
 * "kind startUnixMs endUnixMs" lines.
 */
function recordStalls() {
  const lines = [];
  const unix = (t) => (performance.timeOrigin + t).toFixed(3);
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    if (now - last > 2) lines.push(`gap ${unix(last)} ${unix(now)}`);
    last = now;
  }, 1);
  return {
    collected(e) {
      lines.push(`gc ${unix(e.startTime)} ${unix(e.startTime + e.duration)}`);
    },
    stop(path) {
      clearInterval(tick);
      writeFileSync(path, lines.join('\n') + '\n');
    },
  };
}

const deflateAgreed = () => (pairs.length ? Boolean(pairs[0].a.extensions && pairs[0].a.extensions.includes('permessage-deflate')) : false);

async function command(line) {
  const [cmd, ...args] = line.trim().split(/\s+/);
  switch (cmd) {
    case 'open':
      return `opened ${await open(Number(args[0]), args[1])}`;
    case 'close':
      await closeAll();
      return 'closed';
    case 'relay': {
      const [periodMs, warmupS, measureS] = args.map(Number);
      const before = unexpected;
      const { samples, t0, client } = await relay(periodMs, warmupS, measureS, warmupS * 1000);
      const s = samples.summary(warmupS * 1000, (warmupS + measureS) * 1000);
      if (SAMPLES_OUT) samples.write(SAMPLES_OUT, warmupS * 1000, (warmupS + measureS) * 1000, t0);
      return `result ${JSON.stringify({ ...s, seconds: measureS, messagesPerSecond: s.count / measureS, unexpected: unexpected - before, deflate: deflateAgreed(), client })}`;
    }
    case 'startup': {
      const [periodMs, seconds, windowS] = args.map(Number);
      const { samples, client } = await relay(periodMs, 0, seconds, 0);
      const windows = [];
      for (let from = 0; from < seconds; from += windowS) windows.push({ from, to: from + windowS, ...samples.summary(from * 1000, (from + windowS) * 1000) });
      const all = { from: 0, to: seconds, ...samples.summary(0, seconds * 1000) };
      return `result ${JSON.stringify({ windows, all, deflate: deflateAgreed(), client })}`;
    }
    case 'quit':
      process.exit(0);
    default:
      throw new Error(`unknown command: ${line}`);
  }
}

// One command at a time, in order.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(() => command(line)).then(
    (answer) => console.log(answer),
    (err) => console.log(`error ${String(err && err.stack ? err.stack : err).replace(/\n/g, ' | ')}`),
  );
});
process.stdin.on('end', () => queue.then(() => process.exit(0)));

// Call set-up in headless Chromium with fake camera and microphone: for each call, the second person
// opens their link while the first waits, and we time, in the second person's page, from opening the
// link (navigation start) to the first decoded remote video frame, plus the offer/answer round trip
// (the offer set locally → the answer arriving). Two runs: CALLS calls (default 50) with CONCURRENCY
// at a time (default 10), then SOLO_CALLS calls (default 20) one at a time, which shows a call's own
// cost where the first run also shows the machine's CPU shared by 20 pages encoding and decoding video.
// Writes bench/results/call-setup.md and prints the figures. Uses the e2e harness (its Chromium flags
// and server start-up), so `npm ci` in e2e/ must have run.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, createCall, waitForState } from '../../e2e/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..', '..', process.env.BENCH_OUT ?? 'docs/benchmarks');
const CALLS = Number(process.env.CALLS ?? 50);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const SOLO_CALLS = Number(process.env.SOLO_CALLS ?? 20);

// Measures from outside the page's code: wraps the two RTCPeerConnection methods and watches the
// remote <video> for its first presented frame.
function instrument() {
  const marks = (window.__bench = {});
  const setLocal = RTCPeerConnection.prototype.setLocalDescription;
  RTCPeerConnection.prototype.setLocalDescription = async function (...args) {
    const result = await setLocal.apply(this, args);
    if (this.localDescription?.type === 'offer' && marks.offerSet === undefined) marks.offerSet = performance.now();
    return result;
  };
  const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (description, ...rest) {
    if (description?.type === 'answer' && marks.answerArrived === undefined) marks.answerArrived = performance.now();
    return setRemote.call(this, description, ...rest);
  };
  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('remote_video').requestVideoFrameCallback(() => {
      marks.firstFrame ??= performance.now();
    });
  });
}

async function oneCall(browser, baseUrl, n) {
  const a = `a${n}`;
  const b = `b${n}`;
  const { links } = await createCall(baseUrl, a, b);
  const contexts = [await browser.newContext(), await browser.newContext()];
  try {
    for (const ctx of contexts) await ctx.addInitScript(instrument);
    const [pageA, pageB] = await Promise.all(contexts.map((c) => c.newPage()));
    await pageA.goto(links[a]);
    await waitForState(pageA, 'waiting', 30000);
    await pageB.goto(links[b]);
    const done = () => window.__bench.firstFrame !== undefined;
    await Promise.all([pageA.waitForFunction(done, undefined, { timeout: 30000, polling: 20 }),
      pageB.waitForFunction(done, undefined, { timeout: 30000, polling: 20 })]);
    const marksB = await pageB.evaluate(() => ({ ...window.__bench, origin: performance.timeOrigin }));
    const marksA = await pageA.evaluate(() => ({ ...window.__bench, origin: performance.timeOrigin }));
    const offerer = marksB.offerSet !== undefined ? marksB : marksA;
    return {
      setupMs: marksB.firstFrame,
      bothMs: Math.max(marksB.firstFrame, marksA.origin + marksA.firstFrame - marksB.origin),
      offerAnswerMs: offerer.answerArrived - offerer.offerSet,
    };
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function runCalls(browser, baseUrl, calls, concurrency) {
  const results = [];
  const failures = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < calls) {
      const n = `${concurrency}-${next++}`;
      try {
        results.push(await oneCall(browser, baseUrl, n));
      } catch (err) {
        failures.push(String(err.message ?? err).split('\n')[0]);
      }
    }
  }));
  return { calls, concurrency, results, failures };
}

// Every call and socket comes from 127.0.0.1: lift the per-address caps a browser never meets.
const server = await startServer({ MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '100000', CREATE_CALLS_PER_MINUTE: '100000', CREATE_CALL_BURST: '1000' });
const browser = await launchBrowser();
const runs = [];
try {
  await oneCall(browser, server.baseUrl, 'warmup'); // first page load compiles and caches; not counted
  runs.push(await runCalls(browser, server.baseUrl, CALLS, CONCURRENCY));
  runs.push(await runCalls(browser, server.baseUrl, SOLO_CALLS, 1));
} finally {
  await browser.close();
  await server.stop();
}

const cell = (values, p) => (values.length ? percentile(values, p).toFixed(0) : '–');
const rows = [];
for (const { concurrency, results, failures } of runs) {
  const measures = [
    ["second person's link opened → first remote frame on their page", results.map((r) => r.setupMs)],
    ['second link opened → first remote frame on both pages', results.map((r) => r.bothMs)],
    ['offer set locally → answer arrived (offerer)', results.map((r) => r.offerAnswerMs)],
  ];
  for (const [name, values] of measures) {
    rows.push(`| ${concurrency} | ${results.length} | ${failures.length} | ${name} | ${cell(values, 50)} | ${cell(values, 95)} | ${values.length ? Math.max(...values).toFixed(0) : '–'} |`);
  }
}
const failureKinds = [...new Set(runs.flatMap((r) => r.failures))];
const md = [
  '',
  '## Call set-up in headless Chromium (fake devices, embedded stack, one browser)',
  '',
  '| calls at a time | calls | failed | measure | p50 ms | p95 ms | max ms |',
  '|---:|---:|---:|---|---:|---:|---:|',
  ...rows,
  '',
  failureKinds.length ? `Failures: ${failureKinds.join('; ')}` : 'No call failed.',
  '',
].join('\n');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'call-setup.md'), md);
console.log(md);
process.exit(runs.every((r) => r.results.length > 0) ? 0 : 1);

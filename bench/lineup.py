#!/usr/bin/env python3
"""Lines the relay's slow messages up against what was stopped while they were in flight.

usage: bench/lineup.py SAMPLES SERVER_SAFEPOINT_LOG

SAMPLES is what a load generator writes with SAMPLES_OUT=path (one "arrivalUnixMs latencyUs" line per
measured message; path.client beside it holds the generator's own "gc|gap startUnixMs endUnixMs"
stalls). SERVER_SAFEPOINT_LOG is our JVM's -Xlog:safepoint=info:file=…:timemillis. For the slowest 1 %,
the messages over 5 ms and all messages, it prints the share that was in flight during a server
safepoint (a young collection, mostly), a collection of the load generator, or a gap of more than
2 ms in the generator's 1 ms timer (its loop busy or descheduled). docs/performance.md shows how.
"""
import bisect
import os
import re
import sys


def read_samples(path):
    with open(path) as f:
        return [tuple(map(float, line.split())) for line in f if line.strip()]


def read_safepoints(path):
    """(start, end, name) in Unix ms; the log line is written as the safepoint ends."""
    pauses = []
    with open(path) as f:
        for line in f:
            m = re.search(r'\[(\d+)ms\] Safepoint "([^"]+)".*Total: (\d+) ns', line)
            if m:
                end, total = float(m.group(1)), int(m.group(3)) / 1e6
                pauses.append((end - total, end, m.group(2)))
    return sorted(pauses)


def read_client_stalls(path):
    stalls = {"gc": [], "gap": []}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    kind, start, end = line.split()
                    stalls[kind].append((float(start), float(end)))
    return {k: sorted(v) for k, v in stalls.items()}


class Intervals:
    """Answers whether [a, b] overlaps any of the intervals (sorted by start, none much over 2 s)."""

    def __init__(self, intervals):
        self.intervals = intervals
        self.starts = [i[0] for i in intervals]

    def overlaps(self, a, b):
        i = bisect.bisect_right(self.starts, b) - 1
        while i >= 0 and b - self.starts[i] < 2000:
            if self.intervals[i][1] >= a:
                return True
            i -= 1
        return False


def main():
    samples = read_samples(sys.argv[1])
    pauses = read_safepoints(sys.argv[2])
    client = read_client_stalls(sys.argv[1] + ".client")
    first, last = min(s[0] for s in samples), max(s[0] for s in samples)
    latencies = sorted(s[1] for s in samples)
    p99 = latencies[int(0.99 * len(latencies)) - 1]
    print(f"{len(samples)} messages over {(last - first) / 1000:.1f} s, p99 {p99 / 1000:.2f} ms")

    def describe(name, intervals):
        inside = [i for i in intervals if i[1] >= first and i[0] <= last]
        lengths = [i[1] - i[0] for i in inside]
        print(f"  {name}: {len(inside)}, {sum(lengths):.1f} ms in all, longest {max(lengths, default=0):.2f} ms")

    describe("server safepoints", pauses)
    describe("client collections", client["gc"])
    describe("client timer gaps over 2 ms", client["gap"])
    server, gcs, gaps = Intervals(pauses), Intervals(client["gc"]), Intervals(client["gap"])
    print("share of messages in flight during:   server safepoint  client collection  client gap  none of these")
    for name, over in [("slowest 1 %", p99), ("over 5 ms", 5000), ("all", -1)]:
        picked = [s for s in samples if s[1] > over]
        if not picked:
            print(f"  {name:12s} none")
            continue
        counts = [0, 0, 0, 0]
        for arrival, latency_us in picked:
            sent = arrival - latency_us / 1000
            hits = [server.overlaps(sent, arrival), gcs.overlaps(sent, arrival), gaps.overlaps(sent, arrival)]
            for k, hit in enumerate(hits):
                counts[k] += hit
            counts[3] += not any(hits)
        shares = "".join(f"{100 * c / len(picked):17.1f}%" for c in counts)
        print(f"  {name:12s} ({len(picked):6d}){shares}")


if __name__ == "__main__":
    main()

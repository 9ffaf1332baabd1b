// Command relay-load is the load generator for the relay's latency benchmarks: relay, alloc and the
// start-up tail (bench/…/RelayLoad drives it; density keeps the Node generator, whose permessage-deflate
// offer is byte for byte a browser's). It speaks the same stdin protocol as bench/node/relay-load.mjs
// and sends the same call-shaped signaling, but it has no collector running while it measures: the Go
// collector is switched off (a run allocates a few MB: samples and timers) and run once between
// commands. The Node generator's own collector and busy event loop were in flight for most of the
// slowest 1 % of messages it measured (docs/performance.md, "The load generator's share").
//
//	TARGET=videocall|peerjs  PORT=…  DEFLATE=1|0  SAMPLES_OUT=path (optional, as the Node generator)
//
// Commands, one per line on stdin, each answered with one line on stdout:
//
//	open N [LINKS_FILE] → "opened N";  close → "closed";  relay PERIOD_MS WARMUP_S MEASURE_S → "result {json}";
//	startup PERIOD_MS SECONDS WINDOW_S → "result {json}";  join PAIRS SPREAD_MS SOURCE → "result {json}" (join.go);  quit.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

const (
	pairsInFlight     = 100
	candidatesEachWay = 10
	messagesPerRound  = 2 + 2*candidatesEachWay
	sdpChars          = 4000
	candidateChars    = 150
)

var (
	target     = os.Getenv("TARGET")
	port       = os.Getenv("PORT")
	deflate    = os.Getenv("DEFLATE") != "0"
	samplesOut = os.Getenv("SAMPLES_OUT")

	// Every time is an offset from start on the monotonic clock; send times travel in the frames as µs.
	start   = time.Now()
	padding = strings.Repeat(" a=x-bench-padding", sdpChars/18+1)
	markT   = []byte("@T")

	pairs      []*pair
	nextPeerjs int
	links      [][2]string
	linksFile  string
	nextLink   int
	unexpected atomic.Int64
	current    atomic.Pointer[relayRun]
)

func since() time.Duration { return time.Since(start) }

// unixMillis turns an offset from start into Unix time in ms, to line samples up with servers' logs.
func unixMillis(d time.Duration) float64 {
	return float64(start.UnixNano()+int64(d)) / 1e6
}

// ---- frames ----

// appendBody appends the kind, the send time in µs and padding, about chars long in all.
func appendBody(b []byte, kind byte, chars int) []byte {
	n := len(b)
	b = append(b, '@', 'T', kind)
	b = strconv.AppendInt(b, since().Microseconds(), 10)
	b = append(b, '@')
	return append(b, padding[:chars-(len(b)-n)]...)
}

// appendFrame appends one signaling message in the target's own protocol, as the Node generator does.
func appendFrame(b []byte, kind byte, self, peer string) []byte {
	if target == "peerjs" {
		b = append(b, `{"type":"`...)
		b = append(b, peerjsType(kind)...)
		b = append(b, `","dst":"`...)
		b = append(b, peer...)
		b = append(b, `","payload":{"connectionId":"mc_`...)
		b = append(b, self...)
		b = append(b, `","type":"media",`...)
		switch kind {
		case 'C':
			b = append(b, `"candidate":{"candidate":"`...)
			b = appendBody(b, kind, candidateChars)
			return append(b, `","sdpMid":"0","sdpMLineIndex":0}}}`...)
		case 'O':
			b = append(b, `"sdp":{"type":"offer","sdp":"`...)
		default:
			b = append(b, `"sdp":{"type":"answer","sdp":"`...)
		}
		b = appendBody(b, kind, sdpChars)
		return append(b, `"}}}`...)
	}
	switch kind {
	case 'C':
		b = append(b, `{"type":"candidate","ice":{"candidate":"`...)
		b = appendBody(b, kind, candidateChars)
		return append(b, `","sdpMid":"0","sdpMLineIndex":0}}`...)
	case 'O':
		b = append(b, `{"type":"offer","sdp":"`...)
	default:
		b = append(b, `{"type":"answer","sdp":"`...)
	}
	b = appendBody(b, kind, sdpChars)
	return append(b, `"}`...)
}

// peerjsType is the message type peerjs-server's clients give each kind.
func peerjsType(kind byte) string {
	switch kind {
	case 'O':
		return "OFFER"
	case 'A':
		return "ANSWER"
	}
	return "CANDIDATE"
}

// stamp reads the kind and send time (µs) a relayed frame carries; ok is false for any other frame.
func stamp(f []byte) (kind byte, sentMicros int64, ok bool) {
	i := bytes.Index(f, markT)
	if i < 0 || i+3 >= len(f) {
		return 0, 0, false
	}
	end := bytes.IndexByte(f[i+3:], '@')
	if end < 0 {
		return 0, 0, false
	}
	for _, c := range f[i+3 : i+3+end] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		sentMicros = sentMicros*10 + int64(c-'0')
	}
	return f[i+2], sentMicros, true
}

func accepted(f []byte) bool {
	if target == "peerjs" {
		return bytes.Contains(f, []byte(`"OPEN"`))
	}
	return bytes.HasPrefix(f, []byte(`{"type":"welcome"`))
}

func peerJoined(f []byte) bool {
	return target != "peerjs" && bytes.HasPrefix(f, []byte(`{"type":"peer-joined"`))
}

// ---- sockets and pairs ----

type conn struct {
	ws      *websocket.Conn
	self    string
	peer    string
	deflate bool
	writing sync.Mutex // one writer at a time (gorilla's rule): the reader and the round's timer both send
	out     []byte
	in      []byte
	handle  func([]byte) // every message received, on the reading goroutine; the slice is reused after it returns
	done    chan struct{}
}

type sample struct {
	at time.Duration // arrival, from the run's start
	us int64         // latency
}

type pair struct {
	a, b         *conn
	ready        atomic.Bool
	mu           sync.Mutex
	count        int
	roundStarted time.Duration
	timer        *time.Timer
	samples      []sample
}

func (c *conn) send(kind byte) {
	c.writing.Lock()
	defer c.writing.Unlock()
	c.out = appendFrame(c.out[:0], kind, c.self, c.peer)
	if err := c.ws.WriteMessage(websocket.TextMessage, c.out); err != nil {
		unexpected.Add(1)
	}
}

func (c *conn) readLoop() {
	defer close(c.done)
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		c.in = c.in[:0]
		for {
			if len(c.in) == cap(c.in) {
				c.in = append(c.in, 0)[:len(c.in)]
			}
			n, err := r.Read(c.in[len(c.in):cap(c.in)])
			c.in = c.in[:len(c.in)+n]
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
		}
		c.handle(c.in)
	}
}

var dialer = websocket.Dialer{
	HandshakeTimeout: 30 * time.Second,
	ReadBufferSize:   4096,
	// Larger than any frame sent, so each message leaves as one frame, as a browser sends it.
	WriteBufferSize:   16384,
	EnableCompression: deflate,
}

func dial(rawURL, origin string, self, peer string, handle func([]byte)) (*conn, error) {
	header := http.Header{}
	if origin != "" {
		header.Set("Origin", origin)
	}
	ws, resp, err := dialer.Dial(rawURL, header)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", rawURL, err)
	}
	c := &conn{ws: ws, self: self, peer: peer, handle: handle, done: make(chan struct{}),
		in: make([]byte, 0, 8192), out: make([]byte, 0, 8192),
		deflate: strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate")}
	go c.readLoop()
	return c, nil
}

// signal returns a channel closed the first time check passes on a frame, and the function to feed it.
func signal(check func([]byte) bool) (chan struct{}, func([]byte)) {
	ch := make(chan struct{})
	var once sync.Once
	return ch, func(f []byte) {
		if check(f) {
			once.Do(func() { close(ch) })
		}
	}
}

func await(ch chan struct{}, what string) error {
	select {
	case <-ch:
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("timed out waiting for " + what)
	}
}

func openPair(urlA, urlB, aName, bName, origin string) (*pair, error) {
	p := &pair{}
	aOk, aOkCheck := signal(accepted)
	aPeer, aPeerCheck := signal(peerJoined)
	bOk, bOkCheck := signal(accepted)
	var err error
	// Frames before the pair is ready are the welcome and peer-joined; after it, the relayed messages.
	relayed := func(atA bool, before func([]byte)) func([]byte) {
		return func(f []byte) {
			if p.ready.Load() {
				onFrame(p, atA, f)
			} else {
				before(f)
			}
		}
	}
	if p.a, err = dial(urlA, origin, aName, bName, relayed(true, func(f []byte) { aOkCheck(f); aPeerCheck(f) })); err != nil {
		return nil, err
	}
	if err = await(aOk, "welcome of "+aName); err != nil {
		return nil, err
	}
	if p.b, err = dial(urlB, origin, bName, aName, relayed(false, bOkCheck)); err != nil {
		return nil, err
	}
	if err = await(bOk, "welcome of "+bName); err != nil {
		return nil, err
	}
	if target != "peerjs" {
		if err = await(aPeer, "peer-joined at "+aName); err != nil {
			return nil, err
		}
	}
	p.ready.Store(true)
	return p, nil
}

func open(want int, file string) (int, error) {
	if file != "" && file != linksFile {
		data, err := os.ReadFile(file)
		if err != nil {
			return 0, err
		}
		links, linksFile, nextLink = nil, file, 0
		if err := json.Unmarshal(data, &links); err != nil {
			return 0, err
		}
	}
	var mu sync.Mutex
	var firstErr error
	slots := make(chan struct{}, pairsInFlight)
	var wg sync.WaitGroup
	for n := (want+1)/2 - len(pairs); n > 0; n-- {
		var urlA, urlB, aName, bName, origin string
		if target == "peerjs" {
			i := nextPeerjs
			nextPeerjs++
			aName, bName = fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)
			urlA = fmt.Sprintf("ws://127.0.0.1:%s/peerjs?key=peerjs&id=%s&token=t%d", port, aName, i)
			urlB = fmt.Sprintf("ws://127.0.0.1:%s/peerjs?key=peerjs&id=%s&token=t%d", port, bName, i)
		} else {
			if nextLink >= len(links) {
				return 0, errors.New("out of links")
			}
			urlA, urlB = links[nextLink][0], links[nextLink][1]
			nextLink++
			ua, _ := url.Parse(urlA)
			ub, _ := url.Parse(urlB)
			aName, bName = ua.Query().Get("userID"), ub.Query().Get("userID")
			origin = "http://127.0.0.1:" + ua.Port()
		}
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			p, err := openPair(urlA, urlB, aName, bName, origin)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			pairs = append(pairs, p)
		}()
	}
	wg.Wait()
	return 2 * len(pairs), firstErr
}

func closeAll() {
	for _, p := range pairs {
		for _, c := range []*conn{p.a, p.b} {
			c.writing.Lock()
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "done"), time.Now().Add(10*time.Second))
			c.writing.Unlock()
		}
	}
	for _, p := range pairs {
		for _, c := range []*conn{p.a, p.b} {
			select {
			case <-c.done:
			case <-time.After(10 * time.Second):
			}
			_ = c.ws.Close()
		}
	}
	pairs = nil
}

// ---- the relay ----

type relayRun struct {
	t0      time.Duration
	period  time.Duration
	running atomic.Bool
}

func onFrame(p *pair, atA bool, f []byte) {
	r := current.Load()
	if r == nil {
		return
	}
	kind, sent, ok := stamp(f)
	if !ok {
		unexpected.Add(1)
		return
	}
	now := since()
	p.mu.Lock()
	p.samples = append(p.samples, sample{at: now - r.t0, us: max(0, now.Microseconds()-sent)})
	p.count++
	if p.count == messagesPerRound {
		p.count = 0
		if r.running.Load() {
			wait := time.Duration(0)
			if r.period > 0 {
				wait = max(0, p.roundStarted+r.period-since())
			}
			p.timer = time.AfterFunc(wait, func() { startRound(p, r) })
		}
	}
	p.mu.Unlock()
	switch {
	case kind == 'O' && !atA:
		p.b.send('A')
		for range candidatesEachWay {
			p.b.send('C')
		}
	case kind == 'A' && atA:
		for range candidatesEachWay {
			p.a.send('C')
		}
	}
}

func startRound(p *pair, r *relayRun) {
	if !r.running.Load() {
		return
	}
	p.mu.Lock()
	p.roundStarted = since()
	p.mu.Unlock()
	p.a.send('O')
}

type clientFigures struct {
	LoopDelayP99Ms float64  `json:"loopDelayP99Ms"`
	LoopDelayMaxMs float64  `json:"loopDelayMaxMs"`
	CPUShare       *float64 `json:"cpuShare"`
	Collections    uint32   `json:"collections"`
}

// loopDelay measures how late a 1 ms sleep wakes (Node's monitorEventLoopDelay, in Go's scheduler),
// and keeps the stalls of more than 2 ms for SAMPLES_OUT.
type loopDelay struct {
	stop   chan struct{}
	done   chan struct{}
	delays []time.Duration
	stalls [][2]time.Duration
}

func watchLoop() *loopDelay {
	l := &loopDelay{stop: make(chan struct{}), done: make(chan struct{}), delays: make([]time.Duration, 0, 1<<16)}
	go func() {
		defer close(l.done)
		for {
			select {
			case <-l.stop:
				return
			default:
			}
			before := since()
			time.Sleep(time.Millisecond)
			after := since()
			l.delays = append(l.delays, max(0, after-before-time.Millisecond))
			if after-before > 2*time.Millisecond {
				l.stalls = append(l.stalls, [2]time.Duration{before, after})
			}
		}
	}()
	return l
}

func (l *loopDelay) finish() (p99, maxDelay time.Duration) {
	close(l.stop)
	<-l.done
	if len(l.delays) == 0 {
		return 0, 0
	}
	sort.Slice(l.delays, func(i, j int) bool { return l.delays[i] < l.delays[j] })
	return l.delays[int(math.Ceil(0.99*float64(len(l.delays))))-1], l.delays[len(l.delays)-1]
}

func cpuTime() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// relay runs rounds on every pair for warmup+measure seconds and returns every sample, with the
// generator's own delay, CPU share and collections over the part from measureFrom on.
func relay(period time.Duration, warmup, measure, measureFrom time.Duration) ([]sample, clientFigures) {
	runtime.GC() // the last run's garbage, collected now rather than during this one
	var gcBefore runtime.MemStats
	runtime.ReadMemStats(&gcBefore)
	r := &relayRun{t0: since(), period: period}
	r.running.Store(true)
	for _, p := range pairs {
		p.mu.Lock()
		p.count = 0
		p.samples = p.samples[:0]
		p.mu.Unlock()
	}
	current.Store(r)
	for _, p := range pairs {
		delay := time.Duration(0)
		if period > 0 {
			delay = time.Duration(rand.Int64N(int64(period)))
		}
		p.mu.Lock()
		p.timer = time.AfterFunc(delay, func() { startRound(p, r) })
		p.mu.Unlock()
	}
	time.Sleep(measureFrom)
	loop := watchLoop()
	cpu, wall := cpuTime(), since()
	time.Sleep(warmup + measure - measureFrom)
	cpuShare := float64(cpuTime()-cpu) / float64(since()-wall)
	p99, maxDelay := loop.finish()
	var gcAfter runtime.MemStats
	runtime.ReadMemStats(&gcAfter)
	r.running.Store(false)
	for _, p := range pairs {
		p.mu.Lock()
		if p.timer != nil {
			p.timer.Stop()
		}
		p.mu.Unlock()
	}
	time.Sleep(time.Second) // let the rounds in flight finish before the sockets are reused or closed
	current.Store(nil)
	var all []sample
	for _, p := range pairs {
		p.mu.Lock()
		all = append(all, p.samples...)
		p.mu.Unlock()
	}
	if samplesOut != "" {
		writeSamples(all, r.t0, measureFrom, warmup+measure)
		writeStalls(loop.stalls)
	}
	return all, clientFigures{
		LoopDelayP99Ms: float64(p99) / 1e6, LoopDelayMaxMs: float64(maxDelay) / 1e6,
		CPUShare: finite(cpuShare), Collections: gcAfter.NumGC - gcBefore.NumGC,
	}
}

// finite is v, or nil (JSON null, as Node writes NaN) when v is not a number: a run measured for 0 s.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

type summary struct {
	Count int      `json:"count"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P99   *float64 `json:"p99"`
	P999  *float64 `json:"p999"`
	Max   *float64 `json:"max"`
}

// summarize gives exact percentiles (ms) of the samples that arrived in [from, to); null when none did.
func summarize(all []sample, from, to time.Duration) summary {
	var us []int64
	for _, s := range all {
		if s.at >= from && s.at < to {
			us = append(us, s.us)
		}
	}
	return percentiles(us)
}

// percentiles gives exact percentiles (ms) of durations in µs; null when there are none.
func percentiles(us []int64) summary {
	sort.Slice(us, func(i, j int) bool { return us[i] < us[j] })
	pct := func(p float64) *float64 {
		if len(us) == 0 {
			return nil
		}
		return finite(float64(us[max(0, int(math.Ceil(p*float64(len(us))/100))-1)]) / 1000)
	}
	return summary{Count: len(us), P50: pct(50), P90: pct(90), P99: pct(99), P999: pct(99.9), Max: pct(100)}
}

func writeSamples(all []sample, t0, from, to time.Duration) {
	var b bytes.Buffer
	for _, s := range all {
		if s.at >= from && s.at < to {
			fmt.Fprintf(&b, "%.3f %d\n", unixMillis(t0+s.at), s.us)
		}
	}
	_ = os.WriteFile(samplesOut, b.Bytes(), 0o644)
}

// writeStalls writes "gap start end" lines (Unix ms) as the Node generator does; this one never has "gc" lines
// while it measures, its collector being off.
func writeStalls(stalls [][2]time.Duration) {
	var b bytes.Buffer
	for _, s := range stalls {
		fmt.Fprintf(&b, "gap %.3f %.3f\n", unixMillis(s[0]), unixMillis(s[1]))
	}
	_ = os.WriteFile(samplesOut+".client", b.Bytes(), 0o644)
}

func deflateAgreed() bool {
	return len(pairs) > 0 && pairs[0].a.deflate
}

// ---- commands ----

func command(line string) (string, error) {
	f := strings.Fields(line)
	num := func(i int) float64 {
		if i >= len(f) {
			return 0
		}
		v, _ := strconv.ParseFloat(f[i], 64)
		return v
	}
	ms := func(i int) time.Duration { return time.Duration(num(i) * float64(time.Millisecond)) }
	secs := func(i int) time.Duration { return time.Duration(num(i) * float64(time.Second)) }
	switch f[0] {
	case "open":
		file := ""
		if len(f) > 2 {
			file = f[2]
		}
		n, err := open(int(num(1)), file)
		return fmt.Sprintf("opened %d", n), err
	case "close":
		closeAll()
		return "closed", nil
	case "relay":
		period, warmup, measure := ms(1), secs(2), secs(3)
		before := unexpected.Load()
		all, client := relay(period, warmup, measure, warmup)
		type result struct {
			summary
			Seconds           float64       `json:"seconds"`
			MessagesPerSecond *float64      `json:"messagesPerSecond"`
			Unexpected        int64         `json:"unexpected"`
			Deflate           bool          `json:"deflate"`
			Client            clientFigures `json:"client"`
		}
		s := summarize(all, warmup, warmup+measure)
		out, err := json.Marshal(result{s, measure.Seconds(), finite(float64(s.Count) / measure.Seconds()), unexpected.Load() - before, deflateAgreed(), client})
		return "result " + string(out), err
	case "startup":
		period, seconds, window := ms(1), secs(2), secs(3)
		all, client := relay(period, 0, seconds, 0)
		type span struct {
			From int `json:"from"`
			To   int `json:"to"`
			summary
		}
		var windows []span
		for from := time.Duration(0); from < seconds; from += window {
			windows = append(windows, span{int(from.Seconds()), int((from + window).Seconds()), summarize(all, from, from+window)})
		}
		out, err := json.Marshal(map[string]any{
			"windows": windows, "all": span{0, int(seconds.Seconds()), summarize(all, 0, seconds)},
			"deflate": deflateAgreed(), "client": client,
		})
		return "result " + string(out), err
	case "join":
		source := "-"
		if len(f) > 3 {
			source = f[3]
		}
		r, err := join(int(num(1)), ms(2), source)
		if err != nil {
			return "", err
		}
		out, err := json.Marshal(r)
		return "result " + string(out), err
	case "quit":
		os.Exit(0)
	}
	return "", errors.New("unknown command: " + line)
}

func main() {
	if target != "videocall" && target != "peerjs" {
		fmt.Fprintln(os.Stderr, "TARGET must be videocall or peerjs")
		os.Exit(2)
	}
	// No collection while measuring: relay() collects between runs; the limit is only a guard.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(4 << 30)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		answer, err := command(line)
		if err != nil {
			answer = "error " + strings.ReplaceAll(err.Error(), "\n", " | ")
		}
		fmt.Println(answer)
	}
}

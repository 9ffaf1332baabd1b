package main

// The connect-and-join load: pairs arrive spread over a few seconds, and each connects both people,
// joins and signals two calls while the pairs after it are still connecting, so upgrades, token
// checks, joins and (with "create") call creation share the server with the relaying. The steady
// state (relay) leaves this phase out.
//
//	join PAIRS SPREAD_MS SOURCE → "result {json}"
//
// SOURCE: a links file ([urlA, urlB] per pair, minted before the run: ours), "create" (each pair
// first creates its call with POST /api/calls, during the run: ours), or "-" (peerjs-server, whose
// ids need no call). Pair i starts at i*SPREAD/PAIRS; once both of its people are accepted (ours:
// both welcomed, so both are in the call) it sends joinSchedule, one message every joinGap, then
// closes both sockets once all of them have arrived (or joinDrain after its last one was sent).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	joinCalls          = 2
	joinCandidates     = 20 // per call, alternating sides, the offerer's first
	joinMessages       = joinCalls * (2 + joinCandidates)
	joinGap            = 50 * time.Millisecond
	joinDrain          = 5 * time.Second
	joinAcceptTimeout  = 30 * time.Second
	joinRequestTimeout = 30 * time.Second
)

// step is one message of a pair's signaling: who sends it and what it is.
type step struct {
	fromA bool
	kind  byte
}

// joinSchedule is a pair's 44 messages in order: two calls, the first offered by a and the second by
// b (a renegotiation, or a second call of the same two people), each an offer, its answer, then 20
// candidates, the two sides taking turns as both trickle theirs.
func joinSchedule() []step {
	var s []step
	for call := range joinCalls {
		offererIsA := call%2 == 0
		s = append(s, step{offererIsA, 'O'}, step{!offererIsA, 'A'})
		for i := range joinCandidates {
			s = append(s, step{offererIsA == (i%2 == 0), 'C'})
		}
	}
	return s
}

// joinPair is one pair of the connect-and-join load.
type joinPair struct {
	a, b     *conn
	mu       sync.Mutex
	samples  []sample
	received int
	all      chan struct{} // closed when every message of the schedule has arrived
	once     sync.Once
}

// joinRun holds what every pair of one join command records.
type joinRun struct {
	t0         time.Duration
	mu         sync.Mutex
	connect    []int64 // µs from a socket's dial to its acceptance (ours: welcome; peerjs: OPEN)
	create     []int64 // µs of POST /api/calls
	ready      []int64 // µs from a pair's start to both of its people accepted
	failed     int
	firstError error
	unexpected atomic.Int64
}

func (j *joinRun) fail(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.failed++
	if j.firstError == nil {
		j.firstError = err
	}
}

func (j *joinRun) record(list *[]int64, d time.Duration) {
	j.mu.Lock()
	defer j.mu.Unlock()
	*list = append(*list, d.Microseconds())
}

// joinFrame sorts a frame a pair's socket received: a stamped message is a sample; the server's own
// frames about the call (welcome, peer-joined, peer-left; peerjs-server's OPEN) are not counted;
// anything else (an error frame, say) is unexpected.
func (j *joinRun) joinFrame(p *joinPair, f []byte, admitted chan struct{}, admitOnce *sync.Once) {
	if _, sent, ok := stamp(f); ok {
		now := since()
		p.mu.Lock()
		p.samples = append(p.samples, sample{at: now - j.t0, us: max(0, now.Microseconds()-sent)})
		p.received++
		if p.received == joinMessages {
			p.once.Do(func() { close(p.all) })
		}
		p.mu.Unlock()
		return
	}
	switch {
	case accepted(f):
		admitOnce.Do(func() { close(admitted) })
	case peerJoined(f) || bytes.HasPrefix(f, []byte(`{"type":"peer-left"`)):
	default:
		j.unexpected.Add(1)
	}
}

// joinLinks is what a pair connects with: its two socket URLs and names.
type joinLinks struct {
	urlA, urlB, aName, bName, origin string
}

// createCall asks the server for a call between aName and bName, as the page's owner does, and
// turns its two invite links into the sockets' URLs.
func createCall(client *http.Client, aName, bName string) (joinLinks, error) {
	body := fmt.Sprintf(`{"users":[%q,%q]}`, aName, bName)
	resp, err := client.Post("http://127.0.0.1:"+port+"/api/calls", "application/json", strings.NewReader(body))
	if err != nil {
		return joinLinks{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return joinLinks{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return joinLinks{}, fmt.Errorf("POST /api/calls: %d %s", resp.StatusCode, data)
	}
	var created struct {
		Links map[string]string `json:"links"`
	}
	if err := json.Unmarshal(data, &created); err != nil {
		return joinLinks{}, err
	}
	urlA, err := socketURL(created.Links[aName])
	if err != nil {
		return joinLinks{}, err
	}
	urlB, err := socketURL(created.Links[bName])
	if err != nil {
		return joinLinks{}, err
	}
	return joinLinks{urlA, urlB, aName, bName, "http://127.0.0.1:" + port}, nil
}

// socketURL turns an invite link (BASE/video?userID=…&peerID=…#token=…) into the WebSocket URL the
// page opens with it, the token in the query as the steady-state links carry it.
func socketURL(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil || u.Fragment == "" {
		return "", fmt.Errorf("not an invite link: %q", link)
	}
	fragment, err := url.ParseQuery(u.Fragment)
	if err != nil || fragment.Get("token") == "" {
		return "", fmt.Errorf("no token in the link: %q", link)
	}
	q := u.Query()
	q.Set("token", fragment.Get("token"))
	scheme := "ws"
	if u.Scheme == "https" {
		scheme = "wss"
	}
	ws := url.URL{Scheme: scheme, Host: u.Host, Path: strings.TrimSuffix(u.Path, "/video") + "/video/connections", RawQuery: q.Encode()}
	return ws.String(), nil
}

var joinCommands int

func peerjsLinks(run, i int) joinLinks {
	aName, bName := fmt.Sprintf("ja%dx%d", run, i), fmt.Sprintf("jb%dx%d", run, i)
	return joinLinks{
		urlA:  fmt.Sprintf("ws://127.0.0.1:%s/peerjs?key=peerjs&id=%s&token=t%d", port, aName, i),
		urlB:  fmt.Sprintf("ws://127.0.0.1:%s/peerjs?key=peerjs&id=%s&token=t%d", port, bName, i),
		aName: aName, bName: bName,
	}
}

func linksFromFile(file string, n int) ([]joinLinks, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	if err := json.Unmarshal(data, &pairs); err != nil {
		return nil, err
	}
	if len(pairs) < n {
		return nil, fmt.Errorf("%s has %d pairs of links, %d wanted", file, len(pairs), n)
	}
	out := make([]joinLinks, n)
	for i := range n {
		ua, errA := url.Parse(pairs[i][0])
		ub, errB := url.Parse(pairs[i][1])
		if errA != nil || errB != nil {
			return nil, fmt.Errorf("not a URL in %s: %v %v", file, errA, errB)
		}
		out[i] = joinLinks{pairs[i][0], pairs[i][1], ua.Query().Get("userID"), ub.Query().Get("userID"), "http://127.0.0.1:" + ua.Port()}
	}
	return out, nil
}

// joinOne is one pair's life: its call (if created), both sockets, the schedule, the close.
func (j *joinRun) joinOne(links joinLinks, startedAt time.Duration, results chan<- *joinPair) {
	p := &joinPair{all: make(chan struct{}), samples: make([]sample, 0, joinMessages)}
	defer func() { results <- p }()
	type side struct {
		c        *conn
		err      error
		accepted chan struct{}
	}
	open := func(rawURL, self, peer string) side {
		s := side{accepted: make(chan struct{})}
		var once sync.Once
		dialed := since()
		s.c, s.err = dial(rawURL, links.origin, self, peer, func(f []byte) { j.joinFrame(p, f, s.accepted, &once) })
		if s.err != nil {
			return s
		}
		select {
		case <-s.accepted:
			j.record(&j.connect, since()-dialed)
		case <-time.After(joinAcceptTimeout):
			s.err = errors.New("timed out waiting for " + self + " to be accepted")
		}
		return s
	}
	sides := make(chan side, 1)
	go func() { sides <- open(links.urlB, links.bName, links.aName) }()
	a := open(links.urlA, links.aName, links.bName)
	b := <-sides
	p.a, p.b = a.c, b.c
	if err := errors.Join(a.err, b.err); err != nil {
		j.fail(err)
		return
	}
	ready := since()
	j.record(&j.ready, ready-startedAt)
	for k, s := range joinSchedule() {
		time.Sleep(ready + time.Duration(k)*joinGap - since())
		if s.fromA {
			p.a.send(s.kind)
		} else {
			p.b.send(s.kind)
		}
	}
	select {
	case <-p.all:
	case <-time.After(joinDrain):
	}
}

// closePair ends both sockets with a normal close and waits for the server's answer (up to 10 s).
func closePair(p *joinPair) {
	for _, c := range []*conn{p.a, p.b} {
		if c == nil {
			continue
		}
		c.writing.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "done"), time.Now().Add(10*time.Second))
		c.writing.Unlock()
	}
	for _, c := range []*conn{p.a, p.b} {
		if c == nil {
			continue
		}
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
		}
		_ = c.ws.Close()
	}
}

// joinResult is the join command's answer: latency over every message received, and over those that
// arrived while pairs were still starting; how long connecting, creating and getting ready took.
type joinResult struct {
	summary
	WhileStarting     summary       `json:"whileStarting"`
	Expected          int           `json:"expected"`
	Missing           int           `json:"missing"`
	Unexpected        int64         `json:"unexpected"`
	FailedPairs       int           `json:"failedPairs"`
	FirstError        string        `json:"firstError,omitempty"`
	Seconds           float64       `json:"seconds"`
	MessagesPerSecond *float64      `json:"messagesPerSecond"`
	Connect           summary       `json:"connect"`
	Create            summary       `json:"create"`
	Ready             summary       `json:"ready"`
	Deflate           bool          `json:"deflate"`
	Client            clientFigures `json:"client"`
}

// join runs the connect-and-join load once: n pairs started over spread, from source.
func join(n int, spread time.Duration, source string) (joinResult, error) {
	runtime.GC() // the last command's garbage, collected now rather than during this one
	var gcBefore runtime.MemStats
	runtime.ReadMemStats(&gcBefore)
	joinCommands++
	run := joinCommands
	var fromFile []joinLinks
	if source != "-" && source != "create" {
		var err error
		if fromFile, err = linksFromFile(source, n); err != nil {
			return joinResult{}, err
		}
	}
	client := &http.Client{Timeout: joinRequestTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 1000}}
	defer client.CloseIdleConnections()
	j := &joinRun{t0: since()}
	results := make(chan *joinPair, n)
	loop := watchLoop()
	cpu := cpuTime()
	for i := range n {
		go func() {
			startAt := j.t0 + time.Duration(i)*spread/time.Duration(n)
			time.Sleep(startAt - since())
			var links joinLinks
			switch source {
			case "-":
				links = peerjsLinks(run, i)
			case "create":
				var err error
				links, err = createCall(client, fmt.Sprintf("ja%dx%d", run, i), fmt.Sprintf("jb%dx%d", run, i))
				if err != nil {
					j.fail(err)
					results <- &joinPair{}
					return
				}
				j.record(&j.create, since()-startAt)
			default:
				links = fromFile[i]
			}
			j.joinOne(links, startAt, results)
		}()
	}
	var pairs []*joinPair
	for range n {
		pairs = append(pairs, <-results)
	}
	seconds := (since() - j.t0).Seconds()
	cpuShare := float64(cpuTime()-cpu) / float64(since()-j.t0)
	p99, maxDelay := loop.finish()
	var gcAfter runtime.MemStats
	runtime.ReadMemStats(&gcAfter)
	var closing sync.WaitGroup
	for _, p := range pairs {
		closing.Add(1)
		go func() {
			defer closing.Done()
			closePair(p)
		}()
	}
	closing.Wait()
	var all []sample
	for _, p := range pairs {
		p.mu.Lock()
		all = append(all, p.samples...)
		p.mu.Unlock()
	}
	s := summarize(all, 0, time.Duration(seconds*float64(time.Second))+time.Second)
	r := joinResult{
		summary:       s,
		WhileStarting: summarize(all, 0, spread),
		Expected:      n * joinMessages, Missing: n*joinMessages - s.Count,
		Unexpected: j.unexpected.Load(), FailedPairs: j.failed,
		Seconds: seconds, MessagesPerSecond: finite(float64(s.Count) / seconds),
		Connect: percentiles(j.connect), Create: percentiles(j.create), Ready: percentiles(j.ready),
		Deflate: len(pairs) > 0 && pairs[0].a != nil && pairs[0].a.deflate,
		Client: clientFigures{
			LoopDelayP99Ms: float64(p99) / 1e6, LoopDelayMaxMs: float64(maxDelay) / 1e6,
			CPUShare: finite(cpuShare), Collections: gcAfter.NumGC - gcBefore.NumGC,
		},
	}
	if j.firstError != nil {
		r.FirstError = j.firstError.Error()
	}
	return r, nil
}

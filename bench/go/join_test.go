package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestJoinScheduleIsTwoCallsOfAnOfferAnAnswerAndTwentyCandidates(t *testing.T) {
	s := joinSchedule()
	if len(s) != 44 || joinMessages != 44 {
		t.Fatalf("got %d messages (joinMessages %d), want 44", len(s), joinMessages)
	}
	for call, offererIsA := range []bool{true, false} {
		c := s[call*22 : (call+1)*22]
		if c[0] != (step{offererIsA, 'O'}) || c[1] != (step{!offererIsA, 'A'}) {
			t.Errorf("call %d starts %v %v, want an offer from a=%v and its answer from the other side", call+1, c[0], c[1], offererIsA)
		}
		fromA := 0
		for _, m := range c[2:] {
			if m.kind != 'C' {
				t.Errorf("call %d: %c among the candidates", call+1, m.kind)
			}
			if m.fromA {
				fromA++
			}
		}
		if fromA != 10 {
			t.Errorf("call %d: %d of 20 candidates from a, want 10", call+1, fromA)
		}
	}
}

func TestAnInviteLinkBecomesItsSocketURL(t *testing.T) {
	for link, want := range map[string]string{
		"http://127.0.0.1:8080/video?userID=alice&peerID=bob#token=v1.k.abc.17.mac": "ws://127.0.0.1:8080/video/connections?peerID=bob&token=v1.k.abc.17.mac&userID=alice",
		"https://example.com/calls/video?userID=a&peerID=b#token=t":                 "wss://example.com/calls/video/connections?peerID=b&token=t&userID=a",
	} {
		got, err := socketURL(link)
		if err != nil || got != want {
			t.Errorf("socketURL(%q) = %q, %v; want %q", link, got, err, want)
		}
	}
	for _, bad := range []string{"http://h/video?userID=a&peerID=b", "http://h/video?userID=a#other=1", "::"} {
		if got, err := socketURL(bad); err == nil {
			t.Errorf("socketURL(%q) = %q, want an error", bad, got)
		}
	}
}

// fakeServer relays every text message to the peer named in its socket's URL (ours: peerID; peerjs:
// the frame's dst), after accepting each socket as the real server does (ours: welcome, and
// peer-joined to the one already there; peerjs: OPEN); ours also creates calls at POST /api/calls.
func fakeServer(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	sockets := map[string]*websocket.Conn{}
	writing := map[*websocket.Conn]*sync.Mutex{}
	write := func(c *websocket.Conn, msg []byte) {
		mu.Lock()
		w := writing[c]
		mu.Unlock()
		w.Lock()
		defer w.Unlock()
		_ = c.WriteMessage(websocket.TextMessage, msg)
	}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	serve := func(w http.ResponseWriter, r *http.Request, self, peer string, accept []byte) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		sockets[self] = c
		writing[c] = &sync.Mutex{}
		other := sockets[peer]
		mu.Unlock()
		write(c, accept)
		if other != nil && peer != "" {
			write(other, []byte(`{"type":"peer-joined","peerID":"`+self+`"}`))
		}
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			to := peer
			if to == "" {
				var m struct{ Dst string }
				_ = json.Unmarshal(msg, &m)
				to = m.Dst
			}
			mu.Lock()
			dst := sockets[to]
			mu.Unlock()
			if dst != nil {
				write(dst, msg)
			}
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/video/connections", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("token") != "t-"+q.Get("userID") {
			http.Error(w, "bad link", http.StatusForbidden)
			return
		}
		serve(w, r, q.Get("userID"), q.Get("peerID"), []byte(`{"type":"welcome","userID":"`+q.Get("userID")+`"}`))
	})
	mux.HandleFunc("/peerjs", func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, r.URL.Query().Get("id"), "", []byte(`{"type":"OPEN"}`))
	})
	mux.HandleFunc("POST /api/calls", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Users []string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Users) != 2 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		link := func(a, b string) string {
			return fmt.Sprintf("http://%s/video?userID=%s&peerID=%s#token=t-%s", r.Host, a, b, a)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"links": map[string]string{
			req.Users[0]: link(req.Users[0], req.Users[1]), req.Users[1]: link(req.Users[1], req.Users[0]),
		}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// onServer runs f with TARGET and PORT as if the generator had been started against srv.
func onServer(t *testing.T, srv *httptest.Server, targetName string, f func()) {
	u, _ := url.Parse(srv.URL)
	savedPort := port
	port = u.Port()
	defer func() { port = savedPort }()
	withTarget(targetName, f)
}

func checkJoin(t *testing.T, r joinResult, err error, pairs int, created bool) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if r.FailedPairs != 0 || r.Count != pairs*44 || r.Missing != 0 || r.Unexpected != 0 || r.Expected != pairs*44 {
		t.Fatalf("got %d of %d messages (missing %d, unexpected %d, failed pairs %d: %s), want all %d",
			r.Count, r.Expected, r.Missing, r.Unexpected, r.FailedPairs, r.FirstError, pairs*44)
	}
	if r.Connect.Count != 2*pairs || r.Ready.Count != pairs {
		t.Errorf("connect times %d, ready times %d; want %d and %d", r.Connect.Count, r.Ready.Count, 2*pairs, pairs)
	}
	if wantCreated := map[bool]int{true: pairs, false: 0}[created]; r.Create.Count != wantCreated {
		t.Errorf("%d call creations timed, want %d", r.Create.Count, wantCreated)
	}
	// Each pair signals for 43 gaps of 50 ms once ready.
	if r.Seconds < 43*joinGap.Seconds() || r.P50 == nil || r.WhileStarting.Count > r.Count {
		t.Errorf("seconds %.2f, p50 %v, while starting %d of %d", r.Seconds, r.P50, r.WhileStarting.Count, r.Count)
	}
}

func TestJoinCreatesEachCallThenConnectsJoinsAndRelaysEveryMessage(t *testing.T) {
	srv := fakeServer(t)
	onServer(t, srv, "videocall", func() {
		r, err := join(5, 200*time.Millisecond, "create")
		checkJoin(t, r, err, 5, true)
	})
}

func TestJoinUsesTheLinksMintedBeforeTheRun(t *testing.T) {
	srv := fakeServer(t)
	u, _ := url.Parse(srv.URL)
	var links [][2]string
	for i := range 3 {
		a, b := fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)
		l := func(self, peer string) string {
			return fmt.Sprintf("ws://%s/video/connections?userID=%s&peerID=%s&token=t-%s", u.Host, self, peer, self)
		}
		links = append(links, [2]string{l(a, b), l(b, a)})
	}
	file := t.TempDir() + "/links.json"
	data, _ := json.Marshal(links)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	onServer(t, srv, "videocall", func() {
		r, err := join(3, 100*time.Millisecond, file)
		checkJoin(t, r, err, 3, false)
	})
}

func TestJoinOnPeerjsNeedsNoCall(t *testing.T) {
	srv := fakeServer(t)
	onServer(t, srv, "peerjs", func() {
		r, err := join(4, 100*time.Millisecond, "-")
		checkJoin(t, r, err, 4, false)
	})
}

func TestAPairThatIsRefusedIsCountedAsFailed(t *testing.T) {
	srv := fakeServer(t)
	u, _ := url.Parse(srv.URL)
	bad := fmt.Sprintf("ws://%s/video/connections?userID=a&peerID=b&token=forged", u.Host)
	file := t.TempDir() + "/links.json"
	data, _ := json.Marshal([][2]string{{bad, strings.Replace(bad, "userID=a&peerID=b", "userID=b&peerID=a", 1)}})
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	onServer(t, srv, "videocall", func() {
		r, err := join(1, time.Millisecond, file)
		if err != nil || r.FailedPairs != 1 || r.Missing != 44 || r.FirstError == "" {
			t.Errorf("failed pairs %d, missing %d, first error %q, err %v; want the one pair failed and its 44 missing", r.FailedPairs, r.Missing, r.FirstError, err)
		}
	})
}

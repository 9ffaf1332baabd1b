package main

import (
	"encoding/json"
	"testing"
	"time"
)

// withTarget runs f as if TARGET were t.
func withTarget(t string, f func()) {
	saved := target
	target = t
	defer func() { target = saved }()
	f()
}

func TestOurFramesAreTheSignalingMessagesBrowsersSend(t *testing.T) {
	withTarget("videocall", func() {
		for kind, want := range map[byte]struct {
			typ   string
			chars int
		}{'O': {"offer", sdpChars}, 'A': {"answer", sdpChars}, 'C': {"candidate", candidateChars}} {
			var m struct {
				Type string `json:"type"`
				SDP  string `json:"sdp"`
				ICE  *struct {
					Candidate     string `json:"candidate"`
					SDPMid        string `json:"sdpMid"`
					SDPMLineIndex *int   `json:"sdpMLineIndex"`
				} `json:"ice"`
			}
			if err := json.Unmarshal(appendFrame(nil, kind, "alice", "bob"), &m); err != nil {
				t.Fatalf("%c: not JSON: %v", kind, err)
			}
			text := m.SDP
			if kind == 'C' {
				if m.ICE == nil || m.ICE.SDPMid != "0" || m.ICE.SDPMLineIndex == nil {
					t.Fatalf("candidate without its ice fields: %+v", m)
				}
				text = m.ICE.Candidate
			}
			if m.Type != want.typ || len(text) != want.chars {
				t.Errorf("%c: type %q with %d chars, want %q with %d", kind, m.Type, len(text), want.typ, want.chars)
			}
		}
	})
}

func TestPeerjsFramesNameTheirDestination(t *testing.T) {
	withTarget("peerjs", func() {
		var m struct {
			Type    string `json:"type"`
			Dst     string `json:"dst"`
			Payload struct {
				ConnectionID string `json:"connectionId"`
				SDP          struct {
					Type string `json:"type"`
					SDP  string `json:"sdp"`
				} `json:"sdp"`
				Candidate struct {
					Candidate string `json:"candidate"`
				} `json:"candidate"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(appendFrame(nil, 'A', "a1", "b1"), &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != "ANSWER" || m.Dst != "b1" || m.Payload.ConnectionID != "mc_a1" || m.Payload.SDP.Type != "answer" || len(m.Payload.SDP.SDP) != sdpChars {
			t.Errorf("answer: %+v", m)
		}
		if err := json.Unmarshal(appendFrame(nil, 'C', "a1", "b1"), &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != "CANDIDATE" || len(m.Payload.Candidate.Candidate) != candidateChars {
			t.Errorf("candidate: %+v", m)
		}
	})
}

func TestAFrameCarriesItsKindAndSendTime(t *testing.T) {
	before := since().Microseconds()
	f := appendFrame(nil, 'A', "alice", "bob")
	after := since().Microseconds()
	// As the server relays it: the same text inside a larger object.
	relayed := append([]byte(`{"type":"relayed","from":"bob","data":`), f...)
	kind, sent, ok := stamp(append(relayed, '}'))
	if !ok || kind != 'A' || sent < before || sent > after {
		t.Fatalf("stamp = %c %d %v, want A in [%d, %d]", kind, sent, ok, before, after)
	}
}

func TestFramesWithoutAStampAreNotSamples(t *testing.T) {
	for _, f := range []string{`{"type":"welcome","epoch":1}`, `{"x":"@TO12"}`, `{"x":"@TO1x2@"}`, `@T`} {
		if _, _, ok := stamp([]byte(f)); ok {
			t.Errorf("%s was read as a sample", f)
		}
	}
}

func TestPercentilesAreExactAndNullWhenEmpty(t *testing.T) {
	var all []sample
	for i := 1; i <= 1000; i++ {
		all = append(all, sample{at: time.Duration(i) * time.Millisecond, us: int64(i)})
	}
	s := summarize(all, 0, time.Hour)
	if s.Count != 1000 || *s.P50 != 0.5 || *s.P99 != 0.99 || *s.P999 != 0.999 || *s.Max != 1 {
		t.Errorf("summary %d %v %v %v %v", s.Count, *s.P50, *s.P99, *s.P999, *s.Max)
	}
	window := summarize(all, 100*time.Millisecond, 200*time.Millisecond)
	if window.Count != 100 || *window.P50 != 0.149 {
		t.Errorf("window [100, 200) ms: %d samples, p50 %v", window.Count, *window.P50)
	}
	if empty := summarize(all, 2*time.Hour, 3*time.Hour); empty.Count != 0 || empty.P99 != nil {
		t.Errorf("empty window: %+v", empty)
	}
}

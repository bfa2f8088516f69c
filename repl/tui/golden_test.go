package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Golden files hold the final View() content (plain: the NoTTY profile
// renders no attributes), never teatest's raw output stream, whose
// intermediate frames depend on timing. Run with -update to rewrite them.

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func sizeName(w, h int) string { return fmt.Sprintf("%dx%d", w, h) }

// runTeatest runs the app in a real Bubble Tea program (teatest), sends
// keys once the services are drawn, quits, and returns the final model's
// screen.
func runTeatest(t *testing.T, w, h int, keys ...string) string {
	t.Helper()
	s := newTestSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := newApp(ctx, s, Options{HistoryPath: filepath.Join(t.TempDir(), "h.jsonl"), Version: "test"})
	app.loc = time.UTC
	defer app.shutdown()
	root := &rootModel{app: app, crash: &crashState{}}
	tm := teatest.NewTestModel(t, root,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.NoTTY)))
	// The services are drawn and the connection reported READY through
	// the app's own watch (the final screen shows it; nothing overwrites
	// it).
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("SayHello")) && bytes.Contains(b, []byte("● ready"))
	},
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
	// A marker message goes through the queue after the keys.
	done := make(chan struct{})
	tm.Send(syncMsg{done})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not handle the keys")
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*rootModel)
	final.app.describe = "127.0.0.1:8888 plaintext"
	if final.app.flash != "" {
		t.Fatalf("a flash message %q is on the final screen", final.app.flash)
	}
	return final.app.render()
}

// syncMsg is closed when the app's Update sees it.
type syncMsg struct{ done chan struct{} }

func (m syncMsg) ack() { close(m.done) }

func rawJSON(docs ...string) []json.RawMessage {
	var out []json.RawMessage
	for _, d := range docs {
		out = append(out, json.RawMessage(d))
	}
	return out
}

func TestTreeGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			// j×11: from TestServer down to helloworld.Greeter/SayHello.
			keys := strings.Split(strings.Repeat("j", 11), "")
			scr := runTeatest(t, sz.w, sz.h, keys...)
			if !strings.Contains(scr, "→ helloworld.HelloRequest") || !strings.Contains(scr, "Sends a greeting") {
				t.Errorf("the details of SayHello are missing:\n%s", scr)
			}
			golden.RequireEqual(t, scr)
		})
	}
}

func TestTreeFilter(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press("/")
	h.typeText("chat")
	scr := h.screen()
	if !strings.Contains(scr, "Chat") || strings.Contains(scr, "SayHello") {
		t.Fatalf("filter chat:\n%s", scr)
	}
	if m := h.m.tree.selected(); m == nil || m.Name() != "Chat" {
		t.Fatalf("selected %v, want Chat", m)
	}
	for _, badge := range []string{"bidi"} {
		if !strings.Contains(scr, badge) {
			t.Errorf("badge %q missing", badge)
		}
	}
	h.press("esc")
	if h.m.tree.filter.Value() != "" || !strings.Contains(h.screen(), "SayHello") {
		t.Fatalf("esc did not clear the filter:\n%s", h.screen())
	}
	// Each kind of badge shows.
	scr = h.screen()
	for _, badge := range []string{"unary", "server", "client", "bidi"} {
		if !strings.Contains(scr, badge) {
			t.Errorf("badge %q missing:\n%s", badge, scr)
		}
	}
	// Collapse a service with ←, expand with →.
	h.press("g", "left")
	if !h.m.tree.collapsed[h.m.tree.rows[0].service.FullName()] {
		t.Fatal("← did not collapse the service")
	}
	h.press("right")
	if h.m.tree.collapsed[h.m.tree.rows[0].service.FullName()] {
		t.Fatal("→ did not expand the service")
	}
}

func TestHelpGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			scr := runTeatest(t, sz.w, sz.h, "?")
			if !strings.Contains(scr, "ctrl+s") || !strings.Contains(scr, "Keys") {
				t.Errorf("help lacks the keys:\n%s", scr)
			}
			golden.RequireEqual(t, scr)
		})
	}
}

// syntheticCall makes a finished or running call of a method without a
// server round trip, so that its screen is the same on every run.
func syntheticCall(t *testing.T, h *harness, method string, start time.Time) *call {
	t.Helper()
	md, err := h.m.s.FindMethod(method)
	if err != nil {
		t.Fatal(err)
	}
	h.m.openForm(md)
	h.m.nextID++
	c := &call{id: h.m.nextID, method: md, cancel: func() {}, startedAt: start, phase: phaseHalfClosed, msgs: newMsgRing(h.m.keep), sent: 1}
	h.m.call = c
	h.m.resp.reset()
	h.m.setFocus(focusResp)
	return c
}

func parseMsg(t *testing.T, h *harness, md protoreflect.MessageDescriptor, js string) *dynamicpb.Message {
	t.Helper()
	m, err := dynamic.ParseJSON(h.m.s.Types(), md, []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var t0 = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)

func TestRespGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t, sz.w, sz.h)
			h.waitServices()
			clock := &fixedClock{t0.Add(2 * time.Millisecond)}
			h.m.now = clock.now
			c := syntheticCall(t, h, "helloworld.Greeter/SayHello", t0)
			h.send(callEventsMsg{id: c.id, closed: true, events: []dynamic.Event{
				dynamic.HeaderEvent{Header: metadata.Pairs("content-type", "application/grpc", "x-served-by", "demo"), Elapsed: 800 * time.Microsecond},
				dynamic.MessageEvent{Message: parseMsg(t, h, c.method.Output(), `{"message":"Hello Ada"}`), Index: 1, Elapsed: 1200 * time.Microsecond},
				dynamic.EndEvent{Status: &dynamic.Status{Status: status.New(codes.OK, "")}, Trailer: metadata.Pairs("x-trailer", "t"), Elapsed: 1500 * time.Microsecond, Sent: 1, Received: 1},
			}})
			h.stable()
			golden.RequireEqual(t, h.screen())
		})
	}
}

func TestRespStatusDetailsGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t, sz.w, sz.h)
			h.waitServices()
			h.m.now = (&fixedClock{t0.Add(time.Second)}).now
			c := syntheticCall(t, h, "showcase.Showcase/Fail", t0)
			st, err := status.New(codes.NotFound, "no such thing").WithDetails(
				&errdetails.ErrorInfo{Reason: "MISSING", Domain: "example.com"})
			if err != nil {
				t.Fatal(err)
			}
			p := st.Proto()
			p.Details = append(p.Details, &anypb.Any{TypeUrl: "type.example.com/acme.Secret", Value: []byte{1, 2, 3, 250}})
			h.send(callEventsMsg{id: c.id, closed: true, events: []dynamic.Event{
				dynamic.HeaderEvent{Header: metadata.MD{}, Elapsed: time.Millisecond},
				dynamic.EndEvent{Status: dynamic.DecodeStatusWith(h.m.s.Types(), status.FromProto(p)), Elapsed: 2 * time.Millisecond, Sent: 1},
			}})
			h.press("4")
			h.stable()
			scr := h.screen()
			content := h.m.resp.vp.GetContent()
			for _, want := range []string{"NOT_FOUND (5)", "google.rpc.ErrorInfo", "type.example.com/acme.Secret", "base64: AQID+g=="} {
				if !strings.Contains(content, want) {
					t.Errorf("status tab lacks %q", want)
				}
			}
			golden.RequireEqual(t, scr)
		})
	}
}

func TestStreamGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t, sz.w, sz.h)
			h.waitServices()
			h.m.keep = 20
			clock := &fixedClock{t0}
			h.m.now = clock.now
			c := syntheticCall(t, h, "showcase.Showcase/Count", t0)
			c.addRequest(parseMsg(t, h, c.method.Input(), `{"count":1000,"interval":"0.01s"}`))
			ticks := func(from, to int) []dynamic.Event {
				var evs []dynamic.Event
				for i := from; i <= to; i++ {
					js := fmt.Sprintf(`{"index":%d,"sentAt":"2026-11-24T09:30:%02d.%03dZ"}`, i, i/100, (i%100)*10)
					evs = append(evs, dynamic.MessageEvent{Message: parseMsg(t, h, c.method.Output(), js), Index: i, Elapsed: time.Duration(i) * 10 * time.Millisecond})
				}
				return evs
			}
			clock.t = t0.Add(time.Second)
			h.send(callEventsMsg{id: c.id, events: append([]dynamic.Event{dynamic.HeaderEvent{Header: metadata.MD{}, Elapsed: time.Millisecond}}, ticks(1, 100)...)})
			clock.t = t0.Add(2 * time.Second)
			h.send(callEventsMsg{id: c.id, events: ticks(101, 200)})
			if !c.running() || c.msgs.total != 200 || c.msgs.n != 20 {
				t.Fatalf("running %v, total %d, kept %d; want running, 200, 20", c.running(), c.msgs.total, c.msgs.n)
			}
			h.stable()
			scr := h.screen()
			for _, want := range []string{"200 msgs", "100 msg/s", "newest 20 kept", "── #200"} {
				if !strings.Contains(scr, want) {
					t.Errorf("stream view lacks %q:\n%s", want, scr)
				}
			}
			golden.RequireEqual(t, scr)
		})
	}
}

func TestHistGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t, sz.w, sz.h)
			h.waitServices()
			h.m.now = (&fixedClock{t0.Add(time.Hour)}).now
			waitHandled[historyLoadedMsg](h, 1) // the (empty) history file is read
			h.m.hist.entries = nil
			entries := []historyEntry{
				{Time: t0.Add(-48 * time.Hour), Method: "helloworld.Greeter.SayHello", Kind: "unary", Requests: rawJSON(`{"name":"yesterday"}`), Code: "OK", LatencyMS: 1.25, Sent: 1, Received: 1},
				{Time: t0, Method: "showcase.Showcase.Count", Kind: "server", Requests: rawJSON(`{"count":5}`), Code: "OK", LatencyMS: 12.5, Sent: 1, Received: 5},
				{Time: t0.Add(time.Minute), Method: "showcase.Showcase.Sleep", Kind: "unary", Requests: rawJSON(`{"duration":"10s"}`), Code: "CANCELLED", Message: "context canceled", LatencyMS: 1520, Sent: 1},
				{Time: t0.Add(2 * time.Minute), Method: "showcase.Showcase.Sum", Kind: "client", Requests: rawJSON(`{"value":"1"}`, `{"value":"2"}`), Code: "OK", LatencyMS: 3.2, Sent: 2, Received: 1},
			}
			for _, e := range entries {
				e.Target = h.m.s.Target() // listed: calls of the current target
				h.m.hist.add(e)
			}
			h.press("ctrl+r")
			h.stable()
			scr := h.screen()
			if !strings.Contains(scr, "showcase.Showcase.Sum") || !strings.Contains(scr, "CANCELLED") {
				t.Errorf("history view:\n%s", scr)
			}
			golden.RequireEqual(t, scr)
		})
	}
}

package tui

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/dynamic"
)

// sendResult is what one of the pane's sends returned.
type sendResult struct {
	lesson *dynamic.Lesson
	err    error
}

// recordSends wraps the open pane's send so that the test sees what each
// send returned, as the pane would have, before the app is given it.
func recordSends(h *harness) <-chan sendResult {
	results := make(chan sendResult, 4)
	send := h.m.learn.send
	h.m.learn.send = func(ctx context.Context) (*dynamic.Lesson, error) {
		l, err := send(ctx)
		results <- sendResult{l, err}
		return l, err
	}
	return results
}

// code is the send's gRPC outcome: the call's status, or its error's.
func (r sendResult) code() codes.Code {
	switch {
	case r.err != nil:
		return status.Code(r.err)
	case r.lesson.SendErr != nil:
		return status.Code(r.lesson.SendErr)
	case r.lesson.Call == nil || r.lesson.Call.Status == nil:
		return codes.Unknown
	}
	return r.lesson.Call.Status.Code()
}

// TestExplainSendCancelledByClose: s on a 600s Sleep, then esc: the send
// ends CANCELLED (it would otherwise take 600s, far past the wait), and
// when its result comes back the pane of another method opened since is
// unchanged: not its lesson, not its tab, not its status. While the send
// runs a second s is refused, not started.
func TestExplainSendCancelledByClose(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Sleep", "showcase sleep")
	h.fillFirst("600s")
	h.press("alt+e")
	results := recordSends(h)
	h.press("s")
	if !h.m.learn.sending {
		t.Fatalf("s did not start a send:\n%s", h.screen())
	}
	h.waitScreen("sending… (esc cancels it)")
	first := h.m.learn.sendID
	h.press("s")
	if h.m.learn.sendID != first || !h.m.learn.sending {
		t.Fatalf("a second s while sending started send %d (first %d)", h.m.learn.sendID, first)
	}
	h.waitScreen("one at a time")

	h.press("esc")
	if h.m.topOverlay() != ovNone {
		t.Fatal("esc did not close the pane")
	}
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("alt+e")
	newer := h.m.learn
	if newer.sending {
		t.Fatal("the new pane says it is sending")
	}
	// The first send's result arrives, cancelled, and is dropped.
	waitHandled[explainSentMsg](h, 1)
	r := <-results // sent before the message was made
	if got := r.code(); got != codes.Canceled {
		t.Fatalf("the closed pane's send ended %v, want CANCELLED", got)
	}
	if len(results) != 0 {
		t.Fatalf("%d more sends ran: the second s was not refused", len(results))
	}
	got := h.m.learn
	if got.lesson != newer.lesson || got.tab != newer.tab || got.status != newer.status || got.sending {
		t.Fatalf("the stale send changed the new pane: lesson %v → %v (method %s), tab %d → %d, status %q → %q",
			newer.lesson != nil, got.lesson != nil, got.lesson.Method.FullName(), newer.tab, got.tab, newer.status, got.status)
	}
}

// TestExplainSendStaleInTheSamePane: a result whose id is not the pane's
// running send (an older send of the pane, or another pane's) is dropped;
// the pane's own is taken.
func TestExplainSendStaleInTheSamePane(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Sleep", "showcase sleep")
	h.fillFirst("600s")
	h.press("alt+e")
	results := recordSends(h)
	h.press("s")
	before := h.m.learn
	h.send(explainSentMsg{id: before.sendID + 1000, err: context.Canceled})
	if got := h.m.learn; !got.sending || got.status != before.status {
		t.Fatalf("a result of another send was taken: sending %v, status %q", got.sending, got.status)
	}
	h.press("esc")
	waitHandled[explainSentMsg](h, 2) // the one above, and the cancelled send's
	if r := <-results; r.code() != codes.Canceled {
		t.Fatalf("the send ended %v, want CANCELLED", r.code())
	}
}

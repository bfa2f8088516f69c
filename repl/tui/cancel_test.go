package tui

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/grpcsh/grpcsh/dynamic"
)

// The TUI cancels a call two ways at once, its context and its stream
// (dynamic.Stream.Cancel). These tests take the context away, so that only
// the stream's cancel can end the call.

// TestCancelKeyCancelsTheStream: ctrl+c ends a 10s Sleep with CANCELLED
// even when cancelling the call's context does nothing.
func TestCancelKeyCancelsTheStream(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.openMethod("showcase.Showcase.Sleep", "showcase sleep")
	h.fillFirst("10s")
	h.press("ctrl+s")
	h.waitFor("the call to be in flight", func() bool { return h.m.call != nil && h.m.call.phase == phaseHalfClosed }, 10*time.Second)
	c := h.m.call
	t.Cleanup(c.cancel)
	c.cancel = func() {} // only the stream's Cancel is left
	h.press("ctrl+c")
	h.waitCallDone()
	if got := h.m.call.code(); got != codes.Canceled {
		t.Fatalf("status %v, want CANCELLED: the stream was not cancelled", got)
	}
}

// TestStaleStreamIsCancelled: a stream that starts after its call was
// replaced (the user sent again while it was connecting) is cancelled, not
// left running; its context is not the app's, so only Stream.Cancel ends it.
func TestStaleStreamIsCancelled(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.waitServices()
	md, err := h.m.s.FindMethod("showcase.Showcase/Sleep")
	if err != nil {
		t.Fatal(err)
	}
	req, err := h.m.s.ParseRequest(md, []byte(`{"duration": "10s"}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := h.m.s.Start(ctx, md)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(req); err != nil {
		t.Fatal(err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	h.send(callStartedMsg{id: h.m.nextID + 1, stream: stream, sent: true, closed: true}) // no call has this id
	timeout := time.After(5 * time.Second)                                               // far less than the Sleep
	for {
		select {
		case ev := <-stream.Events():
			end, ok := ev.(dynamic.EndEvent)
			if !ok {
				continue
			}
			if got := end.Status.Code(); got != codes.Canceled {
				t.Fatalf("the stale stream ended with %v, want CANCELLED", got)
			}
			return
		case <-timeout:
			t.Fatal("the stale stream is still running: it was not cancelled")
		}
	}
}

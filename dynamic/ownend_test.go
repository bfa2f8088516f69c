package dynamic

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// timerNotFiredCtx is a context whose deadline has passed but whose timer
// has not fired yet: Err is still nil. On a loaded machine grpc can deliver
// the server's DEADLINE_EXCEEDED in that moment.
type timerNotFiredCtx struct {
	context.Context
	deadline time.Time
}

func (c timerNotFiredCtx) Deadline() (time.Time, bool) { return c.deadline, true }
func (c timerNotFiredCtx) Err() error                  { return nil }

// TestOwnEndWordsTheDeadline: a call that ends DEADLINE_EXCEEDED after its
// own deadline passed says which deadline, also when the server's status
// arrived before the context's timer fired (TestScriptGolden/settings once
// got grpc's raw "context deadline exceeded" so); a server's own
// DEADLINE_EXCEEDED before the deadline keeps the server's message.
func TestOwnEndWordsTheDeadline(t *testing.T) {
	raw := status.New(codes.DeadlineExceeded, "context deadline exceeded")
	passed := &Stream{ctx: timerNotFiredCtx{context.Background(), time.Now().Add(-time.Millisecond)}, timeout: 50 * time.Millisecond}
	if got, want := passed.ownEnd(raw).Message(), "the call's deadline of 50ms passed before it ended"; got != want {
		t.Errorf("deadline passed, timer not fired: %q, want %q", got, want)
	}
	fired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Millisecond))
	defer cancel()
	<-fired.Done()
	if got := (&Stream{ctx: fired, timeout: 50 * time.Millisecond}).ownEnd(raw).Message(); got != "the call's deadline of 50ms passed before it ended" {
		t.Errorf("deadline passed, timer fired: %q", got)
	}
	future, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	defer cancel2()
	server := status.New(codes.DeadlineExceeded, "the backend timed out")
	if got := (&Stream{ctx: future, timeout: time.Hour}).ownEnd(server); got != server {
		t.Errorf("the server's own DEADLINE_EXCEEDED became %q", got.Message())
	}
	if got := (&Stream{ctx: context.Background()}).ownEnd(server); got != server {
		t.Errorf("a call without a deadline: %q", got.Message())
	}
}

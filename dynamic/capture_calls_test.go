package dynamic

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// callsClient dials the demo server with a CallCapture of budget bytes
// per call.
func callsClient(t *testing.T, budget int) (*Client, *CallCapture) {
	t.Helper()
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	capture := NewCallCapture(budget, 4)
	conn, err := Dial(context.Background(), ConnConfig{Target: srv.Addr().String(), Calls: capture})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if conn.Calls() != capture {
		t.Fatal("the connection does not give its capture back")
	}
	return &Client{CC: conn.ClientConn(), Types: NewTypes(nil), Calls: capture}, capture
}

// runCall makes one call with req and returns it, its frames completed
// with the status.
func runCall(t *testing.T, c *Client, call Call, req proto.Message) (*Stream, *CapturedCall) {
	t.Helper()
	s, err := c.Start(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(req); err != nil {
		t.Fatal(err)
	}
	s.CloseSend()
	var st *Status
	n := 0
	for ev := range s.Events() {
		switch e := ev.(type) {
		case MessageEvent:
			n++
		case EndEvent:
			st = e.Status
		}
	}
	w := s.Wire()
	if w == nil {
		t.Fatal("a call of a capturing client has no frames")
	}
	w.Status, w.Responses = st, n
	return s, w
}

func headersOf(w *CapturedCall, sent bool) *WireFrame {
	for i, f := range w.Frames {
		if f.Type == "HEADERS" && f.Sent == sent {
			return &w.Frames[i]
		}
	}
	return nil
}

// Two calls on one connection: the second's frames are its own (its
// stream, its request and answer), and its headers decode although HPACK
// sends them the second time as indexes into the table the first call
// filled: the request HEADERS is shorter, the values the same.
func TestCallCaptureKeepsHPACKAcrossCalls(t *testing.T) {
	c, _ := callsClient(t, 0)
	m := helloworldpb.File_hello_proto.Services().ByName("Greeter").Methods().ByName("SayHello")
	header := metadata.Pairs("x-trace", "same-in-both")
	_, first := runCall(t, c, Call{Method: m, Header: header}, &helloworldpb.HelloRequest{Name: "one"})
	_, second := runCall(t, c, Call{Method: m, Header: header}, &helloworldpb.HelloRequest{Name: "two"})
	if first.Stream == 0 || second.Stream <= first.Stream {
		t.Fatalf("streams %d then %d: the second call's stream must come after the first's", first.Stream, second.Stream)
	}
	for _, f := range second.Frames {
		if f.StreamID != second.Stream {
			t.Errorf("the second call kept a frame of stream %d: %+v", f.StreamID, f)
		}
	}
	text := second.Text()
	for _, want := range []string{
		"stream " + strconv.Itoa(int(second.Stream)) + " on the session's connection",
		":path: /helloworld.Greeter/SayHello", "x-trace: same-in-both", "content-type: application/grpc",
		`"two"`, `"Hello two"`, "grpc-status: 0",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the second call's frames lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, `"one"`) {
		t.Errorf("the second call's frames show the first call's request:\n%s", text)
	}
	h1, h2 := headersOf(first, true), headersOf(second, true)
	if h1 == nil || h2 == nil {
		t.Fatalf("request HEADERS missing: %v %v", h1, h2)
	}
	if h2.Length >= h1.Length {
		t.Errorf("the second request HEADERS is %d bytes, the first %d: HPACK's table was not used, so the test proves nothing", h2.Length, h1.Length)
	}
}

// A large response is counted, not kept: the kept DATA stays within the
// budget, the frames within callMaxFrames (and a few headers), and the
// trailers are there.
func TestCallCaptureBoundsALargeResponse(t *testing.T) {
	const budget = 4 << 10
	c, capture := callsClient(t, budget)
	m := showcasepb.File_showcase_proto.Services().ByName("Showcase").Methods().ByName("Big")
	s, w := runCall(t, c, Call{Method: m}, &showcasepb.BigRequest{Size: 1 << 20})
	if kept := capture.keptBytes(s.wire); kept > budget {
		t.Errorf("kept %d bytes of DATA, budget %d", kept, budget)
	}
	if len(w.Frames) > callMaxFrames+4 {
		t.Errorf("kept %d frames, at most %d", len(w.Frames), callMaxFrames+4)
	}
	text := w.Text()
	for _, want := range []string{"a gRPC message of 1048", "not kept", "… not kept: ", "grpc-status: 0", ":path: /showcase.Showcase/Big"} {
		if !strings.Contains(text, want) {
			t.Errorf("the large call's frames lack %q:\n%s", want, text)
		}
	}
}

// Calls at the same time on one connection keep their own stream's
// frames only.
func TestCallCaptureConcurrentCalls(t *testing.T) {
	c, _ := callsClient(t, 0)
	m := helloworldpb.File_hello_proto.Services().ByName("Greeter").Methods().ByName("SayHello")
	names := []string{"alpha", "beta", "gamma"}
	wires := make([]*CapturedCall, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, wires[i] = runCall(t, c, Call{Method: m}, &helloworldpb.HelloRequest{Name: name})
		}()
	}
	wg.Wait()
	for i, w := range wires {
		if w == nil {
			continue // runCall failed the test
		}
		text := w.Text()
		if !strings.Contains(text, `"Hello `+names[i]+`"`) || !strings.Contains(text, "grpc-status: 0") {
			t.Errorf("call %s: its frames lack its answer or status:\n%s", names[i], text)
		}
		for _, f := range w.Frames {
			if f.StreamID != w.Stream {
				t.Errorf("call %s (stream %d) kept a frame of stream %d", names[i], w.Stream, f.StreamID)
			}
		}
		for j, other := range names {
			if j != i && strings.Contains(text, `"`+other+`"`) {
				t.Errorf("call %s shows %s's request:\n%s", names[i], other, text)
			}
		}
	}
}

// A long server stream is bounded too: many small messages keep at most
// the budget and callMaxFrames frames (the trailers besides), the rest
// counted.
func TestCallCaptureBoundsAServerStream(t *testing.T) {
	const budget = 1 << 10
	c, capture := callsClient(t, budget)
	m := showcasepb.File_showcase_proto.Services().ByName("Showcase").Methods().ByName("Count")
	s, w := runCall(t, c, Call{Method: m}, &showcasepb.CountRequest{Count: 5000})
	if w.Responses != 5000 {
		t.Fatalf("%d responses, want 5000", w.Responses)
	}
	if kept := capture.keptBytes(s.wire); kept == 0 || kept > budget {
		t.Errorf("kept %d bytes of DATA, want 1..%d", kept, budget)
	}
	if len(w.Frames) > callMaxFrames+4 {
		t.Errorf("kept %d frames, at most %d", len(w.Frames), callMaxFrames+4)
	}
	if text := w.Text(); !strings.Contains(text, "grpc-status: 0") || !strings.Contains(text, "… not kept: ") {
		t.Errorf("the stream's frames lack the trailers or what was not kept:\n%s", text)
	}
}

// Only the most recent calls are kept: with room for 2, the first of 3
// calls is dropped, and the connection follows no stream once they end.
func TestCallCaptureKeepsTheLatestCalls(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	capture := NewCallCapture(0, 2)
	conn, err := Dial(context.Background(), ConnConfig{Target: srv.Addr().String(), Calls: capture})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &Client{CC: conn.ClientConn(), Types: NewTypes(nil), Calls: capture}
	m := helloworldpb.File_hello_proto.Services().ByName("Greeter").Methods().ByName("SayHello")
	var streams []*Stream
	for _, name := range []string{"a", "b", "c"} {
		s, _ := runCall(t, c, Call{Method: m}, &helloworldpb.HelloRequest{Name: name})
		streams = append(streams, s)
	}
	capture.mu.Lock()
	defer capture.mu.Unlock()
	if len(capture.calls) != 2 || capture.calls[0] != streams[1].wire || capture.calls[1] != streams[2].wire {
		t.Errorf("the capture keeps %d calls, want the last 2", len(capture.calls))
	}
	if n := len(streams[2].wire.conn.streams); n != 0 {
		t.Errorf("the connection follows %d streams after the calls ended", n)
	}
}

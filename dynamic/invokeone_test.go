package dynamic_test

import (
	"context"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
)

// InvokeOne (the caller's goroutine; grpc's unary path for unary methods)
// gives the events Invoke (a stream) gives: the same kinds, in the same
// order, the same counts and status, headers only when the server sent
// them.
func TestInvokeOneGivesTheEventsOfAStream(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	for _, tt := range []struct{ method, req string }{
		{"SayHello", `{"name":"x"}`},
		{"Fail", `{"code":3}`},
		{"showcase.Showcase/Count", `{"count":3}`},
		{"showcase.Showcase/Metadata", `{}`},
	} {
		m, err := dynamic.FindMethod(src, tt.method)
		if err != nil {
			t.Fatal(err)
		}
		req, err := dynamic.ParseJSON(client.Types, m.Input(), []byte(tt.req))
		if err != nil {
			t.Fatal(err)
		}
		describe := func(ev dynamic.Event) string {
			switch e := ev.(type) {
			case dynamic.HeaderEvent:
				return "header"
			case dynamic.MessageEvent:
				return "message"
			case dynamic.EndEvent:
				return "end " + e.Status.Code().String() + " " + e.Status.Message() + " " + string(rune('0'+e.Sent)) + string(rune('0'+e.Received)) + " trailer:" + string(rune('0'+len(e.Trailer)))
			}
			return "?"
		}
		var viaStream, viaOne []string
		if _, err := client.Invoke(context.Background(), dynamic.Call{Method: m}, once(req), func(ev dynamic.Event) {
			viaStream = append(viaStream, describe(ev))
		}); err != nil {
			t.Fatal(err)
		}
		if err := client.InvokeOne(context.Background(), dynamic.Call{Method: m}, req, func(ev dynamic.Event) error {
			viaOne = append(viaOne, describe(ev))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(viaStream) == 0 || len(viaStream) != len(viaOne) {
			t.Errorf("%s: stream %q, InvokeOne %q", tt.method, viaStream, viaOne)
			continue
		}
		for i := range viaStream {
			if viaStream[i] != viaOne[i] {
				t.Errorf("%s: stream %q, InvokeOne %q", tt.method, viaStream, viaOne)
				break
			}
		}
	}
}

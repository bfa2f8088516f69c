package dynamic_test

import (
	"context"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"google.golang.org/protobuf/proto"
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

// A script's unary call (a request read by ParseRequestJSON, WireReplies)
// sends and receives plain messages in their wire form, and prints what
// the library's messages print, through the demo server: SayHello's
// request and reply are plain, Showcase/Echo's (a Timestamp, a double)
// are not and come as before. (On a connection of grpc's own, without
// grpcsh's codec, the reply is decoded by grpc's: it comes decoded.)
func TestInvokeOneWireForms(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: srv.Target()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cc := conn.ClientConn()
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	_, plainCC := startDemo(t, demo.Options{})
	grpcsOwn := &dynamic.Client{CC: plainCC, Types: client.Types}
	for _, tt := range []struct {
		method, req string
		wire        bool
	}{
		{"SayHello", `{"name": "wire \"form\" é"}`, true},
		{"SayHello", `{"name": 1}`, false}, // not read here: ParseJSON's error
		{"showcase.Showcase/Echo", `{"fDouble":0.5,"fString":"x","fInt64":"7","tags":["a"]}`, false},
	} {
		m, err := dynamic.FindMethod(src, tt.method)
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := dynamic.ParseJSON(client.Types, m.Input(), []byte(tt.req))
		req, err := dynamic.ParseRequestJSON(client.Types, m.Input(), []byte(tt.req))
		if (err != nil) != (wantErr != nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("%s %s: ParseRequestJSON error %v, ParseJSON's %v", tt.method, tt.req, err, wantErr)
		}
		if err != nil {
			continue
		}
		if _, isWire := req.(*dynamic.WireMessage); isWire != tt.wire {
			t.Errorf("%s: request in its wire form = %v, want %v", tt.method, isWire, tt.wire)
		}
		reply := func(client *dynamic.Client, r proto.Message, wireReplies bool) (string, bool) {
			var text string
			var asWire bool
			err := client.InvokeOne(context.Background(), dynamic.Call{Method: m, WireReplies: wireReplies}, r, func(ev dynamic.Event) error {
				if e, ok := ev.(dynamic.MessageEvent); ok {
					asWire = e.Wire != nil
					if text, err = (dynamic.Formatter{Types: client.Types}).Format(e.Proto()); err != nil {
						t.Fatal(err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return text, asWire
		}
		got, gotWire := reply(client, req, true)
		ref, refWire := reply(client, want, false)
		own, ownWire := reply(grpcsOwn, req, true)
		if got != ref || own != ref || got == "" {
			t.Errorf("%s: reply %s in the wire forms, %s on grpc's codec, %s as before", tt.method, got, own, ref)
		}
		if gotWire != tt.wire || refWire || ownWire {
			t.Errorf("%s: reply in its wire form = %v with WireReplies (want %v), %v without, %v on grpc's codec", tt.method, gotWire, tt.wire, refWire, ownWire)
		}
	}
}

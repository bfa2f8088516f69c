package dynamic_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/connecttest"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/internal/testcerts"
	"github.com/grpcsh/grpcsh/internal/testproxy"
	"github.com/grpcsh/grpcsh/protos"
)

// webCall is what one call over gRPC-Web or Connect came back with.
type webCall struct {
	header, trailer metadata.MD
	msgs            []string // protojson of each response
	status          *dynamic.Status
	sawHeader       bool
}

// webClient connects to target with the protocol and HTTP version given,
// with the embedded .proto files as descriptors.
func webClient(t *testing.T, cfg dynamic.ConnConfig) (*dynamic.Conn, webC) {
	t.Helper()
	conn, err := dynamic.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	src := filesSource(t)
	return conn, webC{&dynamic.Client{CC: conn.Transport(), Types: dynamic.NewTypes(src), Explain: conn.Explain}, src}
}

type webC struct {
	*dynamic.Client
	src dynamic.Source
}

func webInvoke(t *testing.T, c webC, method string, header metadata.MD, reqs ...string) webCall {
	t.Helper()
	d, err := c.src.FindSymbol(protoreflect.FullName(method))
	if err != nil {
		t.Fatal(err)
	}
	md := d.(protoreflect.MethodDescriptor)
	var out webCall
	i := 0
	next := func() (proto.Message, error) {
		if i == len(reqs) {
			return nil, io.EOF
		}
		m := c.Types.New(md.Input())
		if err := (protojson.UnmarshalOptions{Resolver: c.Types}).Unmarshal([]byte(reqs[i]), m); err != nil {
			return nil, err
		}
		i++
		return m, nil
	}
	st, err := c.Invoke(context.Background(), dynamic.Call{Method: md, Header: header}, next, func(ev dynamic.Event) {
		switch ev := ev.(type) {
		case dynamic.HeaderEvent:
			out.header, out.sawHeader = ev.Header, true
		case dynamic.MessageEvent:
			b, _ := protojson.Marshal(ev.Message)
			out.msgs = append(out.msgs, string(b))
		case dynamic.EndEvent:
			out.trailer = ev.Trailer
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	out.status = st
	return out
}

func webProtocols() []struct {
	name string
	p    dynamic.Protocol
	http dynamic.HTTPVersion
} {
	return []struct {
		name string
		p    dynamic.Protocol
		http dynamic.HTTPVersion
	}{
		{"connect/h2c", dynamic.ProtocolConnect, dynamic.HTTPAuto},
		{"connect/http1", dynamic.ProtocolConnect, dynamic.HTTP1},
		{"grpcweb/h2c", dynamic.ProtocolGRPCWeb, dynamic.HTTPAuto},
		{"grpcweb/http1", dynamic.ProtocolGRPCWeb, dynamic.HTTP1},
	}
}

// Every RPC kind each protocol allows, against connect-go's own handlers
// (the reference) and against the demo's bridge to grpc-go: the same
// messages, statuses with details, headers and trailers as gRPC gives.
func TestConnectProtocolsAllKinds(t *testing.T) {
	servers := map[string]string{
		"reference": connecttest.Start(t, nil),
		"demo":      demotest.Start(t, demo.Options{Web: true}).Target(),
	}
	for srvName, target := range servers {
		for _, tc := range webProtocols() {
			t.Run(srvName+"/"+tc.name, func(t *testing.T) {
				_, c := webClient(t, dynamic.ConnConfig{Target: target, Protocol: tc.p, HTTP: tc.http})
				ref := srvName == "reference"

				hello := webInvoke(t, c, "helloworld.Greeter.SayHello", nil, `{"name":"ada"}`)
				want := `Hello ada"`
				if ref {
					want = `Hello ada from connect-go"`
				}
				if !hello.status.OK() || len(hello.msgs) != 1 || !strings.Contains(hello.msgs[0], want) {
					t.Fatalf("SayHello: %v %v", hello.status, hello.msgs)
				}

				ticks := webInvoke(t, c, "showcase.Showcase.Count", nil, `{"count":3}`)
				if !ticks.status.OK() || len(ticks.msgs) != 3 || !strings.Contains(ticks.msgs[2], `"index":3`) {
					t.Fatalf("Count: %v %v", ticks.status, ticks.msgs)
				}

				sum := webInvoke(t, c, "showcase.Showcase.Sum", nil, `{"value":1}`, `{"value":41}`)
				if !sum.status.OK() || len(sum.msgs) != 1 || !strings.Contains(sum.msgs[0], `"sum":"42"`) {
					t.Fatalf("Sum: %v %v", sum.status, sum.msgs)
				}

				chat := webInvoke(t, c, "showcase.Showcase.Chat", nil, `{"text":"a"}`, `{"text":"b"}`)
				if tc.http == dynamic.HTTP1 {
					if chat.status.Code() != codes.FailedPrecondition || !strings.Contains(chat.status.Message(), "needs HTTP/2") || !strings.Contains(chat.status.Message(), "-http1") {
						t.Fatalf("Chat over HTTP/1.1: %v", chat.status)
					}
				} else if !chat.status.OK() || len(chat.msgs) != 2 || !strings.Contains(chat.msgs[1], `"seq":2`) {
					t.Fatalf("Chat: %v %v", chat.status, chat.msgs)
				}

				failed := webInvoke(t, c, "showcase.Showcase.Fail", nil, `{"code":5,"message":"nope"}`)
				if failed.status.Code() != codes.NotFound || failed.status.Message() != "nope" {
					t.Fatalf("Fail: %v", failed.status)
				}
				if failed.sawHeader {
					t.Errorf("Fail: a call that failed at once has no headers (trailers-only, as gRPC reports it), got %v", failed.header)
				}
				var info *errdetails.ErrorInfo
				for _, d := range failed.status.Details {
					if ei, ok := d.Message.(*errdetails.ErrorInfo); ok {
						info = ei
					}
				}
				if info == nil || info.GetMetadata()["code"] != "5" {
					t.Fatalf("Fail: no ErrorInfo detail in %v", failed.status.Details)
				}

				if ref {
					e := webInvoke(t, c, "showcase.Showcase.Echo", metadata.Pairs(connecttest.EchoIn, "v1"), `{"f_string":"x"}`)
					if !e.status.OK() || e.header.Get(connecttest.HeaderKey)[0] != "h" || len(e.header.Get(connecttest.EchoIn+"-echo")) != 1 ||
						len(e.trailer.Get(connecttest.TrailerKey)) != 1 {
						t.Fatalf("Echo: %v header %v trailer %v", e.status, e.header, e.trailer)
					}
					if got := failed.trailer.Get(connecttest.FailMeta); len(got) != 1 {
						t.Errorf("Fail: the error's metadata should be its trailers, got %v", failed.trailer)
					}
					if got := ticks.trailer.Get(connecttest.TrailerKey); len(got) != 1 {
						t.Errorf("Count: trailers %v", ticks.trailer)
					}
					return
				}
				m := webInvoke(t, c, "showcase.Showcase.Metadata", metadata.Pairs("x-a", "1", "k-bin", "\x00\x01"), `{}`)
				if !m.status.OK() || len(m.header.Get("x-a")) != 1 || m.header.Get("k-bin")[0] != "\x00\x01" || len(m.trailer.Get("trailer-x-a")) != 1 {
					t.Fatalf("Metadata: %v header %v trailer %v msgs %v", m.status, m.header, m.trailer, m.msgs)
				}
			})
		}
	}
}

// Reflection over gRPC-Web and Connect lists the demo's services; over
// HTTP/1.1 it cannot run (a bidi stream), and says so and what to do.
func TestConnectReflection(t *testing.T) {
	target := demotest.Start(t, demo.Options{Web: true}).Target()
	for _, tc := range webProtocols() {
		t.Run(tc.name, func(t *testing.T) {
			conn, _ := webClient(t, dynamic.ConnConfig{Target: target, Protocol: tc.p, HTTP: tc.http})
			refl := conn.Reflection(dynamic.ReflectionOptions{})
			defer refl.Close()
			names, err := refl.ListServices()
			if tc.http == dynamic.HTTP1 {
				if err == nil || !strings.Contains(err.Error(), "server reflection (a bidi stream) cannot run over") || !strings.Contains(err.Error(), "-proto") {
					t.Fatalf("reflection over HTTP/1.1: %v %v", names, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, n := range names {
				found = found || n == "showcase.Showcase"
			}
			if !found {
				t.Fatalf("services %v", names)
			}
			d, err := refl.FindSymbol("showcase.Showcase.Chat")
			if err != nil || !d.(protoreflect.MethodDescriptor).IsStreamingClient() {
				t.Fatalf("FindSymbol: %v %v", d, err)
			}
		})
	}
}

// With TLS, HTTP/2 comes by ALPN (bidi works) and -http1 keeps to
// HTTP/1.1; -cacert is trusted as for gRPC, and an untrusted server is
// refused.
func TestConnectTLS(t *testing.T) {
	ca, err := testcerts.NewCA("connect test CA")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := ca.Issue(testcerts.Loopback())
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(t.TempDir(), "ca")
	if err != nil {
		t.Fatal(err)
	}
	servers := map[string]string{
		"reference": connecttest.Start(t, testcerts.ServerConfig(pair, nil)),
		"demo":      demotest.Start(t, demo.Options{Web: true, TLS: testcerts.ServerConfig(pair, nil)}).Target(),
	}
	for name, target := range servers {
		t.Run(name, func(t *testing.T) {
			for _, p := range []dynamic.Protocol{dynamic.ProtocolConnect, dynamic.ProtocolGRPCWeb} {
				_, c := webClient(t, dynamic.ConnConfig{Target: target, Protocol: p, CACert: caFile})
				chat := webInvoke(t, c, "showcase.Showcase.Chat", nil, `{"text":"a"}`)
				if !chat.status.OK() || len(chat.msgs) != 1 {
					t.Fatalf("%s Chat over TLS: %v %v", p, chat.status, chat.msgs)
				}
				_, c1 := webClient(t, dynamic.ConnConfig{Target: target, Protocol: p, CACert: caFile, HTTP: dynamic.HTTP1})
				if st := webInvoke(t, c1, "showcase.Showcase.Count", nil, `{"count":2}`); !st.status.OK() || len(st.msgs) != 2 {
					t.Fatalf("%s Count over TLS HTTP/1.1: %v %v", p, st.status, st.msgs)
				}
			}
			_, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: target, Protocol: dynamic.ProtocolConnect, Security: dynamic.SecurityTLS})
			if err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("untrusted server: %v", err)
			}
		})
	}
	// The wrong one of plaintext and TLS is explained with the flag that
	// fixes it, both ways.
	_, plain := webClient(t, dynamic.ConnConfig{Target: servers["demo"], Protocol: dynamic.ProtocolConnect, Security: dynamic.SecurityPlaintext})
	if st := webInvoke(t, plain, "showcase.Showcase.Count", nil, `{"count":1}`); !strings.Contains(st.status.Message(), "the server speaks TLS, and grpcsh spoke plaintext: drop -plaintext") {
		t.Errorf("plaintext to a TLS server: %v", st.status)
	}
	plainTarget := connecttest.Start(t, nil)
	if _, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: plainTarget, Protocol: dynamic.ProtocolGRPCWeb, Security: dynamic.SecurityTLS}); err == nil ||
		!strings.Contains(err.Error(), "speaks plaintext, not TLS: pass -plaintext") {
		t.Errorf("TLS to a plaintext server: %v", err)
	}

	// mTLS: -cert/-key are presented, as over gRPC; without them the
	// server refuses the handshake.
	client, err := ca.Issue(testcerts.Leaf{CommonName: "grpcsh client", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := client.WriteFiles(t.TempDir(), "client")
	if err != nil {
		t.Fatal(err)
	}
	mtls := demotest.Start(t, demo.Options{Web: true, TLS: testcerts.ServerConfig(pair, ca)}).Target()
	_, c := webClient(t, dynamic.ConnConfig{Target: mtls, Protocol: dynamic.ProtocolConnect, CACert: caFile, Cert: certFile, Key: keyFile})
	if st := webInvoke(t, c, "helloworld.Greeter.SayHello", nil, `{"name":"m"}`); !st.status.OK() {
		t.Fatalf("mTLS: %v", st.status)
	}
	_, c = webClient(t, dynamic.ConnConfig{Target: mtls, Protocol: dynamic.ProtocolConnect, CACert: caFile})
	if st := webInvoke(t, c, "helloworld.Greeter.SayHello", nil, `{"name":"m"}`); st.status.Code() != codes.Unavailable {
		t.Fatalf("mTLS without a client certificate: %v", st.status)
	}
	if _, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: "127.0.0.1:1", Protocol: dynamic.ProtocolConnect}); err == nil ||
		!strings.Contains(err.Error(), "cannot connect to 127.0.0.1:1") {
		t.Fatalf("nothing listening: %v", err)
	}
	var cfgErr *dynamic.ConfigError
	if _, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: "127.0.0.1:1", HTTP: dynamic.HTTP1}); !errors.As(err, &cfgErr) {
		t.Fatalf("-http1 with gRPC: %v", err)
	}
}

// BenchmarkProtocolUnary is one unary call through the engine against the
// same connect-go server (which answers all three protocols): what the
// client side of each protocol costs.
func BenchmarkProtocolUnary(b *testing.B) {
	target := connecttest.Start(b, nil)
	for _, p := range []dynamic.Protocol{dynamic.ProtocolGRPC, dynamic.ProtocolConnect, dynamic.ProtocolGRPCWeb} {
		b.Run(p.String(), func(b *testing.B) {
			conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: target, Protocol: p})
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			fds, err := dynamic.ParseProtoFiles(context.Background(), protos.FS, protos.Files, nil)
			if err != nil {
				b.Fatal(err)
			}
			src, err := dynamic.NewFilesSource(fds)
			if err != nil {
				b.Fatal(err)
			}
			c := &dynamic.Client{CC: conn.Transport(), Types: dynamic.NewTypes(src)}
			d, _ := src.FindSymbol("helloworld.Greeter.SayHello")
			md := d.(protoreflect.MethodDescriptor)
			req := c.Types.New(md.Input())
			b.ReportAllocs()
			for b.Loop() {
				var ok bool
				err := c.InvokeOne(context.Background(), dynamic.Call{Method: md}, req, func(ev dynamic.Event) error {
					if e, isEnd := ev.(dynamic.EndEvent); isEnd {
						ok = e.Status.OK()
					}
					return nil
				})
				if err != nil || !ok {
					b.Fatalf("call: %v ok=%v", err, ok)
				}
			}
		})
	}
}

// gRPC-Web and Connect go through -proxy as gRPC does: the call is
// tunnelled by the proxy (it counts the CONNECT), and a proxy that wants
// credentials is named in the error.
func TestConnectProtocolsThroughProxy(t *testing.T) {
	testproxy.ClearEnv(t)
	target := demotest.Start(t, demo.Options{Web: true}).Target()
	for _, tc := range webProtocols() {
		t.Run(tc.name, func(t *testing.T) {
			p := testproxy.Start(t, &testproxy.Proxy{})
			_, c := webClient(t, dynamic.ConnConfig{Target: target, Protocol: tc.p, HTTP: tc.http, Proxy: p.URL("", "")})
			got := webInvoke(t, c, "helloworld.Greeter.SayHello", nil, `{"name":"ada"}`)
			if !got.status.OK() || len(got.msgs) != 1 || !strings.Contains(got.msgs[0], "Hello ada") {
				t.Fatalf("through the proxy: %v %v", got.status, got.msgs)
			}
			if p.Tunnels() < 1 || !slices.Contains(p.Asked(), target) {
				t.Fatalf("the proxy tunnelled %d, was asked %q; want the call through it to %s", p.Tunnels(), p.Asked(), target)
			}
		})
	}
	locked := testproxy.Start(t, &testproxy.Proxy{User: "ann", Pass: "right"})
	conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: target, Protocol: dynamic.ProtocolConnect, Proxy: locked.URL("ann", "wrong")})
	if err == nil {
		defer conn.Close()
		err = conn.Ready(context.Background())
	}
	if err == nil || !strings.Contains(err.Error(), "rejected the credentials") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("a proxy refusing the credentials: %v", err)
	}
}

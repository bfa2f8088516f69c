package repl_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/repl"
)

func benchDemo(b *testing.B) *demo.Server { return demotest.Start(b, demo.Options{}) }

// BenchmarkCallReusedSession is what a script does: one session (one
// connection, descriptors fetched once) for every call.
func BenchmarkCallReusedSession(b *testing.B) {
	srv := benchDemo(b)
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	out := &repl.Output{Out: io.Discard, Err: io.Discard}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := repl.CallJSON(ctx, s, "SayHello", strings.NewReader(`{"name":"bench"}`), out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(srv.Connections()), "conns")
}

// BenchmarkCallFreshSession is what a shell loop of one-shot grpcsh (or
// grpcurl) calls costs in-process: connect and fetch reflection every call.
func BenchmarkCallFreshSession(b *testing.B) {
	srv := benchDemo(b)
	ctx := context.Background()
	out := &repl.Output{Out: io.Discard, Err: io.Discard}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
		if err != nil {
			b.Fatal(err)
		}
		if err := repl.CallJSON(ctx, s, "SayHello", strings.NewReader(`{"name":"bench"}`), out); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkServerStream measures how fast responses of a server stream are
// received and printed as JSON lines.
func BenchmarkServerStream(b *testing.B) {
	srv := benchDemo(b)
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	out := &repl.Output{Out: io.Discard, Err: io.Discard}
	const perCall = 10000
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := repl.CallJSON(ctx, s, "showcase.Showcase/Count", strings.NewReader(`{"count":10000}`), out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*perCall)/b.Elapsed().Seconds(), "msgs/s")
}

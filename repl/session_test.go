package repl_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/testnet"
	"github.com/grpcsh/grpcsh/repl"
)

// seen records the metadata each method was called with.
type seen struct {
	mu sync.Mutex
	md map[string][]metadata.MD
}

func (s *seen) record(method string, md metadata.MD) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.md[method] = append(s.md[method], md)
}

func (s *seen) keys(prefix string) map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for method, mds := range s.md {
		if !strings.HasPrefix(method, prefix) {
			continue
		}
		for _, md := range mds {
			for k := range md {
				if strings.HasPrefix(k, "x-") {
					out[k] = true
				}
			}
		}
	}
	return out
}

func TestHeadersGoWhereTheirFlagSays(t *testing.T) {
	rec := &seen{md: map[string][]metadata.MD{}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{OnCall: rec.record})
	defer srv.Stop(time.Second)
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{
		Conn:          dynamic.ConnConfig{Target: srv.Target()},
		Header:        metadata.Pairs("x-both", "1"),
		RPCHeader:     metadata.Pairs("x-call-only", "1"),
		ReflectHeader: metadata.Pairs("x-reflect-only", "1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	if err := repl.CallJSON(ctx, s, "SayHello", nil, &repl.Output{Out: &out, Err: &out}); err != nil {
		t.Fatal(err)
	}
	refl := rec.keys("/grpc.reflection.")
	call := rec.keys("/helloworld.")
	if !refl["x-both"] || !refl["x-reflect-only"] || refl["x-call-only"] {
		t.Errorf("reflection got %v, want x-both and x-reflect-only", refl)
	}
	if !call["x-both"] || !call["x-call-only"] || call["x-reflect-only"] {
		t.Errorf("the call got %v, want x-both and x-call-only", call)
	}
}

func TestNextCallWorksAfterTheServerComesBack(t *testing.T) {
	// The server comes back on the same address: the port stays held.
	port := testnet.HoldPort(t)
	addr := port.Addr
	srv := demo.Start(port.Listen(t), demo.Options{})
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: addr, ConnectTimeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	call := func() error {
		var out bytes.Buffer
		return repl.CallJSON(ctx, s, "SayHello", strings.NewReader(`{"name":"again"}`), &repl.Output{Out: &out, Err: &out})
	}
	if err := call(); err != nil {
		t.Fatal(err)
	}
	srv.Stop(time.Second)
	err = call()
	var rpc *repl.RPCError
	if err == nil || (errors.As(err, &rpc) && rpc.Status.Code() != codes.Unavailable) {
		t.Fatalf("with the server down: %v, want an Unavailable or connection error", err)
	}
	t.Logf("server down: %v", err)
	srv2 := demo.Start(port.Listen(t), demo.Options{})
	defer srv2.Stop(time.Second)
	if err := call(); err != nil {
		t.Fatalf("after the server came back: %v", err)
	}
}

// A connection that breaks during a call is explained, not reported as
// grpc's bare "error reading from server: EOF".
func TestAConnectionBrokenMidCallIsExplained(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{})
	defer srv.Stop(0)
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := make(chan struct{})
	out := &repl.Output{Out: &firstLine{ch: first}, Err: &bytes.Buffer{}}
	go func() {
		<-first
		srv.Stop(0) // no grace: the connection is cut mid-stream
	}()
	err = repl.CallJSON(ctx, s, "showcase.Showcase/Count", strings.NewReader(`{"count":1000,"interval":"0.01s"}`), out)
	var rpc *repl.RPCError
	if !errors.As(err, &rpc) || rpc.Status.Code() != codes.Unavailable {
		t.Fatalf("cut mid-stream: %v, want Unavailable", err)
	}
	if msg := rpc.Status.Message(); !strings.Contains(msg, "broke during the call") || !strings.Contains(msg, "the next call reconnects") {
		t.Fatalf("message %q does not explain the broken connection", msg)
	}
}

// firstLine signals once the first response has been printed.
type firstLine struct {
	once sync.Once
	ch   chan struct{}
}

func (f *firstLine) Write(p []byte) (int, error) {
	f.once.Do(func() { close(f.ch) })
	return len(p), nil
}

// An idle session holds nothing open: a server stopping with plain
// GracefulStop (no force-stop after a grace period) is not held up, and
// the session's next lookup and call after the restart work at once.
func TestIdleSessionDoesNotHoldUpGracefulStop(t *testing.T) {
	// The port is held for the whole test, so the restart keeps the address.
	port := testnet.HoldPort(t)
	lis := port.Listen(t)
	addr := port.Addr
	srv := demo.Start(lis, demo.Options{})
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: addr, ConnectTimeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	if err := s.List(&out, ""); err != nil {
		t.Fatal(err)
	}
	if err := repl.CallJSON(ctx, s, "SayHello", strings.NewReader(`{"name":"idle"}`), &repl.Output{Out: &out, Err: &out}); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second): // a safety net, not a measurement
		srv.Stop(0)
		t.Fatal("GracefulStop waited on the idle session")
	}
	lis2 := port.Listen(t)
	srv2 := demo.Start(lis2, demo.Options{})
	defer srv2.Stop(time.Second)
	if err := s.Describe(&out, "showcase.Showcase"); err != nil {
		t.Errorf("the first lookup after the restart: %v", err)
	}
	if err := repl.CallJSON(ctx, s, "showcase.Showcase/Echo", strings.NewReader(`{}`), &repl.Output{Out: &out, Err: &out}); err != nil {
		t.Errorf("the first call after the restart: %v", err)
	}
}

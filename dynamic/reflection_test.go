package dynamic_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/hostile"
	"github.com/grpcsh/grpcsh/internal/testnet"
)

// dialHostile connects to a hostile server and returns its reflection
// source, each lookup bounded by timeout.
func dialHostile(t *testing.T, opts hostile.Options, timeout time.Duration) *dynamic.ReflectionSource {
	t.Helper()
	addr := hostile.Start(t, opts)
	conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	src := conn.Reflection(dynamic.ReflectionOptions{Timeout: timeout, TimeoutFlag: "-max-time"})
	t.Cleanup(src.Close)
	return src
}

// A reflection that never answers ends the lookup at its bound, with an
// error that names the server and what to do.
func TestSilentReflectionIsBounded(t *testing.T) {
	src := dialHostile(t, hostile.Options{SilentReflection: true}, 200*time.Millisecond)
	_, err := src.ListServices()
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("ListServices = %v (%v), want DeadlineExceeded", err, status.Code(err))
	}
	for _, want := range []string{"server reflection on 127.0.0.1:", "did not answer within 200ms (-max-time)", "listing services", "-proto"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	_, err = src.FindSymbol("hostile.Evil")
	if status.Code(err) != codes.DeadlineExceeded || !strings.Contains(err.Error(), "looking up hostile.Evil") {
		t.Errorf("FindSymbol = %v, want DeadlineExceeded naming the symbol", err)
	}
}

// Without any bound given, the default one applies (it is not infinite).
func TestReflectionHasADefaultBound(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{SilentReflection: true})
	conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: addr, ConnectTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	src := conn.Reflection(dynamic.ReflectionOptions{})
	defer src.Close()
	_, err = src.ListServices()
	if status.Code(err) != codes.DeadlineExceeded || !strings.Contains(err.Error(), "within 300ms (-connect-timeout)") {
		t.Errorf("ListServices = %v, want the -connect-timeout bound", err)
	}
}

// Cancelling a lookup's context (Ctrl-C, quitting the TUI) ends its wait
// at once, long before its bound.
func TestReflectionLookupEndsWhenItsContextEnds(t *testing.T) {
	waiting := make(chan struct{}, 4)
	src := dialHostile(t, hostile.Options{SilentReflection: true, OnReflect: func() { waiting <- struct{}{} }}, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-waiting // the server holds the stream: the lookup waits
		cancel()
	}()
	_, err := dynamic.WithContext(ctx, src).ListServices()
	if status.Code(err) != codes.Canceled || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("ListServices = %v, want Canceled, interrupted", err)
	}
	// The composite the session builds passes the context on as well.
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		<-waiting
		cancel2()
	}()
	files := filesSource(t)
	_, err = dynamic.WithContext(ctx2, dynamic.Composite{Primary: src, Fallback: files}).FindSymbol("hostile.Evil")
	if !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("Composite.FindSymbol = %v, want the reflection interrupted", err)
	}
}

// A broken reply says why: bad bytes, a missing import (named), a reply
// over the receive limit (with the -max-msg-sz hint).
func TestBrokenReflectionRepliesAreExplained(t *testing.T) {
	src := dialHostile(t, hostile.Options{BrokenService: true, MissingImport: true, Oversized: true}, 10*time.Second)
	_, err := src.FindSymbol(hostile.BrokenService)
	if err == nil || errors.Is(err, dynamic.ErrNotFound) || !strings.Contains(err.Error(), "descriptors are broken") {
		t.Errorf("broken service: %v, want the descriptors called broken", err)
	}
	_, err = src.FindSymbol(hostile.OrphanMessage)
	if err == nil || errors.Is(err, dynamic.ErrNotFound) || !strings.Contains(err.Error(), "imports "+hostile.MissingFile+", which the server does not serve") {
		t.Errorf("orphan: %v, want the missing import named", err)
	}
	_, err = src.FindSymbol(hostile.HugeService)
	if err == nil || !strings.Contains(err.Error(), "-max-msg-sz") {
		t.Errorf("huge: %v, want the -max-msg-sz hint", err)
	}
	// The server still works for the rest.
	if d, err := src.FindSymbol(hostile.Service); err != nil || d.FullName() != protoreflect.FullName(hostile.Service) {
		t.Errorf("Evil after the broken ones: %v, %v", d, err)
	}
	if _, err := src.FindSymbol("hostile.Nothing"); !errors.Is(err, dynamic.ErrNotFound) {
		t.Errorf("an unknown symbol: %v, want ErrNotFound", err)
	}
}

// describe of a broken symbol says why, rather than "unknown symbol".
func TestFindDescriptorOfABrokenSymbolSaysWhy(t *testing.T) {
	src := dialHostile(t, hostile.Options{MissingImport: true}, 10*time.Second)
	_, err := dynamic.FindDescriptor(src, hostile.OrphanMessage)
	if err == nil || !strings.Contains(err.Error(), hostile.MissingFile) {
		t.Errorf("FindDescriptor(%s) = %v, want the missing import named", hostile.OrphanMessage, err)
	}
	_, err = dynamic.FindDescriptor(src, "Orphan")
	if err == nil || !strings.Contains(err.Error(), hostile.MissingFile) {
		t.Errorf("FindDescriptor(Orphan) = %v, want the missing import named", err)
	}
}

// An idle source holds no reflection stream open: a server that stops with
// plain GracefulStop (no force-stop) is not held up, and the next lookup
// after the server comes back works at once.
func TestIdleReflectionDoesNotHoldUpGracefulStop(t *testing.T) {
	// The port is held for the whole test, so the restart keeps the address.
	port := testnet.HoldPort(t)
	lis := port.Listen(t)
	addr := port.Addr
	srv := demo.Start(lis, demo.Options{})
	conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: addr, ConnectTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	src := conn.Reflection(dynamic.ReflectionOptions{})
	defer src.Close()
	if _, err := src.ListServices(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.FindSymbol("helloworld.Greeter"); err != nil {
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
		t.Fatal("GracefulStop waited on the idle client's reflection stream")
	}
	lis2 := port.Listen(t)
	srv2 := demo.Start(lis2, demo.Options{})
	defer srv2.Stop(time.Second)
	if _, err := src.FindSymbol("showcase.Showcase"); err != nil {
		t.Errorf("the first lookup after the restart: %v", err)
	}
}

// -proto-out-dir writes files at the paths the schema names: a server's
// "../x.proto" must not escape the directory.
func TestWriteProtoFilesStaysUnderItsDirectory(t *testing.T) {
	for _, name := range []string{"../escape.proto", "/abs/escape.proto", "a/../../escape.proto"} {
		fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{Name: proto.String(name), Package: proto.String("x"), Syntax: proto.String("proto3")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := dynamic.WriteProtoFiles(dir, []protoreflect.FileDescriptor{fd}); err == nil || !strings.Contains(err.Error(), "outside") {
			t.Errorf("%s: %v, want it refused", name, err)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.proto")); err == nil {
			t.Errorf("%s was written outside the directory", name)
		}
	}
}

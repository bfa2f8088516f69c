package dynamic_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/internal/hostile"
)

// Short method names are found on a real server by probing SERVICE.METHOD
// per service: found, ambiguous (both reflection versions have
// ServerReflectionInfo), unknown with close matches, and the Svc.Method
// and Svc/Method forms.
func TestShortMethodNamesOverReflection(t *testing.T) {
	srv := demotest.Start(t, demo.Options{})
	conn, err := dynamic.Dial(context.Background(), dynamic.ConnConfig{Target: srv.Target()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	src := conn.Reflection(dynamic.ReflectionOptions{})
	t.Cleanup(src.Close)
	for _, name := range []string{"SayHello", "Greeter.SayHello", "Greeter/SayHello", "helloworld.Greeter/SayHello"} {
		m, err := dynamic.FindMethod(src.WithContext(context.Background()), name)
		if err != nil || m.FullName() != "helloworld.Greeter.SayHello" {
			t.Errorf("FindMethod(%q) = %v, %v", name, m, err)
		}
	}
	_, err = dynamic.FindMethod(src, "ServerReflectionInfo")
	if err == nil || !strings.Contains(err.Error(), "ambiguous") ||
		!strings.Contains(err.Error(), "grpc.reflection.v1.ServerReflection/ServerReflectionInfo") ||
		!strings.Contains(err.Error(), "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo") {
		t.Errorf("ServerReflectionInfo: %v, want ambiguous between v1 and v1alpha", err)
	}
	_, err = dynamic.FindMethod(src, "SayHelo")
	if err == nil || !strings.Contains(err.Error(), `unknown method "SayHelo"`) || !strings.Contains(err.Error(), "SayHello") {
		t.Errorf("SayHelo: %v, want unknown with SayHello suggested", err)
	}
	_, err = dynamic.FindMethod(src, "Nope.SayHello")
	if err == nil || !strings.Contains(err.Error(), "unknown method") {
		t.Errorf("Nope.SayHello: %v, want unknown", err)
	}
}

// A short name on a server whose other services are broken is still
// found, and one that is nowhere names the broken services; a silent
// server fails the short name once, at its bound.
func TestShortMethodNamesBesideBrokenServices(t *testing.T) {
	src := dialHostile(t, hostile.Options{BrokenService: true, MissingImport: true}, 10*time.Second)
	m, err := dynamic.FindMethod(src, "Echo")
	if err != nil || string(m.FullName()) != hostile.EchoMethod {
		t.Fatalf("FindMethod(Echo) = %v, %v", m, err)
	}
	_, err = dynamic.FindMethod(src, "Nothing")
	if err == nil || !strings.Contains(err.Error(), "not searched") || !strings.Contains(err.Error(), "descriptors are broken") {
		t.Errorf("Nothing: %v, want unknown naming the broken services", err)
	}

	silent := dialHostile(t, hostile.Options{SilentReflection: true}, 200*time.Millisecond)
	_, err = dynamic.FindMethod(silent, "Echo")
	if status.Code(err) != codes.DeadlineExceeded || errors.Is(err, dynamic.ErrNotFound) {
		t.Fatalf("silent: %v, want DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "did not answer within 200ms (-max-time)") {
		t.Errorf("silent: %q lacks the bound", err)
	}
}

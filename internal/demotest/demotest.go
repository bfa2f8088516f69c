// Package demotest starts the demo server for tests: in-process, on a
// free loopback port, stopped when the test ends.
package demotest

import (
	"net"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
)

// Start serves the demo services on 127.0.0.1 at a free port until t ends.
func Start(t testing.TB, opts demo.Options) *demo.Server {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, opts)
	t.Cleanup(func() { srv.Stop(time.Second) })
	return srv
}

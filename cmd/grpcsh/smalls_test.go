package main_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/hostile"
)

// A "larger than max" status says whose limit it is: the server's, for a
// request it refused (not grpcsh's, which -max-msg-sz raises).
func TestSizeLimitsSayWhoseTheyAre(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{MaxRecvMsgSize: 64})
	big := `{"text":"` + strings.Repeat("x", 200) + `"}`
	r := grpcsh(t, "", addr, "call", "Echo", "-d", big)
	r.check(t, 64+8, "", "the server's receive limit (64 bytes) refused a request of 203 bytes", "raises grpcsh's limit, not the server's")
	// grpcsh's own limit: TestLargeResponsesNeedMaxMsgSz.
}

// A one-shot's -max-time bounds connecting too, -connect-timeout or not.
func TestMaxTimeBoundsConnecting(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() { // accepts, never answers
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a safety net far below -connect-timeout 60
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "-connect-timeout", "60", "-max-time", "0.3", lis.Addr().String(), "list")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatal("-max-time 0.3 did not bound connecting")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(errOut.String(), "could not connect to "+lis.Addr().String()) {
		t.Errorf("exit %v, stderr %q; want 1, could not connect", err, errOut.String())
	}
}

// describe of a symbol the server cannot serve says why.
func TestDescribeOfABrokenSymbolSaysWhy(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{MissingImport: true, Oversized: true, BrokenService: true})
	grpcsh(t, "", addr, "describe", hostile.OrphanMessage).check(t, 1, "", "its file imports "+hostile.MissingFile+", which the server does not serve")
	grpcsh(t, "", addr, "describe", hostile.HugeService).check(t, 1, "", "larger than grpcsh accepts", "-max-msg-sz")
	// The hint works: the limit covers reflection too.
	grpcsh(t, "", "-max-msg-sz", "8000000", addr, "describe", hostile.HugeService).check(t, 0, "*")
	grpcsh(t, "", addr, "describe", hostile.BrokenService).check(t, 1, "", "descriptors are broken")
	// The others still work, by short name too.
	grpcsh(t, "", addr, "describe", "Evil").check(t, 0, "*")
	grpcsh(t, "", addr, "call", "Echo").check(t, 0, "*")
}

// With -proto files and a server, short method names resolve from the
// files too.
func TestShortNamesResolveFromProtoFilesWithAServer(t *testing.T) {
	target := startDemo(t, demo.Options{})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "extra.proto"), []byte(`syntax = "proto3";
package extra;
message Ping {}
service Extra { rpc Uniq(Ping) returns (Ping); }
`), 0o644)
	// The demo server does not implement it: the call reaches the server.
	grpcsh(t, "", "-import-path", dir, "-proto", "extra.proto", target, "call", "Uniq").check(t, 64+12, "", "Code: Unimplemented")
	grpcsh(t, "", "-import-path", dir, "-proto", "extra.proto", target, "call", "SayHello", "-d", `{"name":"x"}`).check(t, 0, "{\"message\":\"Hello x\"}\n")
}

// Small mistakes get a clear message, and usage errors exit 2.
func TestSmallMistakesAreNamed(t *testing.T) {
	target := startDemo(t, demo.Options{})
	empty := filepath.Join(t.TempDir(), "empty.protoset")
	os.WriteFile(empty, nil, 0o644)
	grpcsh(t, "", "-protoset", empty, "describe").check(t, 1, "", "protoset "+empty+" holds no files")
	grpcsh(t, "", "-max-time", "-5", target, "list").check(t, 2, "", "-max-time", "negative")
	grpcsh(t, "", "-f", t.TempDir(), target).check(t, 2, "", "is a directory, not a script file")
	grpcsh(t, "", "-f", filepath.Join(t.TempDir(), "missing"), target).check(t, 2, "", "no such file")
	grpcsh(t, "", "-authority", "a\nb", target, "list").check(t, 2, "", `-authority "a\nb"`, "cannot be in an authority")
	grpcsh(t, "", "foo://bar:1", "list").check(t, 2, "", `unknown scheme "foo"`)
}

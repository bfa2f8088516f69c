package repl_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// pipeBigSize is issue 12's response: showcase.Showcase/Big of 20 MiB.
const pipeBigSize = 20 << 20

// BenchmarkPipeBigResponse measures the peak memory of a process that
// writes one 20 MiB response to a pipe, as a one-shot `call` and as a
// script, against the limit it is held to (≤ 3× the payload; bench/run
// prints it). Each is a process of its own (this test binary, run as
// TestPipeBigClient) so that its peak RSS is its own, not the server's or
// the benchmark's; it also reports the same process's peak for an empty
// response, what the binary costs before any payload.
// (This benchmark's binary is not grpcsh's: `/usr/bin/time -v grpcsh
// TARGET call ...` measures that one.)
func BenchmarkPipeBigResponse(b *testing.B) {
	srv := benchDemo(b)
	var oneshot, script, idle int64
	for i := 0; i < b.N; i++ {
		oneshot = max(oneshot, pipeClient(b, srv.Target(), "oneshot", pipeBigSize))
		script = max(script, pipeClient(b, srv.Target(), "script", pipeBigSize))
		idle = max(idle, pipeClient(b, srv.Target(), "oneshot", 0))
	}
	mib := func(kib int64) float64 { return float64(kib) / 1024 }
	b.ReportMetric(mib(oneshot)/(pipeBigSize>>20), "oneshot-peak/payload")
	b.ReportMetric(mib(script)/(pipeBigSize>>20), "script-peak/payload")
	b.ReportMetric(mib(oneshot), "oneshot-peak-MiB")
	b.ReportMetric(mib(idle), "idle-peak-MiB")
}

// pipeClient runs TestPipeBigClient in a process of its own, reads what
// it writes to its stdout (a pipe), checks it is the whole response, and
// returns the process's peak RSS in KiB.
func pipeClient(b *testing.B, target, mode string, size int) int64 {
	report := b.TempDir() + "/peak"
	cmd := exec.Command(os.Args[0], "-test.run", "^TestPipeBigClient$")
	cmd.Env = append(os.Environ(), "GRPCSH_PIPE_TARGET="+target, "GRPCSH_PIPE_MODE="+mode, "GRPCSH_PIPE_SIZE="+strconv.Itoa(size), "GRPCSH_PIPE_REPORT="+report)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	r := bufio.NewReaderSize(stdout, 64<<10)
	first, err := r.ReadSlice('\n')
	lineLen := len(first)
	for err == bufio.ErrBufferFull {
		first, err = r.ReadSlice('\n')
		lineLen += len(first)
	}
	io.Copy(io.Discard, r)
	if werr := cmd.Wait(); werr != nil || err != nil {
		b.Fatalf("%s client: %v %v", mode, werr, err)
	}
	// {"payload":"<base64>"} and the newline.
	if want := 4 * ((size + 2) / 3); size > 0 && lineLen < want {
		b.Fatalf("%s client wrote a line of %d bytes, want more than %d", mode, lineLen, want)
	}
	peak, err := os.ReadFile(report)
	if err != nil {
		b.Fatal(err)
	}
	kib, err := strconv.ParseInt(string(peak), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return kib
}

// peakRSS is this process's peak resident set in KiB: VmHWM, its own
// address space's. (The rusage of a child is not: Go starts it with
// vfork, and Linux counts the parent's resident set, here the server's,
// into the child's maximum.)
func peakRSS() (string, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSuffix(strings.TrimSpace(rest), " kB"), nil
		}
	}
	return "", fmt.Errorf("no VmHWM in /proc/self/status")
}

// TestPipeBigClient is BenchmarkPipeBigResponse's client process: it
// calls Big once, as a one-shot `call` or in a script, writing to its
// stdout. Run by itself it does nothing.
func TestPipeBigClient(t *testing.T) {
	target := os.Getenv("GRPCSH_PIPE_TARGET")
	if target == "" {
		t.Skip("BenchmarkPipeBigResponse's client process")
	}
	size := os.Getenv("GRPCSH_PIPE_SIZE")
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: target, MaxMsgSize: 64 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := &repl.Output{Out: os.Stdout, Err: os.Stderr}
	req := fmt.Sprintf(`{"size": %s}`, size)
	if os.Getenv("GRPCSH_PIPE_MODE") == "script" {
		err = repl.RunScript(ctx, s, strings.NewReader("call showcase.Showcase/Big "+req+"\n"), out, repl.ScriptOptions{})
	} else {
		err = repl.CallJSON(ctx, s, "showcase.Showcase/Big", strings.NewReader(req), out)
	}
	if err != nil {
		t.Fatal(err)
	}
	peak, err := peakRSS()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("GRPCSH_PIPE_REPORT"), []byte(peak), 0o600); err != nil {
		t.Fatal(err)
	}
}

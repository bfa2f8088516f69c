package dynamic

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// BenchmarkBigReceive measures a large unary receive (Showcase/Big of 20
// and 64 MiB, one after another on one connection) with gatherReleasing's
// collections (release) and without them (keep), and how long those
// collections take (release-ms). The server is a process of its own
// (this test binary, TestBigReceiveServer): in this one, its goroutines,
// busy in long copies, would hold up every collection's stop of the world.
func BenchmarkBigReceive(b *testing.B) {
	target := bigReceiveServer(b)
	conn, err := Dial(context.Background(), ConnConfig{Target: target, MaxMsgSize: 128 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, size := range []int{20 << 20, 64 << 20} {
		for _, mode := range []string{"release", "keep"} {
			b.Run(fmt.Sprintf("%dMiB/%s", size>>20, mode), func(b *testing.B) {
				var spent time.Duration
				defer func(f func()) { releaseMemory = f }(releaseMemory)
				release := releaseMemory
				releaseMemory = func() {
					if mode == "keep" {
						return
					}
					t0 := time.Now()
					release()
					spent += time.Since(t0)
				}
				for i := 0; i < b.N; i++ {
					reply := &showcasepb.BigReply{}
					if err := conn.ClientConn().Invoke(context.Background(), "/showcase.Showcase/Big", &showcasepb.BigRequest{Size: int64(size)}, reply); err != nil {
						b.Fatal(err)
					}
					if len(reply.Payload) != size {
						b.Fatalf("payload of %d bytes, want %d", len(reply.Payload), size)
					}
				}
				b.ReportMetric(float64(spent.Microseconds())/1000/float64(b.N), "release-ms")
			})
		}
	}
}

// bigReceiveServer starts the demo server in a child process and returns
// its address; the child ends when its stdin closes, at the end of tb.
func bigReceiveServer(tb testing.TB) string {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestBigReceiveServer$")
	cmd.Env = append(os.Environ(), "GRPCSH_BIGRECV_SERVER=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	target, ok := strings.CutPrefix(strings.TrimSpace(line), "target ")
	if err != nil || !ok {
		tb.Fatalf("the server process printed %q (%v)", line, err)
	}
	return target
}

// TestBigReceiveServer is BenchmarkBigReceive's server process: it does
// nothing unless the benchmark started it.
func TestBigReceiveServer(t *testing.T) {
	if os.Getenv("GRPCSH_BIGRECV_SERVER") == "" {
		t.Skip("run by BenchmarkBigReceive")
	}
	lis, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{})
	defer srv.Stop(time.Second)
	fmt.Printf("target %s\n", srv.Target())
	io.Copy(io.Discard, os.Stdin)
}

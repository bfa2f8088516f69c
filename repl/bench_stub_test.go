package repl_test

import (
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/repl"
)

// BenchmarkScriptVsStub measures script mode against the limit it is held
// to: a plain loop over the demo's own generated stub, on the same
// connection and server. Each iteration runs a piped script of
// scriptCalls unary SayHello calls, then as many calls of the stub loop,
// so that both see the same machine load; it reports both rates and
// their ratio (bench/run prints it against its target, ≥ 0.85).
func BenchmarkScriptVsStub(b *testing.B) {
	const scriptCalls = 1000
	srv := benchDemo(b)
	ctx := context.Background()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	stub := helloworldpb.NewGreeterClient(s.Conn().ClientConn())
	script := strings.Repeat("call helloworld.Greeter/SayHello {\"name\": \"bench\"}\n", scriptCalls)
	// Responses go to a real file, as a script's stdout would.
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	out := &repl.Output{Out: devNull, Err: io.Discard}
	// Warm both paths up: descriptors, method lookup, connection.
	if err := repl.RunScript(ctx, s, strings.NewReader(script[:strings.Index(script, "\n")+1]), out, repl.ScriptOptions{}); err != nil {
		b.Fatal(err)
	}
	var scriptTime, stubTime, scriptCPU, stubCPU time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			io.WriteString(w, script)
			w.Close()
		}()
		start, cpu := time.Now(), processCPU()
		err = repl.RunScript(ctx, s, r, out, repl.ScriptOptions{})
		scriptTime += time.Since(start)
		scriptCPU += processCPU() - cpu
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
		start, cpu = time.Now(), processCPU()
		for j := 0; j < scriptCalls; j++ {
			reply, err := stub.SayHello(ctx, &helloworldpb.HelloRequest{Name: "bench"})
			if err != nil || reply.GetMessage() == "" {
				b.Fatal(reply, err)
			}
		}
		stubTime += time.Since(start)
		stubCPU += processCPU() - cpu
	}
	calls := float64(b.N * scriptCalls)
	scriptRate, stubRate := calls/scriptTime.Seconds(), calls/stubTime.Seconds()
	b.ReportMetric(scriptRate, "script-calls/s")
	b.ReportMetric(stubRate, "stub-calls/s")
	b.ReportMetric(scriptRate/stubRate, "script/stub")
	// CPU time (client and in-process server) per call: steadier than
	// rates on a loaded machine, and where the difference lies.
	b.ReportMetric(float64(scriptCPU.Microseconds())/calls, "script-cpu-µs/call")
	b.ReportMetric(float64(stubCPU.Microseconds())/calls, "stub-cpu-µs/call")
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package main

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/demotest"
)

// BenchmarkOneShotVsGrpcurl measures the wall time of a one-shot call
// (grpcsh TARGET call METHOD -d JSON) beside grpcurl's for the same call,
// each a process of its own, taking turns against one demo server, over
// reflection as both do by default. Issue 10: the one-shot call stays at
// or below grpcurl's wall time. GRPCURL is the grpcurl binary (bench/run
// installs a pinned one); without it there is nothing to compare with.
func BenchmarkOneShotVsGrpcurl(b *testing.B) {
	grpcurl := os.Getenv("GRPCURL")
	if grpcurl == "" {
		b.Skip("GRPCURL is unset: bench/run installs grpcurl and sets it")
	}
	grpcsh := builtBinary(b)
	target := demotest.Start(b, demo.Options{}).Target()
	const req = `{"name":"bench"}`
	runs := []struct {
		name  string
		args  []string
		times []time.Duration
	}{
		{name: "grpcsh", args: []string{grpcsh, "-plaintext", "-d", req, target, "call", "helloworld.Greeter/SayHello"}},
		{name: "grpcurl", args: []string{grpcurl, "-plaintext", "-d", req, target, "helloworld.Greeter/SayHello"}},
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Turns alternate so that the machine's moods fall on both.
		for j := range runs {
			r := &runs[(i+j)%len(runs)]
			var out, errOut bytes.Buffer
			cmd := exec.Command(r.args[0], r.args[1:]...)
			cmd.Stdout, cmd.Stderr = &out, &errOut
			start := time.Now()
			err := cmd.Run()
			r.times = append(r.times, time.Since(start))
			if err != nil || !bytes.Contains(out.Bytes(), []byte("Hello bench")) {
				b.Fatalf("%s: %v\nstdout: %s\nstderr: %s", r.name, err, out.Bytes(), errOut.Bytes())
			}
		}
	}
	b.StopTimer()
	median := func(ts []time.Duration) float64 {
		ts = slices.Clone(ts)
		slices.Sort(ts)
		return float64(ts[len(ts)/2]) / float64(time.Millisecond)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(median(runs[0].times), "grpcsh-ms")
	b.ReportMetric(median(runs[1].times), "grpcurl-ms")
}

package tui

import (
	"strconv"
	"testing"
	"time"
)

// benchStream runs a Count stream of n messages through the whole TUI
// model (events, batching, formatting, rendering) and reports its rate and
// the bytes of formatted messages the finished call keeps: with a bounded
// stream view, 50,000 messages must keep what 1,000 do.
func benchStream(b *testing.B, n int) {
	h := newHarness(b, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst(strconv.Itoa(n))
	var kept int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.press("ctrl+s")
		deadline := time.After(2 * time.Minute)
		for h.m.call == nil || h.m.call.running() {
			select {
			case msg := <-h.msgs:
				h.handle(msg)
				_ = h.m.View()
			case <-deadline:
				b.Fatalf("the stream did not end")
			}
		}
		if got := h.m.call.msgs.total; got != n {
			b.Fatalf("%d messages, want %d", got, n)
		}
		kept = 0
		h.m.call.msgs.each(func(m streamMsg) { kept += len(m.json) })
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(kept)/1024, "kept-KiB")
}

func BenchmarkTUIStream1k(b *testing.B)  { benchStream(b, 1000) }
func BenchmarkTUIStream50k(b *testing.B) { benchStream(b, 50000) }

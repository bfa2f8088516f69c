package tui

import (
	"bufio"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkTUIStream1M runs a 1,000,000-message Count stream from the
// demo server (in this process, over loopback) through the whole TUI
// model (events, batching, formatting, keeping, rendering after every
// message) and, while it runs, a keystroke (scroll, page, top, bottom)
// every few batches, each timed as Update+View. It reports how many
// messages the finished call keeps, the peak Go heap in use (sampled), the
// process's peak RSS (client and server), and the keystrokes' frame times.
func BenchmarkTUIStream1M(b *testing.B) { benchStream(b, 1_000_000) }

// BenchmarkTUIStream50k is the same with 50,000 messages: the rate and the
// keystrokes of a stream that stays in memory.
func BenchmarkTUIStream50k(b *testing.B) { benchStream(b, 50_000) }

func benchStream(b *testing.B, n int) {
	h := newHarness(b, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst(strconv.Itoa(n))
	keys := []string{"up", "b", "k", "space", "down", "g", "j", "G", "b", "b"}
	var frames, cpus []time.Duration
	var slowest time.Duration
	var slowKey string
	var kept int
	var peakHeap uint64
	var ms runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.press("ctrl+s")
		deadline := time.After(10 * time.Minute)
		batches := 0
		for h.m.call == nil || h.m.call.running() {
			select {
			case msg := <-h.msgs:
				h.handle(msg)
				_ = h.m.View()
				if _, ok := msg.(callEventsMsg); !ok {
					continue
				}
				batches++
				if batches%2 == 0 {
					k := keyMsg(keys[(batches/2)%len(keys)])
					runtime.LockOSThread()
					cpu0 := threadCPU()
					start := time.Now()
					_, cmd := h.m.Update(k)
					_ = h.m.View()
					d := time.Since(start)
					cpu1 := threadCPU()
					runtime.UnlockOSThread()
					frames = append(frames, d)
					if cpu0 >= 0 && cpu1 >= 0 {
						cpus = append(cpus, cpu1-cpu0)
					}
					if d > slowest {
						slowest, slowKey = d, keys[(batches/2)%len(keys)]
					}
					h.run(cmd)
				}
				if batches%10 == 0 {
					runtime.ReadMemStats(&ms)
					peakHeap = max(peakHeap, ms.HeapInuse)
				}
			case <-deadline:
				b.Fatalf("the stream did not end")
			}
		}
		if got := h.m.call.msgs.total; got != n {
			b.Fatalf("%d messages, want %d", got, n)
		}
		kept = h.m.call.msgs.n
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	peakHeap = max(peakHeap, ms.HeapInuse)
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(kept), "kept")
	b.ReportMetric(float64(peakHeap)/(1<<20), "heap-MiB")
	b.ReportMetric(procStatusMiB("VmHWM:"), "peak-rss-MiB")
	b.Logf("%d keystrokes; the slowest, %s, took %s", len(frames), slowKey, slowest)
	slices.Sort(frames)
	if len(frames) > 0 {
		b.ReportMetric(ms1(frames[len(frames)/2]), "key-p50-ms")
		b.ReportMetric(ms1(frames[len(frames)*99/100]), "key-p99-ms")
		b.ReportMetric(ms1(frames[len(frames)-1]), "key-max-ms")
	}
	// On a loaded machine the wall time above includes waiting for a
	// core; the CPU time of the frame's own thread does not.
	slices.Sort(cpus)
	if len(cpus) > 0 {
		b.ReportMetric(ms1(cpus[len(cpus)/2]), "key-cpu-p50-ms")
		b.ReportMetric(ms1(cpus[len(cpus)*99/100]), "key-cpu-p99-ms")
	}
}

// threadCPU is the CPU time of the calling OS thread (Linux's
// CLOCK_THREAD_CPUTIME_ID, to the nanosecond; -1 if it fails): with the
// goroutine locked to its thread, what one frame costs, whatever else the
// machine runs.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return -1
	}
	return time.Duration(ts.Nano())
}

func ms1(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procStatusMiB is a kB figure of /proc/self/status (Linux), in MiB; 0
// elsewhere.
func procStatusMiB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

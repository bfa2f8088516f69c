package tui

import (
	"context"

	"bufio"
	"bytes"
	tea "charm.land/bubbletea/v2"
	"fmt"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bigPayload is the response size of the "big response" benchmarks: the
// 20 MiB the issue measured (Showcase/Big's payload, base64 in the JSON).
const bigPayload = 20 << 20

// bigHarness is an app at 120×40 with a 20 MiB unary response on screen.
func bigHarness(tb testing.TB) *harness {
	s := newTargetSession(tb, startDemo(tb).Target())
	h := newHarnessSession(tb, s, Options{HistoryPath: tb.TempDir() + "/history.jsonl", Version: "test"}, 120, 40)
	h.openMethod("showcase.Showcase.Big", "showcase big")
	h.fillFirst(strconv.Itoa(bigPayload))
	h.press("ctrl+s")
	h.waitFor("the big call to end", func() bool { return h.m.call != nil && !h.m.call.running() }, 2*time.Minute)
	if c := h.m.call; c.code() != 0 {
		tb.Fatalf("Big ended %v; screen:\n%s", c.code(), h.screen())
	}
	h.press("alt+3")
	_ = h.m.View()
	return h
}

// BenchmarkTUIBigKey measures one keystroke — Update and the View of the
// frame it causes — with a 20 MiB response on screen: scrolling down a
// line, a page, switching the response section (]) and the pane (tab)
// back and forth, and wrapping the 28 MB payload line (w), paging through
// it and going to its end (G). ms/key is the mean over all of them, worst-ms
// the slowest one (limit 16 ms).
func BenchmarkTUIBigKey(b *testing.B) {
	h := bigHarness(b)
	keys := []string{"down", "pgdown", "]", "[", "tab", "alt+3", "up", "j", "w", "pgdown", "G", "w", "g"}
	b.ResetTimer()
	start := time.Now()
	n := 0
	worst := time.Duration(0)
	for i := 0; i < b.N; i++ {
		for _, k := range keys {
			t0 := time.Now()
			h.handle(keyMsg(k))
			_ = h.m.View()
			worst = max(worst, time.Since(t0))
			n++
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Microseconds())/1000/float64(n), "ms/key")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

// BenchmarkTUIBigMem measures the TUI's peak RSS (VmHWM of /proc/self/status)
// while it receives, shows and scrolls a 20 MiB response, above its RSS
// when idle (connected, form open, before the call). It runs the TUI in a
// child process (this test binary, TestTUIBigMemChild) so that the demo
// server, which runs here, is not counted. x-payload is the growth over the
// payload (limit 3); kept-MiB is the heap the TUI still holds, after a GC,
// once the response is on screen (the formatted JSON and the view's index).
func BenchmarkTUIBigMem(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("no /proc: VmHWM is Linux's")
	}
	srv := startDemo(b)
	var growth, keptB float64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestTUIBigMemChild$", "-test.v")
		cmd.Env = append(os.Environ(), "GRPCSH_BIGMEM_TARGET="+srv.Target())
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		idle, peak, kept := -1, -1, -1
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			if _, err := fmt.Sscanf(strings.TrimSpace(sc.Text()), "bigmem idle-kB %d peak-kB %d kept-kB %d", &idle, &peak, &kept); err == nil {
				break
			}
		}
		if idle < 0 {
			b.Fatalf("the child printed no figures:\n%s", out)
		}
		growth = float64(peak-idle) * 1024
		keptB = float64(kept) * 1024
	}
	b.ReportMetric(keptB/(1<<20), "kept-MiB")
	b.ReportMetric(growth/(1<<20), "growth-MiB")
	b.ReportMetric(growth/bigPayload, "x-payload")
}

// TestTUIBigMemChild is BenchmarkTUIBigMem's child: it does nothing unless
// the benchmark started it.
func TestTUIBigMemChild(t *testing.T) {
	target := os.Getenv("GRPCSH_BIGMEM_TARGET")
	if target == "" {
		t.Skip("run by BenchmarkTUIBigMem")
	}
	demoOnce.Do(func() {}) // the server is the parent's
	s := newTargetSession(t, target)
	h := newHarnessSession(t, s, Options{HistoryPath: t.TempDir() + "/history.jsonl", Version: "test"}, 120, 40)
	h.openMethod("showcase.Showcase.Big", "showcase big")
	h.fillFirst(strconv.Itoa(bigPayload))
	_ = h.m.View()
	runtime.GC()
	debug.FreeOSMemory()
	idle := procStatusKB(t, "VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	idleHeap := ms.HeapAlloc
	resetHWM()
	h.press("ctrl+s")
	h.waitFor("the big call to end", func() bool { return h.m.call != nil && !h.m.call.running() }, 2*time.Minute)
	h.press("alt+3")
	for _, k := range []string{"down", "pgdown", "]", "[", "G", "g", "tab"} {
		h.press(k)
		_ = h.m.View()
	}
	peak := procStatusKB(t, "VmHWM")
	if !resetHWMWorked {
		peak = max(peak, idle)
	}
	// Twice: sync.Pools (gRPC's receive buffers) let go after two.
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	kept := int64(ms.HeapAlloc) - int64(idleHeap)
	runtime.KeepAlive(h)
	fmt.Printf("bigmem idle-kB %d peak-kB %d kept-kB %d\n", idle, peak, kept/1024)
}

// resetHWMWorked says writing 5 to clear_refs reset VmHWM, so that the
// peak is the call's and not the start-up's.
var resetHWMWorked bool

func resetHWM() {
	resetHWMWorked = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

func procStatusKB(t testing.TB, field string) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// newTargetSession connects a session to a server at target, with
// -max-msg-sz 64 MiB as a user would give for big responses.
func newTargetSession(t testing.TB, target string) *repl.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: target, MaxMsgSize: 64 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkTUIBigSearch measures a search in a 20 MiB response, a message
// at a time as the app gets them: each key typed into the search bar (/,
// then a query, n, N, esc) and each step of the search it starts, Update
// and View (limit 16 ms each: keys are handled between steps).
func BenchmarkTUIBigSearch(b *testing.B) {
	h := bigHarness(b)
	var total, worst time.Duration
	n := 0
	step := func(msg tea.Msg) {
		t0 := time.Now()
		h.m.Update(msg)
		_ = h.m.View()
		d := time.Since(t0)
		total, worst, n = total+d, max(worst, d), n+1
	}
	dv := &h.m.resp.dv
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, k := range []string{"/", "Y", "W", "J", "j", "enter", "n", "N", "esc"} {
			step(keyMsg(k))
			for dv.find.pending {
				step(docSearchStepMsg{v: dv, gen: dv.find.gen})
			}
		}
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "ms/msg")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

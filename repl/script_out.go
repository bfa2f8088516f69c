package repl

import (
	"bufio"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
)

// scriptOut buffers what a script prints when it goes to a file or a
// pipe: one write per response was one system call per call, the largest
// cost of a script of unary calls after the call itself (bench/run,
// BenchmarkScriptVsStub). Nothing waits long in the buffer: it is flushed
// before the script reads more input (a live pipe waiting on a response
// gets it), before anything goes to stderr (the two keep their order
// when they are the same file), at the end, and at most flushAfter after
// it was written to (a slow call, `sleep`, a stream's messages as they
// come).
type scriptOut struct {
	mu    sync.Mutex
	w     *bufio.Writer
	timer *time.Timer
	armed bool // the timer will flush what is in the buffer
}

// flushAfter bounds how late a buffered response is written.
const flushAfter = 10 * time.Millisecond

// bufferScript returns out with its Out buffered when it is a file or a
// pipe and not a terminal (where each response shows when it comes, as
// it always did), and the flush to call when the script ends; out itself
// and a nil flush otherwise.
func bufferScript(out *Output) (*Output, func() error) {
	f, ok := out.Out.(*os.File)
	if !ok || term.IsTerminal(f.Fd()) {
		return out, nil
	}
	so := &scriptOut{w: bufio.NewWriterSize(f, 32<<10)}
	so.timer = time.AfterFunc(time.Hour, func() { so.Flush() })
	so.timer.Stop()
	o := *out
	o.Out = so
	o.Err = flushFirst{so, out.Err}
	return &o, func() error {
		so.timer.Stop()
		return so.Flush()
	}
}

func (s *scriptOut) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.w.Write(p)
	if !s.armed && s.w.Buffered() > 0 {
		s.armed = true
		s.timer.Reset(flushAfter)
	}
	return n, err
}

// Flush writes what is buffered. A write error stays: later writes and
// flushes return it too (bufio.Writer's rule).
func (s *scriptOut) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = false
	return s.w.Flush()
}

// flushFirst writes to w after flushing out.
type flushFirst struct {
	out *scriptOut
	w   io.Writer
}

func (f flushFirst) Write(p []byte) (int, error) {
	f.out.Flush()
	return f.w.Write(p)
}

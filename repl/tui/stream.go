package tui

import (
	"fmt"
	"io"
	"time"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl/msgstore"
)

// The stream panel's data: every message of a call, kept in a msgstore
// (in memory up to a byte budget, then in a 0600 temporary file removed
// when the call is replaced or the TUI exits), so that scrolling, save and
// copy cover the whole stream while memory stays bounded; and a rate meter
// over the last seconds.

// streamMsg is one response message, formatted once when it arrives.
type streamMsg struct {
	index   int           // from 1
	at      time.Duration // since the call started
	json    string        // plain pretty JSON (save, copy)
	colored string        // what the viewer shows
}

// atChunk is how many arrival times one slice of msgLog.at holds: chunks
// grow the list without copying it (a million times cost 8 MiB, once).
const atChunk = 8192

// msgLog is a call's messages: their formatted JSON (plain: the viewer
// colours what it shows) in a store, their arrival times beside it. It
// is a MessageSource (Len, Message) for the viewer. The Update loop
// appends (onEvents); the viewer and a save command read.
type msgLog struct {
	st    *msgstore.Store
	at    [][]time.Duration
	n     int   // kept
	total int   // received, kept or not
	err   error // why the messages after n were not kept
}

// newMsgLog is an empty log holding up to budget bytes in memory (0:
// msgstore.DefaultBudget), the rest in a file in os.TempDir().
func newMsgLog(budget int64) msgLog {
	return msgLog{st: msgstore.New(budget, "")}
}

func (r *msgLog) push(m streamMsg) {
	r.total++
	if r.err != nil {
		return
	}
	if r.st == nil {
		r.st = msgstore.New(0, "")
	}
	if err := r.st.Append([]byte(m.json)); err != nil {
		r.err = err
		return
	}
	if r.n%atChunk == 0 {
		r.at = append(r.at, make([]time.Duration, 0, atChunk))
	}
	r.at[len(r.at)-1] = append(r.at[len(r.at)-1], m.at)
	r.n++
}

// dropped is how many received messages are not kept (the store could
// not write them: err says why).
func (r *msgLog) dropped() int { return r.total - r.n }

// Len and Message make the log a MessageSource: message i (from 0) is the
// plain JSON of response #i+1.
func (r *msgLog) Len() int { return r.n }

func (r *msgLog) Message(i int) ([]byte, error) {
	if r.st == nil || i < 0 || i >= r.n {
		return nil, fmt.Errorf("message %d of %d", i+1, r.n)
	}
	return r.st.Message(i)
}

// msg is message i (from 0) with its number and arrival time; a message
// that cannot be read back shows as the error.
func (r *msgLog) msg(i int) streamMsg {
	m := streamMsg{index: i + 1, at: r.at[i/atChunk][i%atChunk]}
	b, err := r.Message(i)
	if err != nil {
		m.json = dynamic.SafeLine(fmt.Sprintf("<response %d: %v>", i+1, err))
	} else {
		m.json = string(b)
	}
	return m
}

func (r *msgLog) last() (streamMsg, bool) {
	if r.n == 0 {
		return streamMsg{}, false
	}
	return r.msg(r.n - 1), true
}

// writeTo writes the first n messages to w, each followed by a newline, a
// message at a time: a save never holds the stream in memory.
func (r *msgLog) writeTo(w io.Writer, n int) (int64, error) {
	if r.st == nil {
		return 0, nil
	}
	return r.st.WriteTo(w, n, []byte("\n"))
}

// close drops the messages and removes the store's file.
func (r *msgLog) close() {
	if r.st != nil {
		r.st.Close()
	}
}

// rateMeter measures messages per second over a sliding window.
type rateMeter struct {
	samples []rateSample
}

type rateSample struct {
	t     time.Time
	total int
}

const rateWindow = 2 * time.Second

func (m *rateMeter) add(t time.Time, total int) {
	m.samples = append(m.samples, rateSample{t, total})
	// Keep one sample older than the window, to measure across it.
	cut := 0
	for cut+1 < len(m.samples) && t.Sub(m.samples[cut+1].t) >= rateWindow {
		cut++
	}
	if cut > 0 {
		m.samples = append(m.samples[:0], m.samples[cut:]...)
	}
}

// rate is the messages per second over the window ending at now; a stream
// that stopped sending decays to 0.
func (m *rateMeter) rate(now time.Time) float64 {
	if len(m.samples) < 2 {
		return 0
	}
	first, last := m.samples[0], m.samples[len(m.samples)-1]
	span := now.Sub(first.t)
	if span <= 0 {
		return 0
	}
	if span < 200*time.Millisecond {
		span = 200 * time.Millisecond
	}
	return float64(last.total-first.total) / span.Seconds()
}

// streamLine is the stream panel's summary: count, rate, what is kept.
func streamLine(c *call, now time.Time) string {
	n := c.msgs.total
	s := fmt.Sprintf("%d msg", n)
	if n != 1 {
		s += "s"
	}
	if c.method.IsStreamingClient() {
		s = fmt.Sprintf("%d sent · %s received", c.sent, s)
	}
	if c.running() {
		s += fmt.Sprintf(" · %s msg/s", fmtRate(c.rate.rate(now)))
	} else if el := c.elapsed; el > 0 && n > 1 {
		s += fmt.Sprintf(" · avg %s msg/s", fmtRate(float64(n)/el.Seconds()))
	}
	if d := c.msgs.dropped(); d > 0 {
		s += fmt.Sprintf(" · %d not kept: %s", d, dynamic.SafeLine(c.msgs.err.Error()))
	}
	return s
}

func fmtRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.2f", r)
}

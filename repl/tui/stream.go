package tui

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"

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
	index int           // from 1
	at    time.Duration // since the call started
	json  string        // plain pretty JSON (save, copy)
}

// msgLog is a call's messages: each one's arrival time (8 bytes) and
// formatted JSON (plain: the viewer colours what it shows) in a store, so
// that a million messages cost the store's budget and index in memory,
// no more. It is the MessageSource (Len, Message) the viewer reads. The
// Update loop appends (onEvents); the viewer and a save command read.
type msgLog struct {
	// first is message #1's JSON, held in memory whatever its size and
	// not copied (it is the formatted text itself): a unary response is
	// one message, shown whole, and a 20 MiB one must not be copied into
	// the store and read back. The store holds #2 on.
	first   []byte
	firstAt time.Duration

	// st holds each message as 8 bytes of arrival time, then its JSON:
	// read it through Message or Each, which take the time off.
	st      *msgstore.Store
	n       int   // kept
	total   int   // received, kept or not
	err     error // why the messages after n were not kept
	scratch []byte
}

// atLen is the bytes of a stored message's arrival time, before its JSON.
const atLen = 8

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
	if r.n == 0 {
		r.first, r.firstAt = unsafe.Slice(unsafe.StringData(m.json), len(m.json)), m.at
		r.n++
		return
	}
	if r.st == nil {
		r.st = msgstore.New(0, "")
	}
	r.scratch = binary.LittleEndian.AppendUint64(r.scratch[:0], uint64(m.at))
	r.scratch = append(r.scratch, m.json...)
	err := r.st.Append(r.scratch)
	if cap(r.scratch) > 1<<20 {
		r.scratch = nil // one large message: don't hold its size on
	}
	if err != nil {
		// The store counts its own messages (from #2): say the call's.
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		r.err = fmt.Errorf("keeping message %d: %w", r.total, err)
		return
	}
	r.n++
}

// dropped is how many received messages are not kept (the store could
// not write them: err says why).
func (r *msgLog) dropped() int { return r.total - r.n }

// Len and Message make the log a MessageSource: message i (from 0) is the
// plain JSON of response #i+1, as the viewer shows it before colouring.
func (r *msgLog) Len() int { return r.n }

func (r *msgLog) Message(i int) ([]byte, error) {
	_, b, err := r.get(i)
	return b, err
}

func (r *msgLog) get(i int) (time.Duration, []byte, error) {
	if i == 0 && r.n > 0 {
		return r.firstAt, r.first, nil
	}
	if r.st == nil || i < 0 || i >= r.n {
		return 0, nil, fmt.Errorf("message %d of %d", i+1, r.n)
	}
	b, err := r.st.Message(i - 1)
	if err != nil {
		return 0, nil, err
	}
	if len(b) < atLen {
		return 0, nil, fmt.Errorf("message %d: %d bytes stored, want at least %d", i+1, len(b), atLen)
	}
	return time.Duration(binary.LittleEndian.Uint64(b)), b[atLen:], nil
}

// msg is message i (from 0) with its number and arrival time; a message
// that cannot be read back shows as the error.
func (r *msgLog) msg(i int) streamMsg {
	at, b, err := r.get(i)
	m := streamMsg{index: i + 1, at: at, json: string(b)}
	if err != nil {
		m.json = dynamic.SafeLine(fmt.Sprintf("<response %d: %v>", i+1, err))
	}
	return m
}

func (r *msgLog) last() (streamMsg, bool) {
	if r.n == 0 {
		return streamMsg{}, false
	}
	return r.msg(r.n - 1), true
}

// The read interface the response view renders and searches through.
var _ interface {
	Len() int
	Message(i int) ([]byte, error)
} = (*msgLog)(nil)

// Each calls fn with the JSON of messages from..to-1 (from 0), in order,
// reading a spilled stream a block at a time: a search or a save over a
// million messages takes a fraction of a second. json is valid only while
// fn runs; it may run beside appends.
func (r *msgLog) Each(from, to int, fn func(i int, json []byte) error) error {
	to = min(to, r.n)
	if from >= to {
		return nil
	}
	if from == 0 {
		if err := fn(0, r.first); err != nil {
			return err
		}
		from = 1
	}
	if r.st == nil || from >= to {
		return nil
	}
	return r.st.Each(from-1, to-1, func(i int, m []byte) error {
		if len(m) < atLen {
			return fmt.Errorf("message %d: %d bytes stored, want at least %d", i+2, len(m), atLen)
		}
		return fn(i+1, m[atLen:])
	})
}

// writeTo writes the first n messages' JSON to w, each followed by a
// newline, a message at a time: a save never holds the stream in memory.
// It may run beside appends.
func (r *msgLog) writeTo(w io.Writer, n int) (int64, error) {
	var total int64
	err := r.Each(0, n, func(_ int, m []byte) error {
		k, err := w.Write(m)
		total += int64(k)
		if err == nil {
			k, err = io.WriteString(w, "\n")
			total += int64(k)
		}
		return err
	})
	return total, err
}

// close drops the messages and removes the store's file.
func (r *msgLog) close() {
	r.first = nil
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

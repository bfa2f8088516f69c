package tui

import (
	"fmt"
	"time"
)

// The stream panel's data: a ring of the newest messages of a call (memory
// stays bounded however long a stream runs: older messages are counted, not
// kept) and a rate meter over the last seconds.

// defaultKeep is how many messages of a call are kept for display.
const defaultKeep = 1000

// streamMsg is one response message, formatted once when it arrives.
type streamMsg struct {
	index int           // from 1
	at    time.Duration // since the call started
	json  []byte        // pretty JSON (shown, saved, copied); coloured on screen only
}

// msgRing keeps the newest cap messages.
type msgRing struct {
	buf   []streamMsg
	start int // index in buf of the oldest kept
	n     int // kept
	total int // received, kept or not
}

func newMsgRing(capacity int) msgRing {
	return msgRing{buf: make([]streamMsg, max(capacity, 1))}
}

func (r *msgRing) push(m streamMsg) {
	r.total++
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = m
		r.n++
		return
	}
	r.buf[r.start] = m
	r.start = (r.start + 1) % len(r.buf)
}

// skip counts messages that were never formatted because newer ones of the
// same batch would push them out at once.
func (r *msgRing) skip(n int) { r.total += n }

// dropped is how many received messages are no longer kept.
func (r *msgRing) dropped() int { return r.total - r.n }

func (r *msgRing) each(fn func(streamMsg)) {
	for i := range r.n {
		fn(r.buf[(r.start+i)%len(r.buf)])
	}
}

// at is the i-th kept message, oldest first.
func (r *msgRing) at(i int) streamMsg { return r.buf[(r.start+i)%len(r.buf)] }

func (r *msgRing) last() (streamMsg, bool) {
	if r.n == 0 {
		return streamMsg{}, false
	}
	return r.buf[(r.start+r.n-1)%len(r.buf)], true
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
		s += fmt.Sprintf(" · newest %d kept", c.msgs.n)
	}
	if n > 0 && !c.running() && c.msgs.dropped() == 0 {
		return s
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

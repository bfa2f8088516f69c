package tui

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/repl"
)

// A stream may keep millions of messages; the Body tab lays out a window
// of them at a time and slides it when scrolling reaches its edge, so a
// frame costs the window, not the stream.

// windowMsgs is how many messages the Body tab lays out: many pages of
// small messages, few enough to format in well under a frame.
const windowMsgs = 200

// streamWindow is the span of messages the Body tab laid out.
type streamWindow struct {
	lo, hi int   // messages lo..hi-1 (from 0)
	starts []int // the content line where each begins (its "── #" line)

	// The last render's messages, as shown: a following window re-renders
	// after every batch, and most of its messages are the same.
	cache      []windowMsg
	cacheLo    int
	cacheColor bool
}

type windowMsg struct {
	head, body string
}

// body is the Body tab's text: the window's messages (the tail while
// following), each with its index and arrival time in a stream, then the
// status of a failed call.
func (w *streamWindow) body(c *call, s *repl.Session, st Styles, follow bool) string {
	n := c.msgs.n
	if follow {
		w.lo = max(0, n-windowMsgs)
	}
	w.lo = max(0, min(w.lo, n-1))
	w.hi = min(n, w.lo+windowMsgs)
	return w.render(c, s, st)
}

func (w *streamWindow) render(c *call, s *repl.Session, st Styles) string {
	var b strings.Builder
	streaming := c.method.IsStreamingServer()
	colored := st.colorJSON && s.Settings().Format != "text"
	line := 0
	put := func(text string) {
		b.WriteString(text)
		b.WriteString("\n")
		line += strings.Count(text, "\n") + 1
	}
	if w.lo > 0 {
		put(st.Dim.Render(fmt.Sprintf("↑ %d earlier messages: scroll up or g for the first", w.lo)))
	}
	w.starts = w.starts[:0]
	cache := make([]windowMsg, 0, w.hi-w.lo)
	for i := w.lo; i < w.hi; i++ {
		var wm windowMsg
		if j := i - w.cacheLo; colored == w.cacheColor && j >= 0 && j < len(w.cache) {
			wm = w.cache[j]
		} else {
			m := c.msgs.msg(i)
			if streaming {
				wm.head = st.Dim.Render(fmt.Sprintf("── #%d · +%s ──", m.index, fmtDur(m.at)))
			}
			wm.body = m.json
			if colored {
				wm.body = repl.ColorJSON(m.json)
			}
		}
		cache = append(cache, wm)
		w.starts = append(w.starts, line)
		if streaming {
			put(wm.head)
		}
		put(wm.body)
	}
	w.cache, w.cacheLo, w.cacheColor = cache, w.lo, colored
	if rest := c.msgs.n - w.hi; rest > 0 {
		put(st.Dim.Render(fmt.Sprintf("↓ %d later messages: scroll down or G for the newest", rest)))
	}
	if d := c.msgs.dropped(); d > 0 && w.hi == c.msgs.n {
		put(st.Err.Render(fmt.Sprintf("✗ %d later messages not kept: %s", d, c.msgs.err)))
	}
	if c.msgs.total == 0 {
		switch {
		case c.running() && streaming:
			put(st.Dim.Render("waiting for messages…"))
		case c.running():
			put(st.Dim.Render("waiting for the response…"))
		}
	}
	if !c.running() && c.code() != 0 && w.hi == c.msgs.n {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(statusText(c, s, st))
	}
	return strings.TrimRight(b.String(), "\n")
}

// anchor is the message at the top of the viewport and how many of its
// lines are above it, so that a slid window can show the same line.
func (w *streamWindow) anchor(y int) (msg, within int) {
	j := 0
	for j+1 < len(w.starts) && w.starts[j+1] <= y {
		j++
	}
	if len(w.starts) == 0 {
		return w.lo, 0
	}
	return w.lo + j, y - w.starts[j]
}

func (w *streamWindow) lineOf(msg, within int) int {
	j := msg - w.lo
	if j < 0 || j >= len(w.starts) {
		return 0
	}
	return w.starts[j] + within
}

// slide moves the Body tab's window before a scroll key acts, when the key
// would reach past its edge: back when scrolling up within a page of its
// top, on when scrolling down within a page of its bottom, to the first
// message on Top. The viewport keeps showing the same line.
func (r *responseModel) slide(kmsg tea.KeyPressMsg) {
	c := r.ui.call
	if c == nil || r.tab != tabBody || c.msgs.n <= windowMsgs {
		return
	}
	k := r.keys
	up := key.Matches(kmsg, k.Up, k.PageUp)
	down := key.Matches(kmsg, k.Down, k.PageDown)
	if key.Matches(kmsg, k.Top) {
		r.slideTo(c, 0)
		return
	}
	if key.Matches(kmsg, k.Bottom) || key.Matches(kmsg, k.Follow) && !r.follow {
		// Lay out the tail: the key then goes to its bottom.
		r.win.lo = max(0, c.msgs.n-windowMsgs)
		r.dirty = true
		r.refresh(c, r.ui.s, r.ui.st, r.ui.loc)
		return
	}
	r.slideBy(c, up, down)
}

func (r *responseModel) slideBy(c *call, up, down bool) {
	w := &r.win
	page := r.vp.Height()
	lo := w.lo
	switch {
	case up:
		if r.vp.YOffset() > page || w.lo == 0 {
			return
		}
		lo = max(0, w.lo-windowMsgs/2)
	case down:
		if r.follow || r.vp.YOffset()+2*page < r.vp.TotalLineCount() || w.hi >= c.msgs.n {
			return
		}
		lo = min(w.lo+windowMsgs/2, c.msgs.n-windowMsgs)
	default:
		return
	}
	r.slideTo(c, lo)
}

// slideTo lays out the window from message lo, keeping the line shown.
func (r *responseModel) slideTo(c *call, lo int) {
	w := &r.win
	if lo == w.lo {
		return
	}
	msg, within := w.anchor(r.vp.YOffset())
	r.follow = false
	w.lo = lo
	r.dirty = true
	r.refresh(c, r.ui.s, r.ui.st, r.ui.loc)
	if msg < w.lo {
		r.vp.GotoTop()
		return
	}
	r.vp.SetYOffset(w.lineOf(msg, within))
}

// streamAt is where the Body tab is in a stream longer than its window,
// for the box's edge: the message at the top of the view, of how many (a
// percentage of the window alone would mislead).
func (r responseModel) streamAt() (string, bool) {
	if r.ui == nil {
		return "", false
	}
	c := r.ui.call
	if c == nil || r.tab != tabBody || c.msgs.n <= windowMsgs || len(r.win.starts) == 0 {
		return "", false
	}
	msg, _ := r.win.anchor(r.vp.YOffset())
	return fmt.Sprintf("#%d of %d", msg+1, c.msgs.n), true
}

// maxCopyBytes is the most y puts on the clipboard: OSC 52 sends it
// base64 through the terminal, which holds it in memory too; a longer
// stream is saved with s instead.
const maxCopyBytes = 8 << 20

// jsonBytes is about the bytes plainBody would be: the stored bytes less
// each message's arrival time, plus its newline.
func (r *msgLog) jsonBytes() int64 {
	if r.st == nil {
		return 0
	}
	return r.st.Size() - int64(r.n)*(atLen-1)
}

// plainBody is the response as JSON text, for copying: one message, or
// every message of a stream as concatenated JSON objects.
func plainBody(c *call) string {
	var b strings.Builder
	c.msgs.writeTo(&b, c.msgs.n)
	return b.String()
}

// saveLogCmd writes the first n messages of log to path (0600: responses
// may hold secrets), a message at a time from the store, however long the
// stream: it runs beside the Update loop, which may still be appending.
func saveLogCmd(path string, log *msgLog, n int) tea.Cmd {
	return guard(func() tea.Msg {
		p := expandHome(path)
		if dir := filepath.Dir(p); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return savedMsg{path: p, err: err}
			}
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return savedMsg{path: p, err: err}
		}
		bw := bufio.NewWriterSize(f, 256<<10)
		var written int64
		written, err = log.writeTo(bw, n)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return savedMsg{path: p, n: int(written), err: err}
	})
}

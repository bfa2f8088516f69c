package dynamic

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// CallCapture keeps the HTTP/2 frames of the most recent calls made on a
// long-lived connection, such as a TUI session's, with bounded memory:
// frames are parsed as they pass, and only those of the streams of calls
// started with it (Client.Calls) are kept.
//
// HPACK's dynamic table lasts as long as a connection, so each connection
// keeps one decoder per direction for its whole life and every header
// block is decoded, the calls' and the others': a header the second call
// sends as an index into the table decodes as the first call sent it.
// Per call, DATA payloads are kept up to the byte budget and frames up to
// callMaxFrames; what passes those is counted, not kept. The connection's
// own frames (stream 0: SETTINGS, PING, WINDOW_UPDATE...) are counted per
// call while it runs, GOAWAY kept. Set it in ConnConfig.Calls; a
// connection without one is not wrapped, so it costs nothing when off.
type CallCapture struct {
	budget int // DATA payload bytes kept per call
	keep   int // calls kept, the most recent
	// own: the connection is made for its one call (explain -send), so
	// its own frames (stream 0) are the call's, kept like the stream's
	// within callMaxFrames, from the connection's start to its GOAWAY.
	own bool

	mu    sync.Mutex
	calls []*callWire // oldest first

	// startMu is held while a call's stream is opened, so that the calls
	// waiting for their HEADERS are in the order their HEADERS are
	// written, and two calls of one method opened at once are not
	// swapped.
	startMu sync.Mutex
}

// callMaxFrames bounds the frames kept per call (HEADERS, the trailers and
// RST_STREAM excepted: a call has a few).
const callMaxFrames = 64

// NewCallCapture keeps the frames of the keep most recent calls, with at
// most budget bytes of DATA payload each (64 KiB and 4 calls when not
// positive).
func NewCallCapture(budget, keep int) *CallCapture {
	if budget <= 0 {
		budget = 64 << 10
	}
	if keep <= 0 {
		keep = 4
	}
	return &CallCapture{budget: budget, keep: keep}
}

// callWire is one call's part of the capture.
type callWire struct {
	path    string // :path its HEADERS carry
	start   time.Time
	conn    *callConn // the connection its HEADERS went out on; nil before
	stream  uint32
	frames  []WireFrame
	kept    int            // DATA payload bytes kept, ≤ the budget
	msg     [2]grpcReader  // gRPC messages being read, [1] the sent side
	omitted map[string]int // frames of the stream not kept, by type
	omitLen int            // their payload bytes
	conn0   map[string]int // connection frames while the call ran, by type
	ended   bool           // trailers or RST_STREAM seen
	stopped string         // why the capture of its connection stopped
}

// grpcReader follows gRPC's length-prefixed messages across DATA frames.
type grpcReader struct {
	prefix     []byte // of the message to come, until it has 5 bytes
	inBody     bool
	size, got  int
	compressed bool
	keep       bool // its bytes fit in the budget
	body       []byte
}

// expect registers a call about to open a stream of path; its stream is
// the first HEADERS of a new stream with that :path not yet claimed.
func (c *CallCapture) expect(path string) *callWire {
	w := &callWire{path: path, start: time.Now(), omitted: map[string]int{}, conn0: map[string]int{}}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, w)
	for len(c.calls) > c.keep {
		old := c.calls[0]
		if old.conn != nil && old.conn.streams[old.stream] == old {
			delete(old.conn.streams, old.stream)
		}
		c.calls = c.calls[1:]
	}
	return w
}

// forget drops a call whose stream did not open: it must not claim the
// next call's HEADERS.
func (c *CallCapture) forget(w *callWire) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = slices.DeleteFunc(c.calls, func(x *callWire) bool { return x == w })
}

// settle is told that a call ended: if its HEADERS were never seen (the
// connection went before they were written), it must not wait for, and
// claim, a later call's.
func (c *CallCapture) settle(w *callWire) {
	c.mu.Lock()
	unclaimed := w.conn == nil
	c.mu.Unlock()
	if unclaimed {
		c.forget(w)
	}
}

// snapshot is the call's frames so far, as a CapturedCall without its
// status (the caller has it).
func (c *CallCapture) snapshot(w *callWire) *CapturedCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := &CapturedCall{Frames: slices.Clone(w.frames), Stream: w.stream, Shared: true}
	if w.conn == nil {
		out.Notes = append(out.Notes, "(the call's HEADERS have not been seen on the connection)")
	}
	if len(w.omitted) > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("… not kept: %s frame(s) of stream %d (%d payload bytes), past what the capture keeps per call (%d frames, %d KiB of DATA)",
			countsText(w.omitted), w.stream, w.omitLen, callMaxFrames, c.budget>>10))
	}
	if len(w.conn0) > 0 {
		out.Notes = append(out.Notes, "The connection's own frames (stream 0) while the call ran, counted: "+countsText(w.conn0))
	}
	if w.stopped != "" {
		out.Notes = append(out.Notes, "The capture of this connection stopped: "+SafeLine(w.stopped))
	}
	return out
}

func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

// wrap starts parsing a new connection: HPACK state begins afresh with it.
func (c *CallCapture) wrap(conn net.Conn) net.Conn {
	cc := &callConn{Conn: conn, capture: c, streams: map[uint32]*callWire{}}
	for i := range cc.dirs {
		d := &cc.dirs[i]
		d.sent = i == 1
		d.framer = http2.NewFramer(nil, &d.buf)
		d.dec = hpack.NewDecoder(4096, func(f hpack.HeaderField) { d.fields = append(d.fields, [2]string{f.Name, f.Value}) })
	}
	cc.dirs[1].preface = len(http2.ClientPreface)
	return cc
}

// callConn parses the frames that go through a connection.
type callConn struct {
	net.Conn
	capture *CallCapture
	dirs    [2]wireDir           // [0] received, [1] sent; guarded by capture.mu
	streams map[uint32]*callWire // the kept calls' streams; guarded by capture.mu
	stopped string
}

// wireDir is one direction's parsing state.
type wireDir struct {
	sent    bool
	preface int          // client preface bytes still to check
	buf     bytes.Buffer // a frame not yet whole
	skip    int          // payload bytes of an ignored DATA frame still to pass
	framer  *http2.Framer
	dec     *hpack.Decoder
	fields  [][2]string
	hdr     *WireFrame // a header block waiting for its END_HEADERS
	broken  bool
}

func (c *callConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.feed(false, p[:n])
	return n, err
}

// Write parses before writing: parsed after, the server's answer could be
// parsed first (the reader runs in another goroutine), and the frames
// would come out of causal order.
func (c *callConn) Write(p []byte) (int, error) {
	c.feed(true, p)
	return c.Conn.Write(p)
}

func (c *callConn) feed(sent bool, p []byte) {
	if len(p) == 0 {
		return
	}
	c.capture.mu.Lock()
	defer c.capture.mu.Unlock()
	d := &c.dirs[0]
	if sent {
		d = &c.dirs[1]
	}
	preface := []byte(http2.ClientPreface)
	for len(p) > 0 && !d.broken {
		switch {
		case d.preface > 0:
			n := min(d.preface, len(p))
			at := len(preface) - d.preface
			if !bytes.Equal(p[:n], preface[at:at+n]) {
				c.stop(d, "no HTTP/2 client preface")
				return
			}
			d.preface -= n
			p = p[n:]
		case d.skip > 0:
			n := min(d.skip, len(p))
			d.skip -= n
			p = p[n:]
		default:
			need := 9
			if d.buf.Len() >= 9 {
				need = 9 + frameLen(d.buf.Bytes())
			}
			n := min(need-d.buf.Len(), len(p))
			d.buf.Write(p[:n])
			p = p[n:]
			if d.buf.Len() < 9 {
				continue
			}
			b := d.buf.Bytes()
			length, typ, stream := frameLen(b), http2.FrameType(b[3]), binary.BigEndian.Uint32(b[5:9])&(1<<31-1)
			if d.buf.Len() == 9 && typ == http2.FrameData && length > 0 && c.streams[stream] == nil {
				// Another call's data: passed, never buffered.
				d.skip = length
				d.buf.Reset()
				continue
			}
			if d.buf.Len() == 9+length {
				f, err := d.framer.ReadFrame()
				if err != nil {
					c.stop(d, "cannot parse: "+err.Error())
					return
				}
				c.frame(d, f)
			}
		}
	}
}

func frameLen(b []byte) int { return int(b[0])<<16 | int(b[1])<<8 | int(b[2]) }

// stop ends the parsing of a direction that no longer makes sense; the
// calls on the connection say so.
func (c *callConn) stop(d *wireDir, why string) {
	d.broken = true
	c.stopped = why
	for _, w := range c.streams {
		w.stopped = why
	}
}

// frame handles one whole frame of direction d.
func (c *callConn) frame(d *wireDir, f http2.Frame) {
	h := f.Header()
	wf := WireFrame{Sent: d.sent, Type: h.Type.String(), StreamID: h.StreamID, Length: int(h.Length), Flags: frameFlags(h)}
	switch f := f.(type) {
	case *http2.HeadersFrame:
		d.hdr, d.fields = &wf, nil
		c.headerBlock(d, f.HeaderBlockFragment(), f.HeadersEnded())
		return
	case *http2.ContinuationFrame:
		if d.hdr == nil {
			return // the framer refuses a CONTINUATION out of place
		}
		d.hdr.Length += int(h.Length)
		c.headerBlock(d, f.HeaderBlockFragment(), f.HeadersEnded())
		return
	}
	if h.StreamID == 0 && c.capture.own {
		wf.Detail = connFrameDetail(f)
		for _, w := range c.capture.calls {
			if w.conn == nil || w.conn == c {
				w.add(wf, false)
			}
		}
		return
	}
	if h.StreamID == 0 {
		live := c.liveCalls()
		for _, w := range live {
			w.conn0[wf.Type]++
		}
		if g, ok := f.(*http2.GoAwayFrame); ok {
			wf.Detail = fmt.Sprintf("%s, last stream %d", g.ErrCode, g.LastStreamID)
			for _, w := range live {
				w.add(wf, false)
			}
		}
		return
	}
	w := c.streams[h.StreamID]
	if w == nil {
		return
	}
	switch f := f.(type) {
	case *http2.DataFrame:
		// Messages are followed past the budgets, so that the one that
		// ends in a kept frame is told right; a frame that carries only
		// bytes not kept is counted, not kept.
		if w.readMessages(&wf, f.Data(), c.capture.budget) {
			w.add(wf, false)
		} else {
			w.omit(wf)
		}
	case *http2.RSTStreamFrame:
		wf.Detail = f.ErrCode.String()
		w.add(wf, true)
		w.end(c)
	case *http2.WindowUpdateFrame:
		wf.Detail = fmt.Sprintf("increment %d", f.Increment)
		w.add(wf, false)
	default:
		w.add(wf, false)
	}
}

// headerBlock decodes a fragment; with the block's end, the frame is
// claimed by the call waiting for its :path, and kept if its stream's call
// is.
func (c *callConn) headerBlock(d *wireDir, frag []byte, ended bool) {
	if _, err := d.dec.Write(frag); err != nil {
		c.stop(d, "HPACK: "+err.Error())
		return
	}
	if !ended {
		return
	}
	if err := d.dec.Close(); err != nil {
		c.stop(d, "HPACK: "+err.Error())
		return
	}
	wf := *d.hdr
	wf.Header, d.hdr, d.fields = d.fields, nil, nil
	w := c.streams[wf.StreamID]
	if w == nil && d.sent {
		w = c.claim(wf)
	}
	if w == nil {
		return
	}
	trailers := !d.sent && strings.Contains(wf.Flags, "END_STREAM")
	w.add(wf, true)
	if trailers {
		w.end(c)
	}
}

// claim gives a new stream's HEADERS to the oldest call waiting for its
// :path.
func (c *callConn) claim(wf WireFrame) *callWire {
	var path string
	for _, kv := range wf.Header {
		if kv[0] == ":path" {
			path = kv[1]
		}
	}
	for _, w := range c.capture.calls {
		if w.conn == nil && w.path == path {
			w.conn, w.stream = c, wf.StreamID
			c.streams[wf.StreamID] = w
			return w
		}
	}
	return nil
}

// liveCalls are the calls of this connection still running.
func (c *callConn) liveCalls() []*callWire {
	var out []*callWire
	for _, w := range c.streams {
		out = append(out, w)
	}
	return out
}

func (w *callWire) room() bool { return len(w.frames) < callMaxFrames }

// add keeps a frame, timed from the call's start; always says the frame
// is kept past callMaxFrames (headers, trailers, RST_STREAM: a few).
func (w *callWire) add(wf WireFrame, always bool) {
	if !always && !w.room() {
		w.omit(wf)
		return
	}
	wf.At = time.Since(w.start)
	w.frames = append(w.frames, wf)
}

func (w *callWire) omit(wf WireFrame) {
	w.omitted[wf.Type]++
	w.omitLen += wf.Length
}

// end stops following the call's stream: it is over.
func (w *callWire) end(c *callConn) {
	w.ended = true
	delete(c.streams, w.stream)
}

// readMessages reads data's part of the gRPC messages of the frame's
// direction: those that end in it go in the frame, whole while the call's
// kept bytes stay within budget, as their length only past it. It says
// whether the frame is worth keeping: it is empty (an END_STREAM), keeps
// bytes, or ends a message.
func (w *callWire) readMessages(wf *WireFrame, data []byte, budget int) bool {
	r := &w.msg[0]
	if wf.Sent {
		r = &w.msg[1]
	}
	worth := len(data) == 0
	for len(data) > 0 {
		if !r.inBody {
			n := min(5-len(r.prefix), len(data))
			r.prefix = append(r.prefix, data[:n]...)
			data = data[n:]
			if len(r.prefix) < 5 {
				return worth
			}
			r.size = int(binary.BigEndian.Uint32(r.prefix[1:5]))
			r.compressed = r.prefix[0]&1 == 1
			r.inBody, r.got, r.prefix = true, 0, r.prefix[:0]
			r.keep = w.kept+r.size <= budget
			r.body = nil
			if r.keep {
				w.kept += r.size
				r.body = make([]byte, 0, r.size)
			}
		}
		n := min(r.size-r.got, len(data))
		if r.keep {
			r.body = append(r.body, data[:n]...)
			worth = true
		}
		r.got += n
		data = data[n:]
		if r.got == r.size {
			if r.keep {
				wf.Messages = append(wf.Messages, r.body)
				wf.Compressed = append(wf.Compressed, r.compressed)
			} else {
				wf.NotKept = append(wf.NotKept, r.size)
			}
			r.inBody, r.body = false, nil
			worth = true
		}
	}
	return worth
}

// keptBytes is the DATA payload kept for the call (for tests).
func (c *CallCapture) keptBytes(w *callWire) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range w.frames {
		for _, m := range f.Messages {
			n += len(m)
		}
	}
	return n
}

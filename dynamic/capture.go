package dynamic

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// WireCapture records the bytes of a connection both ways, after TLS, so
// that the HTTP/2 frames of a call can be shown as they crossed the wire.
// Set it in ConnConfig.Capture; a connection without one is not wrapped,
// so capturing costs nothing when off.
type WireCapture struct {
	mu     sync.Mutex
	start  time.Time
	chunks []wireChunk
}

type wireChunk struct {
	sent bool // client → server
	at   time.Duration
	data []byte
}

// NewWireCapture starts the clock frame times are measured from.
func NewWireCapture() *WireCapture { return &WireCapture{start: time.Now()} }

func (c *WireCapture) record(sent bool, p []byte) {
	if len(p) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chunks = append(c.chunks, wireChunk{sent: sent, at: time.Since(c.start), data: bytes.Clone(p)})
}

// captureConn copies what goes through a connection into its capture.
type captureConn struct {
	net.Conn
	capture *WireCapture
}

func (c *captureConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.capture.record(false, p[:n])
	return n, err
}

// Write records before writing: recorded after, the server's answer could
// be recorded first (the reader runs in another goroutine), and the frames
// would come out of causal order. Bytes a failed write did not send are
// recorded all the same; the connection ends there anyway.
func (c *captureConn) Write(p []byte) (int, error) {
	c.capture.record(true, p)
	return c.Conn.Write(p)
}

// WireFrame is one HTTP/2 frame of a captured connection.
type WireFrame struct {
	Sent     bool          // client → server
	At       time.Duration // when its last byte crossed, since the capture began
	Type     string        // HEADERS, DATA, SETTINGS...
	StreamID uint32
	Flags    string // END_STREAM, END_HEADERS, ACK...
	Length   int    // payload bytes
	Header   [][2]string
	// Messages are the gRPC messages that end in this DATA frame (the
	// 5-byte prefix removed); Compressed says which were.
	Messages   [][]byte
	Compressed []bool
	// NotKept are the lengths of the messages that end in this frame but
	// were not kept: past CallCapture's byte budget.
	NotKept []int
	Detail  string // SETTINGS values, WINDOW_UPDATE increment, RST code...
}

// Frames parses the capture into frames, in the order they crossed. The
// client's 24-byte preface is checked and skipped. Bytes that do not parse
// end that direction with an error frame.
func (c *WireCapture) Frames() []WireFrame {
	c.mu.Lock()
	chunks := slices.Clone(c.chunks)
	c.mu.Unlock()
	var out []orderedFrame
	for _, sent := range []bool{true, false} {
		var all []byte
		var ends []int // cumulative end offset of each chunk of this direction
		var idx []int  // its position among all chunks
		for i, ch := range chunks {
			if ch.sent == sent {
				all = append(all, ch.data...)
				ends = append(ends, len(all))
				idx = append(idx, i)
			}
		}
		out = append(out, parseFrames(sent, all, func(off int) (int, time.Duration) {
			j := sort.SearchInts(ends, off)
			if j >= len(ends) {
				j = len(ends) - 1
			}
			return idx[j], chunks[idx[j]].at
		})...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].order < out[j].order })
	frames := make([]WireFrame, len(out))
	for i, f := range out {
		frames[i] = f.WireFrame
	}
	return frames
}

type orderedFrame struct {
	WireFrame
	order int
}

// countingReader counts the bytes the framer has taken: the offset where
// each frame ends.
type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func parseFrames(sent bool, b []byte, locate func(off int) (int, time.Duration)) []orderedFrame {
	if len(b) == 0 {
		return nil
	}
	cr := &countingReader{r: bytes.NewReader(b)}
	if sent {
		if !bytes.HasPrefix(b, []byte(http2.ClientPreface)) {
			return []orderedFrame{{WireFrame: WireFrame{Sent: true, Type: "?", Detail: "no HTTP/2 client preface"}}}
		}
		io.CopyN(io.Discard, cr, int64(len(http2.ClientPreface)))
	}
	fr := http2.NewFramer(nil, cr)
	// One decoder per direction: HPACK's table belongs to a direction.
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	fr.MaxHeaderListSize = 1 << 24
	var out []orderedFrame
	pending := map[uint32][]byte{} // gRPC bytes of a stream not yet a whole message
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				order, at := locate(cr.n)
				out = append(out, orderedFrame{WireFrame{Sent: sent, At: at, Type: "?", Detail: "cannot parse: " + err.Error()}, order})
			}
			return out
		}
		order, at := locate(cr.n)
		h := f.Header()
		wf := WireFrame{Sent: sent, At: at, Type: h.Type.String(), StreamID: h.StreamID, Length: int(h.Length), Flags: frameFlags(h)}
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			for _, hf := range f.Fields {
				wf.Header = append(wf.Header, [2]string{hf.Name, hf.Value})
			}
		case *http2.DataFrame:
			buf := append(pending[h.StreamID], f.Data()...)
			for len(buf) >= 5 {
				n := int(binary.BigEndian.Uint32(buf[1:5]))
				if len(buf) < 5+n {
					break
				}
				wf.Messages = append(wf.Messages, bytes.Clone(buf[5:5+n]))
				wf.Compressed = append(wf.Compressed, buf[0]&1 == 1)
				buf = buf[5+n:]
			}
			pending[h.StreamID] = buf
		default:
			wf.Detail = connFrameDetail(f)
		}
		out = append(out, orderedFrame{wf, order})
	}
}

// connFrameDetail says what a frame other than HEADERS and DATA carries:
// SETTINGS values, a WINDOW_UPDATE's increment, RST_STREAM's code...
func connFrameDetail(f http2.Frame) string {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		var s []string
		f.ForeachSetting(func(st http2.Setting) error {
			s = append(s, st.String())
			return nil
		})
		return strings.Join(s, ", ")
	case *http2.WindowUpdateFrame:
		return fmt.Sprintf("increment %d", f.Increment)
	case *http2.PingFrame:
		return fmt.Sprintf("data % x", f.Data[:])
	case *http2.RSTStreamFrame:
		return f.ErrCode.String()
	case *http2.GoAwayFrame:
		return fmt.Sprintf("%s, last stream %d", f.ErrCode, f.LastStreamID)
	}
	return ""
}

func frameFlags(h http2.FrameHeader) string {
	var fl []string
	has := func(f http2.Flags) bool { return h.Flags&f != 0 }
	switch h.Type {
	case http2.FrameData:
		if has(http2.FlagDataEndStream) {
			fl = append(fl, "END_STREAM")
		}
	case http2.FrameHeaders:
		if has(http2.FlagHeadersEndStream) {
			fl = append(fl, "END_STREAM")
		}
		if has(http2.FlagHeadersEndHeaders) {
			fl = append(fl, "END_HEADERS")
		}
	case http2.FrameSettings, http2.FramePing:
		if has(http2.FlagSettingsAck) {
			fl = append(fl, "ACK")
		}
	}
	return strings.Join(fl, "|")
}

// CapturedCall is one call with its frames: made on a connection of its
// own (what explain -send shows), or, Shared, on a long-lived connection
// whose CallCapture kept the frames of the call's stream.
type CapturedCall struct {
	Method    protoreflect.MethodDescriptor
	Frames    []WireFrame
	Elapsed   time.Duration // from starting the call to its status
	Status    *Status
	Responses int
	Shared    bool     // on a connection other calls use too
	Stream    uint32   // the call's HTTP/2 stream, when Shared
	Notes     []string // what was counted, not kept
	Running   bool     // the call has not ended: frames so far
}

// SendCaptured makes one call of call.Method with reqs on a new connection
// configured by cfg whose frames are captured, and closes it. A connection
// that cannot be made is an error; a call that fails is not (its status is
// in the result). What is kept is bounded as CallCapture bounds a call
// (64 KiB of DATA, callMaxFrames frames); the rest is counted, so that a
// long stream costs neither memory nor pages of output.
func SendCaptured(ctx context.Context, cfg ConnConfig, types *Types, call Call, reqs []proto.Message) (*CapturedCall, error) {
	if call.Method == nil {
		return nil, errors.New("no method")
	}
	capture := NewCallCapture(64<<10, 1)
	capture.own = true
	// Expected before the connection is made, so that its first frames
	// (the SETTINGS exchange) are the call's too; the call's clock starts
	// here, as the connection's.
	w := capture.expect("/" + MethodPath(call.Method))
	cfg.Capture = nil
	cfg.Calls = capture
	conn, err := Dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	client := &Client{CC: conn.ClientConn(), Types: types, Explain: conn.Explain}
	stream, err := client.Start(ctx, call)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if stream.Send(r) != nil {
			break // the server ended the call: its status says why
		}
	}
	stream.CloseSend()
	var responses int
	var status *Status
	var elapsed time.Duration
	for ev := range stream.Events() {
		switch e := ev.(type) {
		case MessageEvent:
			responses++
		case EndEvent:
			status, elapsed = e.Status, e.Elapsed
		}
	}
	conn.Close() // so that the last frames (GOAWAY) are in
	out := capture.snapshot(w)
	out.Method, out.Status, out.Elapsed, out.Responses = call.Method, status, elapsed, responses
	out.Shared, out.Stream = false, 0
	return out, nil
}

package dynamic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

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

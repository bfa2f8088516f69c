package dynamic

import (
	stdbytes "bytes"
	"encoding/json"
	"sync"
	"sync/atomic"
	"unsafe"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// WireMessage is a message of a plain shape (see wirejson.go) held as its
// wire bytes: a request read from JSON straight into them
// (ParseRequestJSON), or a reply as received (Call.WireReplies). It is a
// proto.Message like any other; the first use of its fields decodes it
// (Message), and from then on the decoded message is the message, for the
// codec too.
type WireMessage struct {
	md    protoreflect.MessageDescriptor
	types *Types
	wire  []byte
	json  []byte // a reply's JSON with JSON names, made by the codec

	mu  sync.Mutex
	msg atomic.Pointer[dynamicpb.Message] // once decoded
}

// Descriptor is the message's type, without decoding it.
func (w *WireMessage) Descriptor() protoreflect.MessageDescriptor { return w.md }

// ProtoReflect decodes the message (once) and returns its reflection.
func (w *WireMessage) ProtoReflect() protoreflect.Message { return w.Message().ProtoReflect() }

// Message is the message decoded: a wire form is only made of bytes that
// decode (encodePlainJSON's, or a reply appendPlainWire printed), so this
// cannot fail.
func (w *WireMessage) Message() *dynamicpb.Message {
	if m := w.msg.Load(); m != nil {
		return m
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if m := w.msg.Load(); m != nil {
		return m
	}
	m := w.types.New(w.md)
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(w.wire, m); err != nil {
		panic("grpcsh: the wire form of a " + string(w.md.FullName()) + " does not decode: " + err.Error())
	}
	w.msg.Store(m)
	return m
}

// undecoded is the wire form while nothing has decoded the message (and so
// perhaps changed it): false after.
func (w *WireMessage) undecoded() ([]byte, bool) {
	if w.msg.Load() != nil {
		return nil, false
	}
	return w.wire, true
}

// ParseRequestJSON is ParseJSON for a request about to be sent: a message
// of a plain shape is read straight into its wire form (a *WireMessage),
// decoded only if something asks for its fields. Whatever that reading
// declines (see wirejson.go), errors included, is ParseJSON's.
func ParseRequestJSON(types *Types, md protoreflect.MessageDescriptor, data []byte) (proto.Message, error) {
	if sh := plainShapeOf(md); sh != nil {
		if wire, ok := encodePlainJSON(sh, data); ok {
			return &WireMessage{md: md, types: types, wire: wire}, nil
		}
	}
	return ParseJSON(types, md, data)
}

// formatWire is Format's JSON of a message still in its wire form, as
// protojson prints it; false when Format must decode it and use protojson
// (text format, defaults, or a form appendPlainWire declines).
func (f Formatter) formatWire(w *WireMessage) (string, bool) {
	wire, ok := w.undecoded()
	if !ok || f.Text || f.EmitDefaults {
		return "", false
	}
	b := w.json
	if b == nil || f.ProtoNames {
		sh := plainShapeOf(w.md)
		if sh == nil {
			return "", false
		}
		if b, ok = appendPlainWire(make([]byte, 0, 2*len(wire)+16), sh, wire, f.ProtoNames); !ok {
			return "", false
		}
	}
	text := unsafe.String(unsafe.SliceData(b), len(b)) // b is not changed after
	if f.Multiline {
		var buf stdbytes.Buffer
		if json.Indent(&buf, b, "", "  ") != nil {
			return "", false
		}
		text = buf.String()
	}
	// As format does: the one place JSON leaves the engine.
	return SafeJSON(text), true
}

// plainReplyMax is the largest reply kept in its wire form: bigger ones
// are decoded as before (bigCodec's own ways with large messages).
const plainReplyMax = 64 << 10

// unmarshalWire fills a reply's WireMessage from data: its bytes and its
// JSON when its shape is plain and appendPlainWire prints them, else the
// message decoded, as the codec decodes any other.
func (w *WireMessage) unmarshalWire(data mem.BufferSlice) error {
	if sh := plainShapeOf(w.md); sh != nil && data.Len() <= plainReplyMax {
		wire := data.Materialize()
		if b, ok := appendPlainWire(make([]byte, 0, 2*len(wire)+16), sh, wire, false); ok {
			w.wire, w.json = wire, b
			return nil
		}
	}
	m := w.types.New(w.md)
	if err := (bigCodec{}).Unmarshal(data, m); err != nil {
		return err
	}
	w.msg.Store(m)
	return nil
}

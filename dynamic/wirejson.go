package dynamic

// This file is a hand-written piece of what protojson and dynamicpb do,
// for one reason, measured: a script's unary call spent most of what it
// cost over a generated stub in them (issue 10, BenchmarkScriptVsStub:
// reading the request's JSON into a dynamicpb message and marshalling it,
// unmarshalling the reply into another and printing it with protojson,
// and the garbage of all four). For messages of a plain shape (plainShape)
// it turns a request's JSON straight into its wire bytes, and wireprint.go
// turns a reply's wire bytes straight into the JSON protojson prints. It
// never decides anything on its own: whatever it is not sure to read or
// print exactly as protojson does (an escape in a name, a number written
// 1e3, a duplicate, a value out of range, bytes that are not UTF-8, a
// field twice on the wire...) it declines, and the library does the work,
// so that every error is the library's, word for word.
// FuzzPlainJSONRequest and FuzzPlainWireReply hold it to the library's
// results.

import (
	"bytes"
	"encoding/base64"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// plainShape is a message type this file reads and prints: its fields are
// scalars other than float and double, strings, bytes, open enums, and
// messages of plain shapes, repeated or not; no maps, groups, required
// fields, extension ranges or well-known types (protojson prints those its
// own way).
type plainShape struct {
	fields []plainField // in declaration order, as protojson prints them
	byNum  map[protowire.Number]int
	byName map[string]int // JSON and proto names
}

type plainField struct {
	fd       protoreflect.FieldDescriptor
	kind     protoreflect.Kind
	list     bool
	packed   bool
	presence bool // a zero value is sent and printed
	oneof    int  // the index of its (non-synthetic) oneof, -1 for none
	jsonName string
	textName string
	msg      *plainShape
	enum     protoreflect.EnumDescriptor
}

var (
	plainShapes     sync.Map     // protoreflect.MessageDescriptor → *plainShape (nil: not plain)
	plainShapeCount atomic.Int64 // about how many plainShapes holds
)

// maxPlainShapes bounds plainShapes: every connection's reflection makes
// descriptors of its own, so a long session that reconnects would keep
// the shapes (and through them the descriptors) of every connection. Past
// it the cache starts again.
const maxPlainShapes = 4096

// plainShapeOf is md's plain shape, nil when md is not plain.
func plainShapeOf(md protoreflect.MessageDescriptor) *plainShape {
	if v, ok := plainShapes.Load(md); ok {
		return v.(*plainShape)
	}
	building := map[protoreflect.MessageDescriptor]*plainShape{}
	sh := buildPlainShape(md, building)
	if sh == nil {
		// The others under way are half built: keep md's answer only.
		building = map[protoreflect.MessageDescriptor]*plainShape{md: nil}
	}
	if plainShapeCount.Add(int64(len(building))) > maxPlainShapes {
		plainShapes.Clear()
		plainShapeCount.Store(int64(len(building)))
	}
	for d, s := range building {
		plainShapes.LoadOrStore(d, s)
	}
	return sh
}

// buildPlainShape builds md's shape and those of the messages it holds;
// building has the ones under way, for message types that hold
// themselves.
func buildPlainShape(md protoreflect.MessageDescriptor, building map[protoreflect.MessageDescriptor]*plainShape) *plainShape {
	if sh, ok := building[md]; ok {
		return sh
	}
	if strings.HasPrefix(string(md.FullName()), "google.protobuf.") || md.ExtensionRanges().Len() > 0 || md.IsMapEntry() {
		return nil
	}
	fds := md.Fields()
	sh := &plainShape{fields: make([]plainField, fds.Len()), byNum: make(map[protowire.Number]int, fds.Len()), byName: make(map[string]int, 2*fds.Len())}
	building[md] = sh
	for i := range fds.Len() {
		fd := fds.Get(i)
		f := plainField{fd: fd, kind: fd.Kind(), list: fd.IsList(), packed: fd.IsPacked(), presence: fd.HasPresence(), oneof: -1, jsonName: fd.JSONName(), textName: fd.TextName()}
		if fd.IsMap() || fd.Cardinality() == protoreflect.Required {
			return nil
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			f.oneof = od.Index()
		}
		switch f.kind {
		case protoreflect.BoolKind, protoreflect.StringKind, protoreflect.BytesKind,
			protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
			protoreflect.Uint32Kind, protoreflect.Fixed32Kind,
			protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
			protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		case protoreflect.EnumKind:
			f.enum = fd.Enum()
			if f.enum.IsClosed() || strings.HasPrefix(string(f.enum.FullName()), "google.protobuf.") {
				return nil
			}
		case protoreflect.MessageKind:
			if f.msg = buildPlainShape(fd.Message(), building); f.msg == nil {
				return nil
			}
		default: // float, double, group
			return nil
		}
		sh.fields[i] = f
		sh.byNum[fd.Number()] = i
		// Two fields one name could mean (proto2 lets a json_name or a
		// camel-cased name be another field's; protodesc does not check):
		// which one protojson reads is the library's to say.
		for _, name := range []string{f.jsonName, f.textName} {
			if j, taken := sh.byName[name]; taken && j != i {
				return nil
			}
			sh.byName[name] = i
		}
	}
	return sh
}

// wireType is the wire type of one value of f.
func (f *plainField) wireType() protowire.Type {
	switch f.kind {
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	case protoreflect.Sfixed32Kind, protoreflect.Fixed32Kind:
		return protowire.Fixed32Type
	case protoreflect.Sfixed64Kind, protoreflect.Fixed64Kind:
		return protowire.Fixed64Type
	}
	return protowire.VarintType
}

// maxPlainDepth is how deep messages may nest here; deeper ones go to
// protojson, whose own limit and error then apply.
const maxPlainDepth = 64

// encodePlainJSON is the wire form of the JSON object data, a message of
// shape sh; false when protojson must read it.
func encodePlainJSON(sh *plainShape, data []byte) ([]byte, bool) {
	r := plainReader{data: data}
	r.skipSpace()
	out, ok := r.message(sh, make([]byte, 0, len(data)), 0)
	if !ok {
		return nil, false
	}
	r.skipSpace()
	return out, r.i == len(data)
}

type plainReader struct {
	data []byte
	i    int
	str  []byte // room for strings with escapes
}

func (r *plainReader) skipSpace() {
	for r.i < len(r.data) {
		switch r.data[r.i] {
		case ' ', '\n', '\r', '\t':
			r.i++
		default:
			return
		}
	}
}

// next skips blanks and says whether c comes next, taking it if so.
func (r *plainReader) next(c byte) bool {
	r.skipSpace()
	if r.i < len(r.data) && r.data[r.i] == c {
		r.i++
		return true
	}
	return false
}

func (r *plainReader) message(sh *plainShape, out []byte, depth int) ([]byte, bool) {
	if depth > maxPlainDepth || !r.next('{') {
		return nil, false
	}
	if r.next('}') {
		return out, true
	}
	var seen, seenOneofs uint64 // by field index and oneof index, the first 64
	for {
		r.skipSpace()
		name, ok := r.plainString()
		if !ok || !r.next(':') {
			return nil, false
		}
		idx, known := sh.byName[string(name)]
		if !known || idx >= 64 {
			return nil, false
		}
		if seen&(1<<idx) != 0 {
			return nil, false // protojson's "duplicate field"
		}
		seen |= 1 << idx
		f := &sh.fields[idx]
		if f.oneof >= 0 {
			if f.oneof >= 64 || seenOneofs&(1<<f.oneof) != 0 {
				return nil, false
			}
			seenOneofs |= 1 << f.oneof
		}
		r.skipSpace()
		if f.list {
			out, ok = r.list(f, out, depth)
		} else {
			out, ok = r.value(f, out, depth, false)
		}
		if !ok {
			return nil, false
		}
		if r.next('}') {
			return out, true
		}
		if !r.next(',') {
			return nil, false
		}
	}
}

func (r *plainReader) list(f *plainField, out []byte, depth int) ([]byte, bool) {
	if !r.next('[') {
		return nil, false // null, or not a list
	}
	if r.next(']') {
		return out, true
	}
	packed := f.packed && f.wireType() != protowire.BytesType
	start := len(out)
	if packed {
		out = protowire.AppendTag(out, f.fd.Number(), protowire.BytesType)
		start = len(out)
	}
	for {
		r.skipSpace()
		var ok bool
		if out, ok = r.value(f, out, depth, packed); !ok {
			return nil, false
		}
		if r.next(']') {
			break
		}
		if !r.next(',') {
			return nil, false
		}
	}
	if packed {
		out = insertLength(out, start)
	}
	return out, true
}

// insertLength puts the length of out[start:] before it, as a varint.
func insertLength(out []byte, start int) []byte {
	n := len(out) - start
	size := protowire.SizeVarint(uint64(n))
	out = append(out, make([]byte, size)...)
	copy(out[start+size:], out[start:start+n])
	protowire.AppendVarint(out[start:start], uint64(n))
	return out
}

// value reads one value of f (an element when f is a list) and appends
// it with its tag, or without one when bare (a packed element).
func (r *plainReader) value(f *plainField, out []byte, depth int, bare bool) ([]byte, bool) {
	tag := func(out []byte) []byte {
		if bare {
			return out
		}
		return protowire.AppendTag(out, f.fd.Number(), f.wireType())
	}
	// A zero value of a field without presence is not sent: protojson
	// leaves such a field unset.
	omit := !f.list && !f.presence
	switch f.kind {
	case protoreflect.MessageKind:
		out = protowire.AppendTag(out, f.fd.Number(), protowire.BytesType)
		start := len(out)
		out, ok := r.message(f.msg, out, depth+1)
		if !ok {
			return nil, false
		}
		return insertLength(out, start), true
	case protoreflect.StringKind, protoreflect.BytesKind:
		s, ok := r.string()
		if !ok {
			return nil, false
		}
		if f.kind == protoreflect.BytesKind {
			enc := base64.StdEncoding
			if strings.ContainsAny(string(s), "-_") {
				enc = base64.URLEncoding
			}
			if len(s)%4 != 0 {
				enc = enc.WithPadding(base64.NoPadding)
			}
			dec := make([]byte, enc.DecodedLen(len(s)))
			n, err := enc.Decode(dec, s)
			if err != nil {
				return nil, false
			}
			s = dec[:n]
		}
		if omit && len(s) == 0 {
			return out, true
		}
		return protowire.AppendBytes(tag(out), s), true
	case protoreflect.BoolKind:
		var v uint64
		switch {
		case r.literal("true"):
			v = 1
		case r.literal("false"):
		default:
			return nil, false
		}
		if omit && v == 0 {
			return out, true
		}
		return protowire.AppendVarint(tag(out), v), true
	case protoreflect.EnumKind:
		var n int64
		if r.i < len(r.data) && r.data[r.i] == '"' {
			name, ok := r.plainString()
			if !ok {
				return nil, false
			}
			ev := f.enum.Values().ByName(protoreflect.Name(name))
			if ev == nil {
				return nil, false
			}
			n = int64(ev.Number())
		} else {
			v, ok := r.integer(math.MinInt32, math.MaxInt32)
			if !ok {
				return nil, false
			}
			n = v
		}
		if omit && n == 0 {
			return out, true
		}
		return protowire.AppendVarint(tag(out), uint64(n)), true
	}
	// The integers.
	var lo, hi int64
	unsigned := false
	switch f.kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		lo, hi = math.MinInt32, math.MaxInt32
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		unsigned, hi = true, math.MaxUint32
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		lo, hi = math.MinInt64, math.MaxInt64
	default: // uint64, fixed64
		unsigned, hi = true, -1
	}
	var u uint64
	if unsigned {
		v, ok := r.unsigned()
		if !ok || (hi >= 0 && v > uint64(hi)) {
			return nil, false
		}
		u = v
	} else {
		v, ok := r.integer(lo, hi)
		if !ok {
			return nil, false
		}
		u = uint64(v)
	}
	if omit && u == 0 {
		return out, true
	}
	out = tag(out)
	switch f.kind {
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return protowire.AppendVarint(out, protowire.EncodeZigZag(int64(u))), true
	case protoreflect.Sfixed32Kind, protoreflect.Fixed32Kind:
		return protowire.AppendFixed32(out, uint32(u)), true
	case protoreflect.Sfixed64Kind, protoreflect.Fixed64Kind:
		return protowire.AppendFixed64(out, u), true
	}
	return protowire.AppendVarint(out, u), true
}

// literal takes word when it comes next, whole.
func (r *plainReader) literal(word string) bool {
	if !bytes.HasPrefix(r.data[r.i:], []byte(word)) {
		return false
	}
	end := r.i + len(word)
	if end < len(r.data) && !isDelimiter(r.data[end]) {
		return false
	}
	r.i = end
	return true
}

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\n', '\r', '\t', ',', '}', ']':
		return true
	}
	return false
}

// digits reads [-](0|[1-9][0-9]*) with nothing of a number after it (no
// fraction, no exponent), returning the sign and the magnitude.
func (r *plainReader) digits() (neg bool, mag uint64, ok bool) {
	i := r.i
	if i < len(r.data) && r.data[i] == '-' {
		neg = true
		i++
	}
	start := i
	for i < len(r.data) && r.data[i] >= '0' && r.data[i] <= '9' {
		d := uint64(r.data[i] - '0')
		hi, lo := bits.Mul64(mag, 10)
		if hi != 0 || lo+d < lo {
			return false, 0, false
		}
		mag = lo + d
		i++
	}
	if i == start || (r.data[start] == '0' && i-start > 1) || (neg && mag == 0) {
		return false, 0, false // not a number, or 0 written 01 or -0
	}
	if i < len(r.data) && !isDelimiter(r.data[i]) {
		return false, 0, false
	}
	r.i = i
	return neg, mag, true
}

func (r *plainReader) integer(lo, hi int64) (int64, bool) {
	neg, mag, ok := r.digits()
	if !ok {
		return 0, false
	}
	if neg {
		if mag > uint64(math.MaxInt64)+1 || -int64(mag-1)-1 < lo {
			return 0, false
		}
		return -int64(mag-1) - 1, true
	}
	if mag > uint64(hi) {
		return 0, false
	}
	return int64(mag), true
}

func (r *plainReader) unsigned() (uint64, bool) {
	neg, mag, ok := r.digits()
	return mag, ok && !neg
}

// plainString reads a string without escapes: a field or enum name.
func (r *plainReader) plainString() ([]byte, bool) {
	if r.i >= len(r.data) || r.data[r.i] != '"' {
		return nil, false
	}
	for j := r.i + 1; j < len(r.data); j++ {
		switch c := r.data[j]; {
		case c == '"':
			s := r.data[r.i+1 : j]
			r.i = j + 1
			return s, true
		case c == '\\' || c < ' ' || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

// string reads a JSON string, escapes and all, as protojson's reader
// takes it: valid UTF-8, no control characters, no lone surrogates (those
// are ParseJSON's to replace).
func (r *plainReader) string() ([]byte, bool) {
	if s, ok := r.plainString(); ok {
		return s, true
	}
	if r.i >= len(r.data) || r.data[r.i] != '"' {
		return nil, false
	}
	b := r.str[:0]
	j := r.i + 1
	for j < len(r.data) {
		c := r.data[j]
		switch {
		case c == '"':
			r.i, r.str = j+1, b
			return b, true
		case c < ' ':
			return nil, false
		case c >= utf8.RuneSelf:
			ch, n := utf8.DecodeRune(r.data[j:])
			if ch == utf8.RuneError && n == 1 {
				return nil, false
			}
			b = append(b, r.data[j:j+n]...)
			j += n
			continue
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(r.data) {
			return nil, false
		}
		switch e := r.data[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if j+6 > len(r.data) {
				return nil, false
			}
			v, err := strconv.ParseUint(string(r.data[j+2:j+6]), 16, 32)
			if err != nil || utf16.IsSurrogate(rune(v)) {
				return nil, false
			}
			b = utf8.AppendRune(b, rune(v))
			j += 6
			continue
		default:
			return nil, false
		}
		j += 2
	}
	return nil, false
}

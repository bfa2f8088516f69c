package dynamic

// The wire → JSON half of the plain-message fast path (see wirejson.go
// for why it exists and how it is held to protojson's output).

import (
	"encoding/base64"
	"math"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// appendPlainWire appends the JSON protojson prints, on one line, for
// the wire bytes of a message of shape sh; false when protojson must
// print it (or unmarshalling it would fail).
func appendPlainWire(dst []byte, sh *plainShape, wire []byte, protoNames bool) ([]byte, bool) {
	return plainWriter{protoNames: protoNames}.message(dst, sh, wire, 0)
}

type plainWriter struct{ protoNames bool }

// plainEntry is one field's value (or packed values) on the wire.
type plainEntry struct {
	field      int
	start, end int // the value's bytes in the message's wire
	typ        protowire.Type
}

func (w plainWriter) message(dst []byte, sh *plainShape, wire []byte, depth int) ([]byte, bool) {
	if depth > maxPlainDepth {
		return nil, false
	}
	var room [16]plainEntry
	entries := room[:0]
	for off := 0; off < len(wire); {
		num, typ, n := protowire.ConsumeTag(wire[off:])
		if n < 0 || num > protowire.MaxValidNumber {
			return nil, false // ConsumeTag takes numbers proto.Unmarshal refuses
		}
		off += n
		vn := protowire.ConsumeFieldValue(num, typ, wire[off:])
		if vn < 0 {
			return nil, false
		}
		idx, known := sh.byNum[num]
		if known {
			f := &sh.fields[idx]
			if typ != f.wireType() && !(f.list && typ == protowire.BytesType && f.wireType() != protowire.BytesType) {
				return nil, false // read as an unknown field by the library: let it
			}
			entries = append(entries, plainEntry{field: idx, start: off, end: off + vn, typ: typ})
		}
		off += vn
	}
	// Declaration order, and wire order within a field (insertion sort:
	// stable, and the entries are few).
	for i := 1; i < len(entries); i++ {
		for j := i; j > 0 && entries[j].field < entries[j-1].field; j-- {
			entries[j], entries[j-1] = entries[j-1], entries[j]
		}
	}
	dst = append(dst, '{')
	first := true
	var oneofs uint64 // the oneofs a member of is on the wire, by index
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].field == entries[i].field {
			j++
		}
		f := &sh.fields[entries[i].field]
		if f.oneof >= 0 {
			if f.oneof >= 64 || oneofs&(1<<f.oneof) != 0 {
				return nil, false // two members: the last on the wire wins, the library's to do
			}
			oneofs |= 1 << f.oneof
		}
		mark := len(dst)
		if !first {
			dst = append(dst, ',')
		}
		dst = w.name(dst, f)
		var ok bool
		if f.list {
			dst = append(dst, '[')
			for k := i; k < j; k++ {
				e := entries[k]
				if dst, ok = w.elements(dst, f, wire[e.start:e.end], e.typ, depth); !ok {
					return nil, false
				}
			}
			if dst[len(dst)-1] == '[' {
				dst = dst[:mark] // only empty packed runs: an empty list is not set
				i = j
				continue
			}
			dst = append(dst, ']')
		} else {
			if j-i > 1 {
				// A singular field twice on the wire (messages merged by
				// concatenation): the last counts, but the library checks
				// every one (a string's UTF-8) and merges messages.
				return nil, false
			}
			e := entries[i]
			var printed bool
			if dst, printed, ok = w.value(dst, f, wire[e.start:e.end], depth, !f.presence); !ok {
				return nil, false
			}
			if !printed {
				dst = dst[:mark] // a zero value without presence is not set
				i = j
				continue
			}
		}
		first = false
		i = j
	}
	return append(dst, '}'), true
}

func (w plainWriter) name(dst []byte, f *plainField) []byte {
	name := f.jsonName
	if w.protoNames {
		name = f.textName
	}
	dst, _ = appendJSONString(dst, name) // descriptor names are valid UTF-8
	return append(dst, ':')
}

// elements appends the list elements of one entry: one value, or the
// packed values of a BytesType entry of a scalar list.
func (w plainWriter) elements(dst []byte, f *plainField, b []byte, typ protowire.Type, depth int) ([]byte, bool) {
	if typ == protowire.BytesType && f.wireType() != protowire.BytesType {
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, false
		}
		wt := f.wireType()
		for len(v) > 0 {
			var size int
			switch wt {
			case protowire.VarintType:
				_, size = protowire.ConsumeVarint(v)
			case protowire.Fixed32Type:
				_, size = protowire.ConsumeFixed32(v)
			default:
				_, size = protowire.ConsumeFixed64(v)
			}
			if size < 0 {
				return nil, false
			}
			if dst[len(dst)-1] != '[' {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, _, ok = w.scalar(dst, f, v[:size], false); !ok {
				return nil, false
			}
			v = v[size:]
		}
		return dst, true
	}
	if dst[len(dst)-1] != '[' {
		dst = append(dst, ',')
	}
	dst, _, ok := w.value(dst, f, b, depth, false)
	return dst, ok
}

// value appends one value of f from its wire bytes b; with omitZero, a
// zero value is not printed (printed false).
func (w plainWriter) value(dst []byte, f *plainField, b []byte, depth int, omitZero bool) (_ []byte, printed, ok bool) {
	if f.kind == protoreflect.MessageKind {
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, false, false
		}
		dst, ok = w.message(dst, f.msg, v, depth+1)
		return dst, true, ok
	}
	return w.scalar(dst, f, b, omitZero)
}

func (w plainWriter) scalar(dst []byte, f *plainField, b []byte, omitZero bool) (_ []byte, printed, ok bool) {
	switch f.kind {
	case protoreflect.StringKind, protoreflect.BytesKind:
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, false, false
		}
		if f.kind == protoreflect.StringKind && !utf8.Valid(v) {
			return nil, false, false
		}
		if omitZero && len(v) == 0 {
			return dst, false, true
		}
		if f.kind == protoreflect.BytesKind {
			dst = append(dst, '"')
			dst = base64.StdEncoding.AppendEncode(dst, v)
			return append(dst, '"'), true, true
		}
		dst, _ = appendJSONString(dst, string(v))
		return dst, true, true
	case protoreflect.Sfixed32Kind, protoreflect.Fixed32Kind:
		v, n := protowire.ConsumeFixed32(b)
		if n < 0 {
			return nil, false, false
		}
		if omitZero && v == 0 {
			return dst, false, true
		}
		if f.kind == protoreflect.Sfixed32Kind {
			return strconv.AppendInt(dst, int64(int32(v)), 10), true, true
		}
		return strconv.AppendUint(dst, uint64(v), 10), true, true
	case protoreflect.Sfixed64Kind, protoreflect.Fixed64Kind:
		v, n := protowire.ConsumeFixed64(b)
		if n < 0 {
			return nil, false, false
		}
		if omitZero && v == 0 {
			return dst, false, true
		}
		dst = append(dst, '"')
		if f.kind == protoreflect.Sfixed64Kind {
			dst = strconv.AppendInt(dst, int64(v), 10)
		} else {
			dst = strconv.AppendUint(dst, v, 10)
		}
		return append(dst, '"'), true, true
	}
	v, n := protowire.ConsumeVarint(b)
	if n < 0 {
		return nil, false, false
	}
	// What the library's unmarshal makes of the varint, by kind.
	switch f.kind {
	case protoreflect.BoolKind:
		v = b2u(v != 0)
	case protoreflect.Int32Kind, protoreflect.EnumKind:
		v = uint64(int64(int32(v)))
	case protoreflect.Uint32Kind:
		v = uint64(uint32(v))
	case protoreflect.Sint32Kind:
		v = uint64(int64(int32(protowire.DecodeZigZag(v & math.MaxUint32))))
	case protoreflect.Sint64Kind:
		v = uint64(protowire.DecodeZigZag(v))
	}
	if omitZero && v == 0 {
		return dst, false, true
	}
	switch f.kind {
	case protoreflect.BoolKind:
		return strconv.AppendBool(dst, v != 0), true, true
	case protoreflect.EnumKind:
		if ev := f.enum.Values().ByNumber(protoreflect.EnumNumber(int32(v))); ev != nil {
			dst, _ = appendJSONString(dst, string(ev.Name()))
			return dst, true, true
		}
		return strconv.AppendInt(dst, int64(v), 10), true, true
	case protoreflect.Int32Kind, protoreflect.Sint32Kind:
		return strconv.AppendInt(dst, int64(v), 10), true, true
	case protoreflect.Uint32Kind:
		return strconv.AppendUint(dst, v, 10), true, true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind:
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, int64(v), 10)
		return append(dst, '"'), true, true
	}
	dst = append(dst, '"') // uint64
	dst = strconv.AppendUint(dst, v, 10)
	return append(dst, '"'), true, true
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// appendJSONString writes s as protojson writes a string: ", \ and
// controls escaped (\b \f \n \r \t, else \u00xx), the rest as it is; false
// for invalid UTF-8.
func appendJSONString(dst []byte, s string) ([]byte, bool) {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return dst, false
			}
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c >= ' ':
			dst = append(dst, c)
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		i++
	}
	return append(dst, '"'), true
}

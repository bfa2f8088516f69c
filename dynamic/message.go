package dynamic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// JSONError is a request that is not valid JSON for its message type. It
// says where (line:col, 1-based, and the field path) and what was expected.
type JSONError struct {
	Line, Col int
	Path      string // e.g. "address.geo.lat", "tags[2]"; "" at the top
	Msg       string
}

func (e *JSONError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d:%d: ", e.Line, e.Col)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, "%s: ", e.Path)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ParseJSON reads one JSON object into a new message of type md. Any fields
// and extensions resolve through types.
func ParseJSON(types *Types, md protoreflect.MessageDescriptor, data []byte) (*dynamicpb.Message, error) {
	data = jsonReplaceLoneSurrogates(bytes.TrimPrefix(data, utf8BOM))
	if len(bytes.TrimSpace(data)) == 0 {
		return types.New(md), nil
	}
	msg := types.New(md)
	err := protojson.UnmarshalOptions{Resolver: types, AllowPartial: true}.Unmarshal(data, msg)
	if err == nil {
		err = checkInitialized(msg)
	}
	if err != nil {
		return nil, jsonError(data, err)
	}
	return msg, nil
}

// utf8BOM is the byte-order mark some editors put at the start of a file:
// it is no part of the JSON, and is skipped.
var utf8BOM = []byte("\ufeff")

// jsonReplaceLoneSurrogates rewrites \uD800-\uDFFF escapes that are not
// half of a surrogate pair as \uFFFD, as encoding/json (and so grpcurl)
// reads them. protojson refuses them, and with a misleading message ("the
// JSON ends before the value is complete"): TestParseJSONLoneSurrogate.
// The replacement has the same length, so error positions do not move.
func jsonReplaceLoneSurrogates(data []byte) []byte {
	if bytes.IndexByte(data, '\\') < 0 {
		return data
	}
	surrogate := func(i int) (rune, bool) {
		if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 32)
		if err != nil || v < 0xD800 || v > 0xDFFF {
			return 0, false
		}
		return rune(v), true
	}
	out := data
	copied := false
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		r, ok := surrogate(i)
		if !ok {
			i++ // an escape of one character (or \uXXXX outside the range): skip what it escapes
			continue
		}
		if r < 0xDC00 {
			if low, ok := surrogate(i + 6); ok && low >= 0xDC00 {
				i += 11 // a well-formed pair
				continue
			}
		}
		if !copied {
			out, copied = bytes.Clone(data), true
		}
		copy(out[i+2:i+6], "fffd")
		i += 5
	}
	return out
}

var protojsonPos = regexp.MustCompile(`^(?:proto: )?(?:syntax error )?\(line (\d+):(\d+)\): (.*)$`)

// LocateJSONError turns an error protojson made while reading data into a
// JSONError: its line and column (in characters, as protojson counts
// them), the field path there, and the message without protojson's prefix.
func LocateJSONError(data []byte, err error) *JSONError {
	return jsonError(data, err)
}

// jsonError turns protojson's error into a JSONError with the field path.
func jsonError(data []byte, err error) *JSONError {
	text := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	m := protojsonPos.FindStringSubmatch(text)
	if m == nil && strings.Contains(text, "unexpected EOF") {
		line := bytes.Count(data, []byte("\n")) + 1
		col := utf8.RuneCount(data[bytes.LastIndexByte(data, '\n')+1:]) + 1
		return &JSONError{Line: line, Col: col, Msg: "the JSON ends before the value is complete (a missing '}' or ']'?)"}
	}
	if m == nil {
		return &JSONError{Msg: strings.TrimPrefix(text, "proto: ")}
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	return &JSONError{Line: line, Col: col, Path: jsonPathAt(data, offsetOf(data, line, col)), Msg: jsonHint(m[3])}
}

// offsetOf turns protojson's 1-based line and rune column into a byte offset.
func offsetOf(data []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(data); c++ {
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off
}

// jsonPathAt names the JSON value or key at a byte offset, as a field path.
func jsonPathAt(data []byte, target int) string {
	type frame struct {
		obj       bool
		key       string
		idx       int
		expectKey bool
	}
	var stack []*frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.obj {
				if f.key != "" {
					if b.Len() > 0 {
						b.WriteByte('.')
					}
					b.WriteString(f.key)
				}
			} else if f.idx >= 0 {
				fmt.Fprintf(&b, "[%d]", f.idx)
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if !top.obj {
				// Peek: a value starts unless the array ends.
				if dec.More() {
					top.idx++
				}
			}
		}
		tok, err := dec.Token()
		if err != nil {
			return path()
		}
		end := int(dec.InputOffset())
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.expectKey {
			if key, ok := tok.(string); ok {
				top.key = key
				top.expectKey = false
				if end > target {
					return path()
				}
				continue
			}
		}
		if end > target {
			return path()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, expectKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{idx: -1})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].obj {
				stack[len(stack)-1].expectKey = true
				stack[len(stack)-1].key = ""
			}
		default:
			if top != nil && top.obj {
				top.expectKey = true
				top.key = ""
			}
		}
	}
}

// JSONStream reads concatenated JSON values (grpcurl's input for streams:
// objects one after another, with or without newlines) one at a time, and
// knows where each starts, so that errors point into the whole input.
type JSONStream struct {
	dec *json.Decoder
	src *posReader
}

// NewJSONStream reads from r.
func NewJSONStream(r io.Reader) *JSONStream {
	src := &posReader{r: &bomSkipper{r: r}, line: 1, col: 1}
	return &JSONStream{dec: json.NewDecoder(src), src: src}
}

// Next returns the next JSON value and the line and column (1-based) where
// it starts in the input, or io.EOF after the last. A value that is not
// JSON is a *JSONError with its line:col in the input.
func (s *JSONStream) Next() ([]byte, int, int, error) {
	var raw json.RawMessage
	err := s.dec.Decode(&raw)
	if errors.Is(err, io.EOF) {
		return nil, 0, 0, io.EOF
	}
	if err != nil {
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			line, col := s.src.pos(syn.Offset - 1)
			return nil, 0, 0, &JSONError{Line: line, Col: col, Msg: strings.TrimPrefix(syn.Error(), "json: ")}
		case errors.Is(err, io.ErrUnexpectedEOF):
			line, col := s.src.pos(s.src.read)
			return nil, 0, 0, &JSONError{Line: line, Col: col, Msg: "the input ends inside a JSON value (a missing '}' or ']'?)"}
		}
		return nil, 0, 0, err
	}
	end := s.dec.InputOffset()
	line, col := s.src.pos(end - int64(len(raw)))
	s.src.forget(end)
	return raw, line, col, nil
}

// At moves an error found in a value that starts at line:col of a larger
// input to that input's coordinates.
func (e *JSONError) At(line, col int) *JSONError {
	moved := *e
	if moved.Line == 1 {
		moved.Col += col - 1
	}
	if moved.Line > 0 {
		moved.Line += line - 1
	}
	return &moved
}

// bomSkipper drops a byte-order mark at the start of its input (a file
// saved by some editors), which is no part of the JSON. It reads no further
// than it must, so that a live pipe's first message is not held back.
type bomSkipper struct {
	r       io.Reader
	checked bool
	held    []byte // the start of the input, while it may be a BOM
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	for !b.checked {
		var buf [3]byte
		n, err := b.r.Read(buf[:3-len(b.held)])
		b.held = append(b.held, buf[:n]...)
		switch {
		case bytes.Equal(b.held, utf8BOM):
			b.held, b.checked = nil, true
		case !bytes.HasPrefix(utf8BOM, b.held) || err != nil:
			b.checked = true
		}
		if err != nil && len(b.held) == 0 {
			return 0, err
		}
	}
	if len(b.held) > 0 {
		n := copy(p, b.held)
		b.held = b.held[n:]
		return n, nil
	}
	return b.r.Read(p)
}

// posReader keeps the input it has read since the last value, to turn
// byte offsets into lines and columns without holding a whole stream.
type posReader struct {
	r         io.Reader
	buf       []byte // input from base on
	base      int64
	read      int64
	line, col int // of base
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.buf = append(p.buf, b[:n]...)
	p.read += int64(n)
	return n, err
}

// pos is the line and column of the byte at off (at or after base).
func (p *posReader) pos(off int64) (int, int) {
	line, col := p.line, p.col
	end := min(max(off-p.base, 0), int64(len(p.buf)))
	for _, r := range string(p.buf[:end]) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// forget drops the input before off, remembering its position.
func (p *posReader) forget(off int64) {
	p.line, p.col = p.pos(off)
	cut := min(max(off-p.base, 0), int64(len(p.buf)))
	p.buf = append(p.buf[:0], p.buf[cut:]...)
	p.base += cut
}

// Formatter prints messages as JSON or protobuf text.
type Formatter struct {
	Text         bool // protobuf text format instead of JSON
	EmitDefaults bool // print fields set to their zero value
	ProtoNames   bool // field names as in the .proto, not lowerCamelCase
	Multiline    bool // indented, one field per line
	Types        *Types
}

// Format prints m. An Any whose type cannot be resolved is printed with its
// type URL and its bytes in base64, never dropped.
func (f Formatter) Format(m proto.Message) (string, error) {
	if w, ok := m.(*WireMessage); ok {
		if text, ok := f.formatWire(w); ok {
			return text, nil
		}
		m = w.Message()
	}
	types := f.Types
	if types == nil {
		types = NewTypes(nil)
	}
	out, err := f.format(m, types)
	if err != nil && strings.Contains(err.Error(), "unable to resolve") {
		m = proto.Clone(m)
		markUnresolvedAnys(types, m.ProtoReflect())
		out, err = f.format(m, lenientTypes{types})
	}
	return out, err
}

// lenientTypes resolves the types it can and reads every other Any as a
// grpcsh.UnresolvedAny (see markUnresolvedAnys).
type lenientTypes struct{ *Types }

func (l lenientTypes) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	if mt, err := l.Types.FindMessageByURL(url); err == nil {
		return mt, nil
	}
	return dynamicpb.NewMessageType(unresolvedAny), nil
}

func (f Formatter) format(m proto.Message, resolver protoreflectResolver) (string, error) {
	if f.Text {
		if f.EmitDefaults {
			// The text format has no way to print fields at their zero
			// value: say so rather than print less than asked.
			return "", ErrTextDefaults
		}
		// A non-empty Indent makes prototext multi-line: only then.
		opts := prototext.MarshalOptions{Multiline: f.Multiline, EmitUnknown: true, Resolver: resolver}
		if f.Multiline {
			opts.Indent = "  "
		}
		b, err := opts.Marshal(m)
		// Server text: escaped as everywhere (see SafeText).
		return SafeText(stableText(strings.TrimSpace(string(b)))), err
	}
	opts := protojson.MarshalOptions{EmitDefaultValues: f.EmitDefaults, UseProtoNames: f.ProtoNames, Multiline: f.Multiline, Resolver: resolver, AllowPartial: true}
	if f.Multiline {
		opts.Indent = "  "
	}
	b, err := opts.Marshal(m)
	if err == nil {
		err = checkInitialized(m)
	}
	if err != nil {
		return "", err
	}
	// The one place JSON leaves the engine: compact, pretty and coloured
	// output all come from here, so C1 controls are escaped here.
	return SafeJSON(stableJSON(b, f.Multiline)), nil
}

// ErrTextDefaults is the text format asked to print default values.
var ErrTextDefaults = errors.New("emit-defaults works with the JSON format only: the text format cannot print fields at their zero value")

// stableText undoes prototext's deliberately random spacing outside quoted
// strings: one space after each colon, no doubled spaces, each line's
// indentation kept, so that the text format too is the same on every run.
func stableText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inString, escaped, lineStart := byte(0), false, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString != 0:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == inString:
				inString = 0
			}
		case c == '"' || c == '\'':
			inString = c
		case c == '\n':
			lineStart = true
			b.WriteByte(c)
			continue
		case c == ':':
			// Exactly one space after a field name's colon.
			b.WriteByte(':')
			for i+1 < len(s) && s[i+1] == ' ' {
				i++
			}
			if i+1 < len(s) && s[i+1] != '\n' {
				b.WriteByte(' ')
			}
			lineStart = false
			continue
		case c == ' ' && !lineStart && i > 0 && s[i-1] == ' ':
			continue
		}
		if c != ' ' {
			lineStart = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// compactIsStable says protojson's one-line output has no random space in
// this binary: protojson adds one after each comma or none, the same for
// every message of a binary (internal/detrand hashes the binary), so one
// probe tells. Then there is nothing to undo, and the copy json.Compact
// makes is saved on every response printed.
var compactIsStable = func() bool {
	b, err := protojson.Marshal(&descriptorpb.FieldDescriptorProto{Name: proto.String("a"), Number: proto.Int32(1)})
	return err == nil && string(b) == `{"name":"a","number":1}`
}()

// stableJSON undoes protojson's deliberately random spacing (it exists to
// discourage byte comparisons), so that output is the same on every run:
// scripts diff it and people read it.
func stableJSON(b []byte, multiline bool) string {
	if !multiline {
		if !compactIsStable {
			b = dropCommaSpaces(b)
		}
		// b is protojson's fresh buffer, not kept or changed by anyone
		// else: the text is b itself, not a copy.
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	var buf bytes.Buffer
	if multiline {
		if json.Indent(&buf, b, "", "  ") == nil {
			return buf.String()
		}
	} else if json.Compact(&buf, b) == nil {
		return buf.String()
	}
	return string(b)
}

// dropCommaSpaces removes, in place, the space protojson's one-line output
// puts after every comma outside strings in some binaries (the only space
// that output has). It is what json.Compact did here, in one pass with
// no copy and no second check of protojson's JSON; printing a script's
// small responses is that much cheaper (BenchmarkFormatSmall).
func dropCommaSpaces(b []byte) []byte {
	if bytes.IndexByte(b, ',') < 0 {
		return b
	}
	out := b[:0]
	inString, escaped, afterComma := false, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' && afterComma:
			afterComma = false
			continue
		}
		afterComma = !inString && c == ','
		out = append(out, c)
	}
	return out
}

type protoreflectResolver interface {
	FindMessageByName(protoreflect.FullName) (protoreflect.MessageType, error)
	FindMessageByURL(string) (protoreflect.MessageType, error)
	FindExtensionByName(protoreflect.FullName) (protoreflect.ExtensionType, error)
	FindExtensionByNumber(protoreflect.FullName, protoreflect.FieldNumber) (protoreflect.ExtensionType, error)
}

// unresolvedAny is what an Any of an unknown type is printed as: its type
// URL and {"unresolvedBase64": "<the packed bytes>"}.
var unresolvedAny = func() protoreflect.MessageDescriptor {
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("grpcsh/unresolved.proto"),
		Package: proto.String("grpcsh"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("UnresolvedAny"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name: proto.String("unresolved_base64"), Number: proto.Int32(1), JsonName: proto.String("unresolvedBase64"),
				Type: descriptorpb.FieldDescriptorProto_TYPE_BYTES.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			}},
		}},
	}, nil)
	if err != nil {
		panic(err)
	}
	return fd.Messages().Get(0)
}()

// markUnresolvedAnys rewrites, in place, the value of each Any whose type
// cannot be resolved into a grpcsh.UnresolvedAny that carries the original
// bytes, so that it prints as {"@type": URL, "unresolvedBase64": "..."}.
func markUnresolvedAnys(types *Types, m protoreflect.Message) {
	if m.Descriptor().FullName() == "google.protobuf.Any" {
		url := m.Get(m.Descriptor().Fields().ByName("type_url")).String()
		if _, err := types.FindMessageByURL(url); err != nil {
			value := m.Descriptor().Fields().ByName("value")
			wrapped := dynamicpb.NewMessage(unresolvedAny)
			wrapped.Set(unresolvedAny.Fields().Get(0), m.Get(value))
			b, _ := proto.Marshal(wrapped)
			m.Set(value, protoreflect.ValueOfBytes(b))
		}
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				markUnresolvedAnys(types, l.Get(i).Message())
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				markUnresolvedAnys(types, mv.Message())
				return true
			})
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			markUnresolvedAnys(types, v.Message())
		}
		return true
	})
}

package dynamic

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Formatted is a message formatted for writing: its text, in which the
// values of its large bytes fields are still to be written. Formatting a
// 20 MiB payload whole held it several times over (protojson's buffer,
// the compacted copy, the string, the coloured copy, fmt's buffer: 10× the
// payload to a pipe, issue 12); here each large value is written from the
// message itself, in base64 as protojson spells it, a piece at a time.
type Formatted struct {
	text string
	big  []streamedBytes // in the order their tokens appear in text
}

type streamedBytes struct {
	at  int // where its token is in text
	tok string
	val []byte
}

// streamBytesMin is the size from which a bytes field is streamed rather
// than formatted with the rest of the message.
const streamBytesMin = 64 << 10

// Prepare formats m as Format does, then decorate (nil: none, or
// colouring) rewrites the text. Large bytes fields (of m and of its
// singular sub-messages, lists and maps of bytes included; not inside an
// Any, whose bytes are a message) are formatted as a short placeholder,
// put back at once, and streamed by WriteTo.
func (f Formatter) Prepare(m proto.Message, decorate func(string) string) (*Formatted, error) {
	if decorate == nil {
		decorate = func(s string) string { return s }
	}
	if w, ok := m.(*WireMessage); ok {
		if text, ok := f.formatWire(w); ok {
			return &Formatted{text: decorate(text)}, nil // small: nothing to stream
		}
		m = w.Message()
	}
	var swaps []bytesSwap
	if !f.Text && m != nil {
		swaps = swapBigBytes(m.ProtoReflect(), nil)
	}
	if len(swaps) == 0 {
		text, err := f.Format(m)
		if err != nil {
			return nil, err
		}
		return &Formatted{text: decorate(text)}, nil
	}
	text, err := f.Format(m)
	for _, s := range slices.Backward(swaps) {
		s.set(s.val)
	}
	if err != nil {
		return nil, err
	}
	text = decorate(text)
	out := &Formatted{text: text}
	for _, s := range swaps {
		at := strings.Index(text, s.tok)
		if at < 0 || strings.Contains(text[at+len(s.tok):], s.tok) {
			// The token is not where it can be told apart: format whole.
			text, err := f.Format(m)
			if err != nil {
				return nil, err
			}
			return &Formatted{text: decorate(text)}, nil
		}
		out.big = append(out.big, streamedBytes{at: at, tok: s.tok, val: s.val})
	}
	slices.SortFunc(out.big, func(a, b streamedBytes) int { return a.at - b.at })
	return out, nil
}

// String is the whole text, large values included.
func (p *Formatted) String() string {
	var b strings.Builder
	p.writeTo(&b)
	return b.String()
}

// WriteTo writes the text and a newline to w.
func (p *Formatted) WriteTo(w io.Writer) (int64, error) {
	if len(p.big) == 0 {
		// One write (one syscall to an unbuffered file), one copy.
		line := append(append(make([]byte, 0, len(p.text)+1), p.text...), '\n')
		n, err := w.Write(line)
		return int64(n), err
	}
	// base64's encoder writes a KiB at a time: gathered here.
	bw := bufio.NewWriterSize(w, 64<<10)
	n, err := p.writeTo(bw)
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

func (p *Formatted) writeTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	prev := 0
	for _, b := range p.big {
		io.WriteString(cw, p.text[prev:b.at])
		enc := base64.NewEncoder(base64.StdEncoding, cw)
		enc.Write(b.val)
		enc.Close()
		prev = b.at + len(b.tok)
	}
	io.WriteString(cw, p.text[prev:])
	io.WriteString(cw, "\n")
	return cw.n, cw.err
}

// countWriter counts what it wrote and keeps the first error, after which
// it writes nothing.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// bytesSwap is a large bytes value replaced by a placeholder while the
// message is formatted.
type bytesSwap struct {
	tok string // the placeholder's base64, as protojson prints it
	val []byte
	set func([]byte)
}

// swapBigBytes replaces each large bytes value of m with a placeholder of
// its own, and says how to put them back. It walks the fields of the
// descriptor, not m.Range, so that a message with nothing to swap (most)
// costs no allocation.
func swapBigBytes(m protoreflect.Message, swaps []bytesSwap) []bytesSwap {
	md := m.Descriptor()
	if md.FullName() == "google.protobuf.Any" {
		return swaps
	}
	swap := func(val []byte, set func([]byte)) {
		// 15 bytes: 20 base64 characters, no padding.
		ph := []byte(fmt.Sprintf("\xfe\xedgrpcsh%07d", len(swaps)))
		swaps = append(swaps, bytesSwap{tok: base64.StdEncoding.EncodeToString(ph), val: val, set: set})
		set(ph)
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() != protoreflect.BytesKind || !m.Has(fd) {
				continue
			}
			mp := m.Get(fd).Map()
			var keys []protoreflect.MapKey
			mp.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				if len(v.Bytes()) >= streamBytesMin {
					keys = append(keys, k)
				}
				return true
			})
			for _, k := range keys {
				swap(mp.Get(k).Bytes(), func(b []byte) { mp.Set(k, protoreflect.ValueOfBytes(b)) })
			}
		case fd.IsList():
			if fd.Kind() != protoreflect.BytesKind || !m.Has(fd) {
				continue
			}
			l := m.Get(fd).List()
			for i := range l.Len() {
				if b := l.Get(i).Bytes(); len(b) >= streamBytesMin {
					swap(b, func(b []byte) { l.Set(i, protoreflect.ValueOfBytes(b)) })
				}
			}
		case fd.Kind() == protoreflect.BytesKind:
			if b := m.Get(fd).Bytes(); len(b) >= streamBytesMin {
				swap(b, func(b []byte) { m.Set(fd, protoreflect.ValueOfBytes(b)) })
			}
		case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
			if m.Has(fd) {
				swaps = swapBigBytes(m.Get(fd).Message(), swaps)
			}
		}
	}
	return swaps
}

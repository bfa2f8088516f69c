package tui

import (
	"bytes"
	"fmt"
	"sort"
	"unsafe"

	"github.com/grpcsh/grpcsh/dynamic"
)

// MessageSource is how the response view reads a call's messages: by
// index, from 0, the JSON (or text format) the session's formatter made,
// already terminal-safe (dynamic.SafeText). The view never assumes the
// messages are in memory: it reads the ones on screen, or the one a search
// is at. The bytes returned must not change afterwards (the view keeps the
// last message it read, without copying it).
type MessageSource interface {
	Len() int
	Message(i int) ([]byte, error)
}

// bodyDoc is the Body tab as a document: notes before (head), each message
// of src — a separator line for streams, then its lines — and notes after
// (tail). It indexes each message's line count once, as messages arrive;
// lines are read from the message they fall in, when drawn or searched.
type bodyDoc struct {
	src    MessageSource
	header func(i int) string // a stream message's separator; nil for unary
	json   bool               // colour message lines as JSON
	head   []docLine
	tail   []docLine

	starts []int // starts[i]: the first line of message i after head; one more than indexed

	// The last message read and where its lines start.
	cached int
	text   string
	offs   []int32

	infos widths // of long message lines, by line after head
}

// info is the width of line i, cached for message lines (the notes around
// them move as messages come).
func (d *bodyDoc) info(i int, s string) lineInfo {
	if k := i - len(d.head); k >= 0 && k < d.msgLines() {
		return d.infos.get(k, s)
	}
	return measure(s)
}

func newBodyDoc(src MessageSource, header func(int) string, json bool) *bodyDoc {
	return &bodyDoc{src: src, header: header, json: json, starts: []int{0}, cached: -1}
}

// sync indexes the messages that arrived since the last sync.
func (d *bodyDoc) sync() {
	for i := len(d.starts) - 1; i < d.src.Len(); i++ {
		d.starts = append(d.starts, d.starts[i]+d.linesOf(i))
	}
}

// linesOf counts message i's lines, its separator included.
func (d *bodyDoc) linesOf(i int) int {
	n := 1
	if b, err := d.src.Message(i); err == nil {
		n = bytes.Count(b, []byte{'\n'}) + 1
		if len(b) > 0 && b[len(b)-1] == '\n' {
			n--
		}
		n = max(n, 1)
	}
	if d.header != nil {
		n++
	}
	return n
}

// msgAt is the message line i of the document is in.
func (d *bodyDoc) msgAt(i int) (int, bool) {
	i -= len(d.head)
	if i < 0 || i >= d.msgLines() {
		return 0, false
	}
	return sort.Search(len(d.starts)-1, func(k int) bool { return d.starts[k+1] > i }), true
}

func (d *bodyDoc) msgLines() int { return d.starts[len(d.starts)-1] }

func (d *bodyDoc) Len() int { return len(d.head) + d.msgLines() + len(d.tail) }

func (d *bodyDoc) Line(i int) docLine {
	if i < len(d.head) {
		return d.head[i]
	}
	i -= len(d.head)
	if n := d.msgLines(); i >= n {
		return d.tail[i-n]
	}
	m := sort.Search(len(d.starts)-1, func(k int) bool { return d.starts[k+1] > i })
	k := i - d.starts[m]
	if d.header != nil {
		if k == 0 {
			return docLine{text: dynamic.SafeLine(d.header(m)), kind: lineDim}
		}
		k--
	}
	if err := d.load(m); err != nil {
		return docLine{text: dynamic.SafeLine(fmt.Sprintf("<message %d: %v>", m+1, err)), kind: lineDim}
	}
	if k >= len(d.offs) {
		return docLine{}
	}
	end := len(d.text)
	if k+1 < len(d.offs) {
		end = int(d.offs[k+1]) - 1
	}
	kind := linePlain
	if d.json {
		kind = lineJSON
	}
	return docLine{text: d.text[d.offs[k]:end], kind: kind}
}

// load reads message m and finds where its lines start.
func (d *bodyDoc) load(m int) error {
	if d.cached == m {
		return nil
	}
	b, err := d.src.Message(m)
	if err != nil {
		return err
	}
	b = bytes.TrimSuffix(b, []byte{'\n'})
	// The source's bytes do not change (MessageSource): the lines are
	// strings over them, not copies of a 20 MB message per frame.
	d.text = unsafe.String(unsafe.SliceData(b), len(b))
	d.offs = d.offs[:0]
	d.offs = append(d.offs, 0)
	for off := 0; ; {
		j := bytes.IndexByte(b[off:], '\n')
		if j < 0 {
			break
		}
		off += j + 1
		d.offs = append(d.offs, int32(off))
	}
	d.cached = m
	return nil
}

package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// docView shows a document of any size at the cost of what is on screen:
// the document is indexed once (see bodyDoc), and a frame reads, cuts and
// colours only the lines it shows. Long lines are cut with a "…" where
// they go on (sideways scrolling moves the window), or wrapped (w).
//
// A document is read by line; lines hold text already made safe for a
// terminal (dynamic.SafeText): the view never sees server bytes raw.
type docView struct {
	doc  document
	w, h int
	top  int // first line shown
	row  int // first row of line top shown, when wrapping
	x    int // columns scrolled sideways, when not wrapping
	wrap bool
	find docFind
	// jumped says a search brought a match on screen since the owner
	// last looked: a stream stops following its tail then.
	jumped bool

	// infos caches the width of long lines (a 28 MB base64 line is
	// measured once, not per frame) of a static document; a bodyDoc keeps
	// its own, for as long as the call is shown.
	infos widths
}

// widths caches the width of long lines, by line index.
type widths map[int]lineInfo

func (c *widths) get(i int, s string) lineInfo {
	if len(s) < longLine {
		return measure(s)
	}
	if inf, ok := (*c)[i]; ok {
		return inf
	}
	inf := measure(s)
	if *c == nil || len(*c) > 256 {
		*c = widths{}
	}
	(*c)[i] = inf
	return inf
}

// document is what a docView shows.
type document interface {
	Len() int
	Line(i int) docLine
}

type lineKind uint8

const (
	linePlain  lineKind = iota
	lineJSON            // coloured by token, on screen only
	lineDim             // a stream message's separator, notes
	lineStyled          // pre-rendered (styled holds the ANSI form)
)

// docLine is one line of a document: text is plain and terminal-safe;
// styled, for lineStyled, is the same text with its styles.
type docLine struct {
	text   string
	styled string
	kind   lineKind
}

// staticDoc is a small document held as lines (headers, status, timing,
// the help screen).
type staticDoc []docLine

func (d staticDoc) Len() int           { return len(d) }
func (d staticDoc) Line(i int) docLine { return d[i] }

// newStaticDoc splits a styled text into lines.
func newStaticDoc(styled string) staticDoc {
	if styled == "" {
		return nil
	}
	parts := strings.Split(styled, "\n")
	d := make(staticDoc, len(parts))
	for i, p := range parts {
		d[i] = docLine{text: ansi.Strip(p), styled: p, kind: lineStyled}
	}
	return d
}

type lineInfo struct {
	width int
	ascii bool
}

// longLine is the length from which a line's width is cached.
const longLine = 4 << 10

func measure(s string) lineInfo {
	i := 0
	// Eight bytes at a time: a 28 MB line is mostly base64.
	for ; i+8 <= len(s); i += 8 {
		if (s[i]|s[i+1]|s[i+2]|s[i+3]|s[i+4]|s[i+5]|s[i+6]|s[i+7])&0x80 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return lineInfo{width: ansi.StringWidth(s)}
		}
	}
	return lineInfo{width: len(s), ascii: true}
}

func (v *docView) info(i int, s string) lineInfo {
	// A bodyDoc caches its long lines' widths for as long as it is shown.
	if c, ok := v.doc.(interface{ info(int, string) lineInfo }); ok {
		return c.info(i, s)
	}
	return v.infos.get(i, s)
}

// colByte is the byte offset of column col of s.
func colByte(s string, inf lineInfo, col int) int {
	if col <= 0 {
		return 0
	}
	if inf.ascii || col >= inf.width {
		return min(col, len(s))
	}
	return len(ansi.Truncate(s, col, ""))
}

// byteCol is the column at byte offset off of s.
func byteCol(s string, inf lineInfo, off int) int {
	if inf.ascii {
		return off
	}
	return ansi.StringWidth(s[:off])
}

// setDoc shows a new document, from its top when fresh (a new call, a
// new section), where it was otherwise (the same document grew).
func (v *docView) setDoc(d document, fresh bool) {
	v.doc = d
	v.infos = nil
	if fresh {
		v.top, v.row, v.x = 0, 0, 0
		v.find.restart()
	}
	v.clamp()
}

func (v *docView) setSize(w, h int) {
	v.w, v.h = max(w, 1), max(h, 1)
	v.clamp()
}

func (v *docView) lines() int {
	if v.doc == nil {
		return 0
	}
	return v.doc.Len()
}

// height is the rows for the document: the search bar takes one.
func (v *docView) height() int {
	if v.find.shown() {
		return max(v.h-1, 1)
	}
	return v.h
}

// rowsOf is how many rows line i takes.
func (v *docView) rowsOf(i int) int {
	if !v.wrap {
		return 1
	}
	l := v.doc.Line(i)
	return max(1, (v.info(i, l.text).width+v.w-1)/v.w)
}

func (v *docView) clamp() {
	n := v.lines()
	if n == 0 {
		v.top, v.row = 0, 0
		return
	}
	if !v.wrap {
		v.row = 0
		v.top = min(v.top, max(n-v.height(), 0))
		return
	}
	v.top = min(max(v.top, 0), n-1)
	v.row = min(v.row, v.rowsOf(v.top)-1)
	if v.atBottom() {
		v.gotoBottom()
	}
}

// atBottom says the last row is on screen.
func (v *docView) atBottom() bool {
	n := v.lines()
	if !v.wrap {
		return v.top >= n-v.height()
	}
	rows := -v.row
	for i := v.top; i < n; i++ {
		rows += v.rowsOf(i)
		if rows > v.height() {
			return false
		}
	}
	return true
}

func (v *docView) down(k int) {
	if !v.wrap {
		v.top = min(v.top+k, max(v.lines()-v.height(), 0))
		return
	}
	for ; k > 0 && !v.atBottom(); k-- {
		if v.row+1 < v.rowsOf(v.top) {
			v.row++
		} else {
			v.top, v.row = v.top+1, 0
		}
	}
}

func (v *docView) up(k int) {
	if !v.wrap {
		v.top = max(v.top-k, 0)
		return
	}
	for ; k > 0; k-- {
		switch {
		case v.row > 0:
			v.row--
		case v.top > 0:
			v.top--
			v.row = v.rowsOf(v.top) - 1
		default:
			return
		}
	}
}

func (v *docView) pageDown() { v.down(max(v.height()-1, 1)) }
func (v *docView) pageUp()   { v.up(max(v.height()-1, 1)) }
func (v *docView) gotoTop()  { v.top, v.row = 0, 0 }

func (v *docView) gotoBottom() {
	n := v.lines()
	if n == 0 {
		return
	}
	if !v.wrap {
		v.top = max(n-v.height(), 0)
		return
	}
	v.top, v.row = n-1, v.rowsOf(n-1)-1
	v.up(v.height() - 1)
}

// sideways scrolls by a quarter of the width (d is -1 or 1), as far as the
// widest line on screen goes.
func (v *docView) sideways(d int) {
	if v.wrap {
		return
	}
	widest := 0
	for i := v.top; i < min(v.top+v.height(), v.lines()); i++ {
		widest = max(widest, v.info(i, v.doc.Line(i).text).width)
	}
	v.x = min(max(v.x+d*max(v.w/4, 1), 0), max(widest-v.w/2, 0))
}

func (v *docView) toggleWrap() {
	v.wrap = !v.wrap
	v.x, v.row = 0, 0
	v.clamp()
}

// percent is how far down the view is, for the box's edge.
func (v *docView) percent() int {
	most := v.lines() - v.height()
	if most <= 0 {
		return 100
	}
	return min(v.top*100/most, 100)
}

// scrolls says there is more than fits.
func (v *docView) scrolls() bool {
	n := v.lines()
	if n > v.height() || v.x > 0 {
		return true
	}
	if !v.wrap {
		for i := range n {
			if v.info(i, v.doc.Line(i).text).width > v.w {
				return true
			}
		}
		return false
	}
	return !(v.top == 0 && v.row == 0 && v.atBottom())
}

// wide says a line on screen is cut at the right border.
func (v *docView) wide() bool {
	if v.wrap {
		return false
	}
	for i := v.top; i < min(v.top+v.height(), v.lines()); i++ {
		if v.info(i, v.doc.Line(i).text).width > v.x+v.w {
			return true
		}
	}
	return false
}

// reveal scrolls so that line i, byte off is on screen, a third down.
func (v *docView) reveal(i, off int) {
	l := v.doc.Line(i)
	inf := v.info(i, l.text)
	col := byteCol(l.text, inf, min(off, len(l.text)))
	h := v.height()
	if v.wrap {
		v.top, v.row = i, col/v.w
		v.up(h / 3)
		return
	}
	if i < v.top || i >= v.top+h {
		v.top = max(i-h/3, 0)
		v.clamp()
	}
	if col < v.x+1 || col >= v.x+v.w-1 {
		v.x = max(col-v.w/3, 0)
	}
}

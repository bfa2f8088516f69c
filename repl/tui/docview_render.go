package tui

import (
	"sort"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// The colours of JSON, as repl.ColorJSON prints them to a terminal; the
// view applies them per token of the lines on screen.
const (
	sgrKey    = "\x1b[34;1m"
	sgrString = "\x1b[32m"
	sgrNumber = "\x1b[36m"
	sgrLit    = "\x1b[35m"
	sgrReset  = "\x1b[0m"
)

// cutMark is drawn where a line goes on beyond the view.
const cutMark = "…"

// view draws the rows on screen, each exactly w cells, and the search bar.
func (v *docView) view(st Styles) string {
	h := v.height()
	out := make([]string, 0, v.h)
	n := v.lines()
	mi := v.find.firstOn(v.top)
	row := v.row
	for i := v.top; i < n && len(out) < h; i++ {
		l := v.doc.Line(i)
		inf := v.info(i, l.text)
		// The line's matches, in order: a slice of them, not a copy (one
		// 28 MB line can hold all 100,000, copied each frame before:
		// 40 ms steps in BenchmarkTUIBigSearch).
		ms := v.find.matches[mi:]
		hls := ms[:sort.Search(len(ms), func(k int) bool { return ms[k].line > i })]
		mi += len(hls)
		if v.wrap {
			rows := max(1, (inf.width+v.w-1)/v.w)
			for r := row; r < rows && len(out) < h; r++ {
				out = append(out, v.cell(st, l, inf, r*v.w, (r+1)*v.w, false, false, hls))
			}
			row = 0
			continue
		}
		left := v.x > 0 && inf.width > v.x
		right := inf.width > v.x+v.w
		c0, c1 := v.x, v.x+v.w
		if left {
			c0++
		}
		if right {
			c1--
		}
		out = append(out, v.cell(st, l, inf, c0, c1, left, right, hls))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", v.w))
	}
	if v.find.shown() {
		out = append(out, fit(v.find.bar(st, n), v.w))
	}
	return strings.Join(out, "\n")
}

// cell renders columns [c0, c1) of a line, with the cut marks, padded to w.
func (v *docView) cell(st Styles, l docLine, inf lineInfo, c0, c1 int, left, right bool, hls []docMatch) string {
	var b strings.Builder
	if left {
		b.WriteString(st.Dim.Render(cutMark))
	}
	b0, b1 := colByte(l.text, inf, c0), colByte(l.text, inf, c1)
	if b0 < b1 {
		switch {
		case l.kind == lineStyled && len(hls) == 0:
			if c0 == 0 && inf.width <= c1 {
				b.WriteString(l.styled)
			} else {
				b.WriteString(ansi.Cut(l.styled, c0, c1))
			}
		case l.kind == lineJSON && st.colorJSON:
			jsonTokens(l.text, b0, b1, func(a, e int, sgr string) { paint(&b, st, l.text, a, e, sgr, hls, v.find.cur) })
		case l.kind == lineDim && len(hls) == 0:
			b.WriteString(st.Dim.Render(l.text[b0:b1]))
		default:
			paint(&b, st, l.text, b0, b1, "", hls, v.find.cur)
		}
	}
	if right {
		b.WriteString(st.Dim.Render(cutMark))
	}
	return fit(b.String(), v.w)
}

// paint writes s[a:e) in colour sgr, with the parts inside search
// matches highlighted instead.
func paint(b *strings.Builder, st Styles, s string, a, e int, sgr string, hls []docMatch, cur docMatch) {
	hl, hlCur := matchStyles(st)
	for a < e {
		// The next match that ends after a.
		k := sort.Search(len(hls), func(k int) bool { return int(hls[k].end) > a })
		if k == len(hls) || int(hls[k].start) >= e {
			plainSpan(b, s[a:e], sgr)
			return
		}
		m := hls[k]
		if int(m.start) > a {
			plainSpan(b, s[a:int(m.start)], sgr)
			a = int(m.start)
		}
		end := min(int(m.end), e)
		style := hl
		if m == cur {
			style = hlCur
		}
		plainSpan(b, s[a:end], style)
		a = end
	}
}

func plainSpan(b *strings.Builder, s, sgr string) {
	if sgr == "" {
		b.WriteString(s)
		return
	}
	b.WriteString(sgr)
	b.WriteString(s)
	b.WriteString(sgrReset)
}

// matchStyles are the search matches' SGR codes: reverse video (it needs
// no colour, so NO_COLOR keeps it); the current match also bold and
// underlined, and black on yellow when there is colour. Raw codes, as for
// JSON: a highlight is one escape per match, not one per character.
func matchStyles(st Styles) (hl, cur string) {
	switch st.profile {
	case colorprofile.NoTTY:
		return "", ""
	case colorprofile.ASCII:
		return "\x1b[7m", "\x1b[1;4;7m"
	}
	return "\x1b[7m", "\x1b[1;4;30;43m"
}

// jsonTokens calls emit for the tokens of an indented JSON line that
// overlap bytes [b0, b1), clipped to them, with their colour ("" for
// punctuation and spaces). It scans from the line's start (a token's kind
// depends on what is before it) but skips strings whole, so a long base64
// line costs one IndexAny, not a byte loop.
func jsonTokens(s string, b0, b1 int, emit func(a, e int, sgr string)) {
	clip := func(a, e int, sgr string) {
		a, e = max(a, b0), min(e, b1)
		if a < e {
			emit(a, e, sgr)
		}
	}
	for i := 0; i < len(s) && i < b1; {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) {
				k := strings.IndexAny(s[j:], `"\`)
				if k < 0 {
					j = len(s)
					break
				}
				j += k
				if s[j] == '\\' {
					j += 2
					continue
				}
				j++ // the closing quote
				break
			}
			j = min(j, len(s))
			k := j
			for k < len(s) && s[k] == ' ' {
				k++
			}
			sgr := sgrString
			if k < len(s) && s[k] == ':' {
				sgr = sgrKey
			}
			clip(i, j, sgr)
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && strings.IndexByte("0123456789.eE+-", s[j]) >= 0 {
				j++
			}
			clip(i, j, sgrNumber)
			i = j
		case strings.HasPrefix(s[i:], "true") || strings.HasPrefix(s[i:], "null"):
			clip(i, i+4, sgrLit)
			i += 4
		case strings.HasPrefix(s[i:], "false"):
			clip(i, i+5, sgrLit)
			i += 5
		default:
			j := i + 1
			for j < len(s) && strings.IndexByte("\"-0123456789tfn", s[j]) < 0 {
				j++
			}
			clip(i, j, "")
			i = j
		}
	}
}

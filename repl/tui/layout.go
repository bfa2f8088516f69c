package tui

import (
	"regexp"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Layout helpers: every pane renders itself into exactly w×h cells, so the
// root view can join them without lipgloss guessing sizes, and a resize
// never leaves a stale line behind.

// fit truncates s (one line, may hold escape codes) to w cells, with "…"
// when cut, and pads it with spaces to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// block makes text exactly w×h: each line fitted, missing lines blank,
// extra lines dropped.
func block(text string, w, h int) []string {
	if h <= 0 {
		return nil
	}
	var lines []string
	if text != "" {
		lines = strings.Split(text, "\n")
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// box draws content in a rounded border of exactly w×h cells with title in
// the top edge and, optionally, info right-aligned in the bottom edge. A
// focused box has a heavy border, so focus shows without color.
func box(st Styles, title, info, content string, w, h int, focused bool) string {
	if w < 4 || h < 1 {
		return strings.Join(block(content, max(w, 0), max(h, 0)), "\n")
	}
	if h == 1 {
		// One line: the title bar alone, not content without its box.
		b := lipgloss.RoundedBorder()
		bs, ts := st.Border, st.Title
		if focused {
			b = lipgloss.ThickBorder()
			bs, ts = st.BorderFocus, st.TitleFocus
		}
		t := ansi.Truncate(" "+title+" ", w-3, "…")
		return bs.Render(b.TopLeft+b.Top) + ts.Render(t) + bs.Render(strings.Repeat(b.Top, max(w-3-ansi.StringWidth(t), 0))+b.TopRight)
	}
	b := lipgloss.RoundedBorder()
	bs, ts := st.Border, st.Title
	if focused {
		b = lipgloss.ThickBorder()
		bs, ts = st.BorderFocus, st.TitleFocus
	}
	inner := w - 2
	top := b.TopLeft + b.Top
	if title != "" {
		t := ansi.Truncate(" "+title+" ", inner-1, "…")
		top = bs.Render(top) + ts.Render(t)
		rest := inner - 1 - ansi.StringWidth(t)
		top += bs.Render(strings.Repeat(b.Top, max(rest, 0)) + b.TopRight)
	} else {
		top = bs.Render(top + strings.Repeat(b.Top, inner-1) + b.TopRight)
	}
	bottom := ""
	if info != "" {
		in := ansi.Truncate(" "+info+" ", inner-1, "…")
		rest := inner - 1 - ansi.StringWidth(in)
		bottom = bs.Render(b.BottomLeft+strings.Repeat(b.Bottom, max(rest, 0))) + st.Dim.Render(in) + bs.Render(b.Bottom+b.BottomRight)
	} else {
		bottom = bs.Render(b.BottomLeft + strings.Repeat(b.Bottom, inner) + b.BottomRight)
	}
	lines := make([]string, 0, h)
	lines = append(lines, top)
	l, r := bs.Render(b.Left), bs.Render(b.Right)
	for _, line := range block(content, inner, h-2) {
		lines = append(lines, l+line+r)
	}
	lines = append(lines, bottom)
	return strings.Join(lines, "\n")
}

// hjoin puts blocks of the same height side by side.
func hjoin(blocks ...string) string {
	split := make([][]string, len(blocks))
	n := 0
	for i, b := range blocks {
		split[i] = strings.Split(b, "\n")
		n = max(n, len(split[i]))
	}
	var sb strings.Builder
	for row := range n {
		if row > 0 {
			sb.WriteByte('\n')
		}
		for _, lines := range split {
			if row < len(lines) {
				sb.WriteString(lines[row])
			}
		}
	}
	return sb.String()
}

// vjoin stacks blocks.
func vjoin(blocks ...string) string {
	var parts []string
	for _, b := range blocks {
		if b != "" {
			parts = append(parts, b)
		}
	}
	return strings.Join(parts, "\n")
}

// wrap breaks plain text into lines of at most w cells.
func wrap(text string, w int) string {
	if w <= 0 {
		return text
	}
	return ansi.Wrap(text, w, "")
}

// ansiStrip removes escape codes.
func ansiStrip(s string) string { return ansi.Strip(s) }

// sgr matches a colour (SGR) escape sequence: it can only colour text.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// safeKeepSGR is dynamic.SafeText for text that mixes colour codes of
// grpcsh's own (the command bar's output) with server text: colour
// sequences are kept, every other control character is escaped.
func safeKeepSGR(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range sgr.FindAllStringIndex(s, -1) {
		b.WriteString(dynamic.SafeText(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(dynamic.SafeText(s[last:]))
	return b.String()
}

package tui

import (
	"fmt"
	"sort"
	"strings"
)

// foldDoc is a document with some nested objects and arrays folded: the
// line that opens a block stays, with "… N lines }" after it, and the
// block's lines are hidden. Blocks are found by indentation, as the
// formatter prints them (a line ending in { or [, closed by } or ] at the
// same indentation): no parsing of a 20 MB document.
type foldDoc struct {
	base  document
	folds []fold // by start, disjoint
}

// fold hides base lines (start, end]; start is shown.
type fold struct{ start, end int }

func (d *foldDoc) Len() int {
	n := d.base.Len()
	for _, f := range d.folds {
		n -= f.end - f.start
	}
	return n
}

// toBase is the base line shown as line i.
func (d *foldDoc) toBase(i int) int {
	for _, f := range d.folds {
		if i <= f.start {
			break
		}
		i += f.end - f.start
	}
	return i
}

// fromBase is the line that shows base line b (its fold's, when hidden).
func (d *foldDoc) fromBase(b int) int {
	v := b
	for _, f := range d.folds {
		switch {
		case b > f.end:
			v -= f.end - f.start
		case b > f.start:
			return v - (b - f.start)
		}
	}
	return v
}

func (d *foldDoc) Line(i int) docLine {
	b := d.toBase(i)
	l := d.base.Line(b)
	k := sort.Search(len(d.folds), func(k int) bool { return d.folds[k].start >= b })
	if k < len(d.folds) && d.folds[k].start == b {
		f := d.folds[k]
		close := strings.TrimSpace(d.base.Line(f.end).text)
		l.text = fmt.Sprintf("%s … %d lines %s", l.text, f.end-f.start-1, close)
		if l.kind == lineStyled {
			l.styled = l.text
		}
	}
	return l
}

func (d *foldDoc) info(i int, s string) lineInfo {
	if b, ok := d.base.(*bodyDoc); ok {
		if bi := d.toBase(i); len(s) == len(b.Line(bi).text) {
			return b.info(bi, s)
		}
	}
	return measure(s)
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// opens says base line b opens a block.
func (d *foldDoc) opens(b int) bool {
	t := strings.TrimRight(d.base.Line(b).text, " ")
	return strings.HasSuffix(t, "{") || strings.HasSuffix(t, "[")
}

// closeOf is the line closing the block base line b opens, -1 if it has
// not arrived (a stream) or there is none.
func (d *foldDoc) closeOf(b int) int {
	ind := indentOf(d.base.Line(b).text)
	for j := b + 1; j < d.base.Len(); j++ {
		t := d.base.Line(j).text
		if indentOf(t) == ind && len(t) > ind && (t[ind] == '}' || t[ind] == ']') {
			return j
		}
		if indentOf(t) < ind && strings.TrimSpace(t) != "" {
			return -1
		}
	}
	return -1
}

// toggle folds the block line i opens, or unfolds it; on a line inside a
// block, it folds the innermost block around it. It returns the line to
// show at the top, and false when there is no block there.
func (d *foldDoc) toggle(i int) (int, bool) {
	b := d.toBase(i)
	for k, f := range d.folds {
		if f.start == b {
			d.folds = append(d.folds[:k], d.folds[k+1:]...)
			return i, true
		}
	}
	start := b
	if !d.opens(b) {
		start = -1
		ind := indentOf(d.base.Line(b).text)
		for j := b - 1; j >= 0; j-- {
			if t := d.base.Line(j).text; indentOf(t) < ind && d.opens(j) {
				start = j
				break
			}
		}
	}
	if start < 0 {
		return i, false
	}
	end := d.closeOf(start)
	if end < 0 || end-start < 2 {
		return i, false
	}
	// The folds inside the new one go.
	kept := d.folds[:0]
	for _, f := range d.folds {
		if f.start < start || f.start > end {
			kept = append(kept, f)
		}
	}
	d.folds = append(kept, fold{start, end})
	sort.Slice(d.folds, func(a, b int) bool { return d.folds[a].start < d.folds[b].start })
	return d.fromBase(start), true
}

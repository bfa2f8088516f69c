package tui

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// docFind is a docView's search: "/" opens a query input, matches are
// found a slice of the document at a time (a docSearchStepMsg per slice,
// so keys are handled between slices of a 20 MB document), highlighted
// on screen, and n/N go from one to the next.
type docFind struct {
	input   textinput.Model
	editing bool
	query   string
	fold    bool // no capital in the query: case does not matter

	matches []docMatch // in document order, the first maxMatches
	total   int        // found, kept or not
	cur     docMatch   // the current match (line -1: none)
	next    int        // the next line to search
	off     int        // where in line next to go on (a long line takes steps)
	gen     int        // a new query, or document, makes older steps stale
	pending bool       // a step is on its way
	jumped  bool       // the first match was brought on screen
	from    int        // where the view was when the query changed
	buf     []byte     // lower-cased text, reused
}

// docMatch is a match: line, and bytes [start, end) of it.
type docMatch struct {
	line       int
	start, end int32
}

// maxMatches bounds the matches kept (their count goes on).
const maxMatches = 100_000

// searchBudget is the bytes one step searches.
const searchBudget = 2 << 20

// stepMatches bounds the matches a step keeps: a one-letter query finds
// ~60,000 in a 2 MiB slice of base64, and growing the list by that much in
// one step took 16 ms (fresh pages; BenchmarkTUIBigSearch).
const stepMatches = 8192

// docSearchStepMsg asks view v to search its next slice.
type docSearchStepMsg struct {
	v   *docView
	gen int
}

func (f *docFind) shown() bool { return f.editing || f.query != "" }

// active says n/N and esc belong to the search.
func (v *docView) searching() bool { return v.find.shown() }

// typing says the query input has the keys.
func (v *docView) typing() bool { return v.find.editing }

// restart searches the document again from its top (it changed).
func (f *docFind) restart() {
	f.gen++
	f.matches, f.total, f.next, f.off, f.pending = f.matches[:0], 0, 0, 0, false
	f.cur = docMatch{line: -1}
}

// openSearch starts typing a query ("/").
func (v *docView) openSearch() tea.Cmd {
	f := &v.find
	f.input = textinput.New()
	f.input.Prompt = "/"
	f.input.Placeholder = "search"
	// A new query, as the method tree's / starts a new filter (issue 12);
	// the last one stays, with its matches, until a key is typed, so
	// that / then enter keeps it.
	f.input.SetWidth(max(v.w/2, 10))
	f.editing = true
	v.clamp()
	return f.input.Focus()
}

// clearSearch ends the search and its highlights.
func (v *docView) clearSearch() {
	v.find.editing = false
	v.find.query = ""
	v.find.input.Blur()
	v.find.restart()
	v.clamp()
}

// searchKey handles a key while the search has it; false means the key is
// not the search's.
func (v *docView) searchKey(msg tea.KeyPressMsg, k searchKeys) (bool, tea.Cmd) {
	f := &v.find
	if f.editing {
		switch msg.String() {
		case "enter":
			f.editing = false
			f.input.Blur()
			if f.query == "" {
				v.clearSearch()
			}
			return true, nil
		case "esc":
			v.clearSearch()
			return true, nil
		}
		return true, v.searchInput(msg)
	}
	switch {
	case key.Matches(msg, k.Search):
		return true, v.openSearch()
	case f.query == "":
		return false, nil
	case key.Matches(msg, k.Next):
		v.jump(1)
		return true, nil
	case key.Matches(msg, k.Prev):
		v.jump(-1)
		return true, nil
	case key.Matches(msg, k.Clear):
		v.clearSearch()
		return true, nil
	}
	return false, nil
}

// searchInput gives the query input a key or a paste, and searches for
// what it then holds.
func (v *docView) searchInput(msg tea.Msg) tea.Cmd {
	f := &v.find
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if q := f.input.Value(); q != f.query {
		return tea.Batch(cmd, v.setQuery(q))
	}
	return cmd
}

// setQuery searches for q, from the document's top; the first match at
// or after the view's top comes on screen.
func (v *docView) setQuery(q string) tea.Cmd {
	f := &v.find
	f.query = q
	f.fold = strings.IndexFunc(q, unicode.IsUpper) < 0
	f.restart()
	f.jumped = false
	f.from = v.top
	if q == "" {
		return nil
	}
	return v.searchMore()
}

// searchMore sends the next step, unless one is on its way or the whole
// document was searched (a growing stream calls it again).
func (v *docView) searchMore() tea.Cmd {
	f := &v.find
	if f.query == "" || f.pending || f.next >= v.lines() {
		return nil
	}
	f.pending = true
	msg := docSearchStepMsg{v: v, gen: f.gen}
	return func() tea.Msg { return msg }
}

// searchStep searches the next slice of the document.
func (v *docView) searchStep(msg docSearchStepMsg) tea.Cmd {
	f := &v.find
	if msg.gen != f.gen {
		return nil
	}
	f.pending = false
	n := v.lines()
	q := []byte(f.query)
	if f.fold {
		q = bytes.ToLower(q)
	}
	kept := 0 // matches this step
	for budget := searchBudget; f.next < n && budget > 0; {
		// A slice of the line at most: one line may be a 28 MB base64
		// payload, and a step must stay a fraction of a frame. A match
		// may run past the slice's end; the next slice starts after it.
		text := v.doc.Line(f.next).text
		base := min(f.off, len(text))
		end := len(text)
		if end-base > budget {
			end = base + budget
		}
		budget -= end - base + 1
		line, resume := f.next, end
		f.findIn(text[base:min(end+len(q)-1, len(text))], q, func(a int) bool {
			f.total++
			if len(f.matches) < maxMatches {
				f.matches = append(f.matches, docMatch{line: line, start: int32(base + a), end: int32(base + a + len(q))})
				kept++
			}
			if kept >= stepMatches {
				// The rest of the slice in the next step, from here.
				resume, budget = base+a+len(q), 0
				return false
			}
			resume = max(resume, base+a+len(q))
			return true
		})
		if resume < len(text) {
			f.off = resume
		} else {
			f.next, f.off = f.next+1, 0
		}
	}
	if !f.jumped {
		// The first match from where the view was, once found; the first
		// of all when the search wrapped around.
		i := sort.Search(len(f.matches), func(i int) bool { return f.matches[i].line >= f.from })
		switch {
		case i < len(f.matches):
			f.jumped = true
			v.goTo(f.matches[i])
		case f.next >= n && len(f.matches) > 0:
			f.jumped = true
			v.goTo(f.matches[0])
		}
	}
	return v.searchMore()
}

// findIn calls fn with the offset of each match of q in s, until fn says
// to stop; with fold, in ASCII lower case, a slice of a long line at a
// time (so f.buf stays small, and a byte offset in the lowered text is
// one in s).
func (f *docFind) findIn(s string, q []byte, fn func(int) bool) {
	if len(q) == 0 {
		return
	}
	if !f.fold {
		qs := string(q) // once: a one-letter query matches ~60,000 times a step
		for off := 0; ; {
			i := strings.Index(s[off:], qs)
			if i < 0 {
				return
			}
			if !fn(off + i) {
				return
			}
			off += i + len(q)
		}
	}
	const chunk = 1 << 20
	lastEnd := 0
	for base := 0; base < len(s); base += chunk {
		end := min(base+chunk+len(q)-1, len(s))
		f.buf = append(f.buf[:0], s[base:end]...)
		for i, c := range f.buf {
			if 'A' <= c && c <= 'Z' {
				f.buf[i] = c + ('a' - 'A')
			}
		}
		for off := 0; ; {
			i := bytes.Index(f.buf[off:], q)
			if i < 0 || off+i >= chunk {
				break
			}
			at := base + off + i
			if at < lastEnd {
				// Inside the last match of the chunk before: look again
				// from its end (a match may start right there).
				off = lastEnd - base
				continue
			}
			if !fn(at) {
				return
			}
			lastEnd = at + len(q)
			off += i + len(q)
		}
	}
}

// firstOn is the index of the first match on line i or after it.
func (f *docFind) firstOn(i int) int {
	return sort.Search(len(f.matches), func(k int) bool { return f.matches[k].line >= i })
}

// jump makes the next (d=1) or previous (d=-1) match current, going round.
func (v *docView) jump(d int) {
	f := &v.find
	if len(f.matches) == 0 {
		return
	}
	i := sort.Search(len(f.matches), func(k int) bool {
		m := f.matches[k]
		return m.line > f.cur.line || (m.line == f.cur.line && m.start >= f.cur.start)
	})
	if i < len(f.matches) && f.matches[i] == f.cur {
		i += d
	} else if d < 0 {
		i--
	}
	i = (i + len(f.matches)) % len(f.matches)
	v.goTo(f.matches[i])
}

func (v *docView) goTo(m docMatch) {
	v.jumped = true
	v.find.cur = m
	v.reveal(m.line, int(m.start))
}

// bar is the search line: the query and "k/N matches".
func (f *docFind) bar(st Styles, lines int) string {
	q := "/" + f.query
	if f.editing {
		q = f.input.View()
	}
	return q + "  " + st.Dim.Render(f.count(lines))
}

// count is "k/N matches", "searching…" or "no matches".
func (f *docFind) count(lines int) string {
	more := f.next < lines
	switch {
	case f.query == "":
		return "type to search · enter keeps · esc clears"
	case f.total == 0 && more:
		return "searching…"
	case f.total == 0:
		return "no matches"
	}
	k := 0
	if f.cur.line >= 0 {
		k = sort.Search(len(f.matches), func(i int) bool {
			m := f.matches[i]
			return m.line > f.cur.line || (m.line == f.cur.line && m.start >= f.cur.start)
		}) + 1
	}
	s := fmt.Sprintf("%d/%d matches", k, f.total)
	if more {
		s += " (searching…)"
	}
	return s
}

package tui

import (
	"fmt"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// listFind is "/" over a list (the history): the rows whose text holds the
// query are its matches, n/N move the cursor to the next or previous one,
// and the query is highlighted on screen. A list is at most a thousand
// rows: it is searched at once, unlike a document (docFind).
type listFind struct {
	input   textinput.Model
	editing bool
	query   string
	hits    []int // the matching rows, in order
}

func (f *listFind) shown() bool { return f.editing || f.query != "" }

// key handles a key while the search has it; texts gives each row's text,
// cursor is moved to the matches. false means the key is not the search's.
func (f *listFind) key(msg tea.KeyPressMsg, k searchKeys, texts func() []string, cursor *int, w int) (bool, tea.Cmd) {
	if f.editing {
		switch msg.String() {
		case "enter":
			f.editing = false
			f.input.Blur()
			return true, nil
		case "esc":
			f.clear()
			return true, nil
		}
		var cmd tea.Cmd
		f.input, cmd = f.input.Update(msg)
		if q := f.input.Value(); q != f.query {
			f.query = q
			f.find(texts())
			f.step(cursor, 0)
		}
		return true, cmd
	}
	switch {
	case key.Matches(msg, k.Search):
		f.input = textinput.New()
		f.input.Prompt = "/"
		f.input.Placeholder = "search"
		// A new query, as the method tree's / starts a new filter (issue 12);
		// the last one stays, with its matches, until a key is typed, so
		// that / then enter keeps it.
		f.input.SetWidth(max(w/2, 10))
		f.editing = true
		return true, f.input.Focus()
	case f.query == "":
		return false, nil
	case key.Matches(msg, k.Next):
		f.find(texts())
		f.step(cursor, 1)
	case key.Matches(msg, k.Prev):
		f.find(texts())
		f.step(cursor, -1)
	case key.Matches(msg, k.Clear):
		f.clear()
	default:
		return false, nil
	}
	return true, nil
}

func (f *listFind) clear() {
	f.editing, f.query, f.hits = false, "", nil
	f.input.Blur()
}

func (f *listFind) fold() bool { return strings.IndexFunc(f.query, unicode.IsUpper) < 0 }

func (f *listFind) find(texts []string) {
	f.hits = f.hits[:0]
	if f.query == "" {
		return
	}
	q := f.query
	if f.fold() {
		q = strings.ToLower(q)
	}
	for i, t := range texts {
		if f.fold() {
			t = strings.ToLower(t)
		}
		if strings.Contains(t, q) {
			f.hits = append(f.hits, i)
		}
	}
}

// step moves the cursor to the first match at it (d=0), after it (1) or
// before it (-1), going round.
func (f *listFind) step(cursor *int, d int) {
	if len(f.hits) == 0 {
		return
	}
	for k, h := range f.hits {
		if (d >= 0 && h >= *cursor+d) || (d < 0 && h >= *cursor) {
			if d < 0 {
				k--
			}
			*cursor = f.hits[(k+len(f.hits))%len(f.hits)]
			return
		}
	}
	if d < 0 {
		*cursor = f.hits[len(f.hits)-1]
	} else {
		*cursor = f.hits[0]
	}
}

// decorate highlights the query in the rendered rows and puts the search
// bar under them, within h lines.
func (f *listFind) decorate(view string, st Styles, cursor, w, h int) string {
	if !f.shown() {
		return view
	}
	lines := strings.Split(view, "\n")
	if len(lines) > h-1 {
		lines = lines[:max(h-1, 0)]
	}
	hl, _ := matchStyles(st)
	for i, l := range lines {
		plain := ansi.Strip(l)
		spans := matchSpans(plain, f.query, f.fold())
		if len(spans) == 0 {
			continue
		}
		var b strings.Builder
		prev := 0
		for _, s := range spans {
			b.WriteString(plain[prev:s[0]])
			plainSpan(&b, plain[s[0]:s[1]], hl)
			prev = s[1]
		}
		b.WriteString(plain[prev:])
		lines[i] = b.String()
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	k := 0
	for i, hit := range f.hits {
		if hit == cursor {
			k = i + 1
		}
	}
	count := "no matches"
	switch {
	case f.query == "":
		count = "type to search · enter keeps · esc clears"
	case len(f.hits) > 0:
		count = fmt.Sprintf("%d/%d matches", k, len(f.hits))
	}
	q := "/" + f.query
	if f.editing {
		q = f.input.View()
	}
	return strings.Join(append(lines, fit(q+"  "+st.Dim.Render(count), w)), "\n")
}

// matchSpans are the byte ranges of q in s (case-folded for ASCII when
// fold: offsets stay those of s).
func matchSpans(s, q string, fold bool) [][2]int {
	if q == "" {
		return nil
	}
	t := s
	if fold {
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		t = string(b)
		q = strings.ToLower(q)
	}
	var out [][2]int
	for off := 0; ; {
		i := strings.Index(t[off:], q)
		if i < 0 {
			return out
		}
		out = append(out, [2]int{off + i, off + i + len(q)})
		off += i + len(q)
	}
}

// searchTexts is what "/" searches in each history entry, newest first:
// its method, target, status and requests.
func (m *historyModel) searchTexts() []string {
	out := make([]string, len(m.entries))
	for i := range m.entries {
		e, _ := m.at(i)
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s %s %s", e.Method, e.Target, e.Code, e.Message)
		for _, r := range e.Requests {
			b.WriteByte(' ')
			b.Write(r)
		}
		out[i] = b.String()
	}
	return out
}

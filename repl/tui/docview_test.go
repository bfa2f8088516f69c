package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// docText is a document's whole text, plain.
func docText(d document) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	for i := range d.Len() {
		b.WriteString(d.Line(i).text)
		b.WriteByte('\n')
	}
	return b.String()
}

// A document view in a small box: a long line is cut with a "…" where it
// goes on; > scrolls sideways (a "…" on the left says there is more
// there); w wraps it instead.
func TestDocViewCutSidewaysWrap(t *testing.T) {
	st := newStyles(colorprofile.NoTTY, true)
	long := `  "payload": "` + strings.Repeat("abcdefghij", 6) + `"`
	v := docView{}
	v.setSize(24, 5)
	v.setDoc(newStaticDoc("{\n"+long+",\n  \"n\": 1\n}"), true)
	var out strings.Builder
	step := func(what string) {
		fmt.Fprintf(&out, "── %s (x=%d wrap=%v)\n%s\n", what, v.x, v.wrap, v.view(st))
	}
	step("opened")
	if got := strings.Split(v.view(st), "\n")[1]; !strings.HasSuffix(got, "…") || ansi.StringWidth(got) != 24 {
		t.Errorf("the long line is not cut with a mark at the border: %q", got)
	}
	v.sideways(1)
	step("scrolled right")
	if got := strings.Split(v.view(st), "\n")[1]; !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("scrolled sideways, the line lacks its marks on both sides: %q", got)
	}
	for range 20 {
		v.sideways(1)
	}
	step("scrolled right to the end")
	if got := strings.Split(v.view(st), "\n")[1]; strings.HasSuffix(strings.TrimRight(got, " "), "…") {
		t.Errorf("at the end of the line there is still a mark on the right: %q", got)
	}
	v.toggleWrap()
	step("wrapped")
	if v.x != 0 || !strings.Contains(v.view(st), "ghijabcdefghij") {
		t.Errorf("wrapped, the line is not shown whole:\n%s", v.view(st))
	}
	v.down(2)
	step("wrapped, two rows down")
	golden.RequireEqual(t, []byte(out.String()))
}

// Search in a document: matches are highlighted (reverse video in the
// ASCII profile, the current one underlined and bold), the bar says
// "k/N matches", n and N go round, esc clears.
func TestDocViewSearchHighlight(t *testing.T) {
	st := newStyles(colorprofile.ASCII, true)
	var lines []string
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("line %02d %s", i, map[bool]string{true: "needle here", false: "hay"}[i%10 == 3]))
	}
	v := docView{}
	v.setSize(30, 6)
	v.setDoc(newStaticDoc(strings.Join(lines, "\n")), true)
	// The steps the app would get as docSearchStepMsgs, one by one.
	run := func() {
		for v.find.pending {
			v.searchStep(docSearchStepMsg{v: &v, gen: v.find.gen})
		}
	}
	k := newKeyMap().Resp.Find
	var out strings.Builder
	press := func(keys ...string) {
		for _, s := range keys {
			if ok, _ := v.searchKey(keyMsg(s), k); !ok {
				t.Fatalf("the search did not take %q", s)
			}
			run()
		}
		fmt.Fprintf(&out, "── after %v\n%s\n", keys, v.view(st))
	}
	press("/", "N", "e", "e", "d")
	// A capital makes case matter.
	if bar := ansi.Strip(v.view(st)); !strings.Contains(bar, "/Need") || !strings.Contains(bar, "no matches") {
		t.Fatalf("the bar lacks the query or its count:\n%s", bar)
	}
	press("backspace", "backspace", "backspace", "backspace")
	press("n", "e", "e", "d", "l", "e", "enter")
	scr := ansi.Strip(v.view(st))
	if !strings.Contains(scr, "1/3 matches") || !strings.Contains(scr, "line 03 needle") {
		t.Fatalf("after the query, want 1/3 matches with line 03 on screen:\n%s", scr)
	}
	if n := strings.Count(v.view(st), "\x1b[7mneedle"); n != 0 || !strings.Contains(v.view(st), "needle\x1b[m") {
		t.Logf("highlight codes: %q", v.view(st))
	}
	press("n")
	if scr := ansi.Strip(v.view(st)); !strings.Contains(scr, "2/3 matches") || !strings.Contains(scr, "line 13 needle") {
		t.Fatalf("n: want 2/3 with line 13:\n%s", scr)
	}
	press("n", "n")
	if scr := ansi.Strip(v.view(st)); !strings.Contains(scr, "1/3 matches") {
		t.Fatalf("n past the last: want 1/3 again:\n%s", scr)
	}
	press("N")
	if scr := ansi.Strip(v.view(st)); !strings.Contains(scr, "3/3 matches") || !strings.Contains(scr, "line 23 needle") {
		t.Fatalf("N from the first: want 3/3 with line 23:\n%s", scr)
	}
	press("esc")
	if scr := ansi.Strip(v.view(st)); strings.Contains(scr, "matches") || v.find.shown() {
		t.Fatalf("esc: the search is still shown:\n%s", scr)
	}
	golden.RequireEqual(t, []byte(out.String()))
}

// One long line (a 20 MiB payload is one line of base64) is searched a
// slice at a time: no step reads more than searchBudget bytes of it, a
// match across a slice's end is found once, and every match is found.
func TestDocSearchLongLineInSteps(t *testing.T) {
	const size = 5*searchBudget + 123
	line := []byte(strings.Repeat("a", size))
	at := []int{0, searchBudget - 2, 3*searchBudget - 1, size - 6} // across two slice ends, and at the very end
	for _, i := range at {
		copy(line[i:], "NEEDLE")
	}
	v := docView{}
	v.setSize(40, 6)
	v.setDoc(staticDoc{{text: "{"}, {text: string(line)}, {text: "}"}}, true)
	v.setQuery("needle")
	steps := 0
	for v.find.pending {
		wasOn, before := v.find.next, v.find.off
		v.searchStep(docSearchStepMsg{v: &v, gen: v.find.gen})
		steps++
		if wasOn == 1 && v.find.next == 1 && v.find.off-before > searchBudget+len("needle") {
			t.Fatalf("a step read %d bytes of the line, more than the budget %d", v.find.off-before, searchBudget)
		}
	}
	if steps < 5 {
		t.Errorf("%d steps for %d bytes: the line was not taken in slices", steps, size)
	}
	if v.find.total != len(at) {
		t.Fatalf("%d matches, want %d", v.find.total, len(at))
	}
	for k, m := range v.find.matches {
		if m.line != 1 || int(m.start) != at[k] || int(m.end) != at[k]+6 {
			t.Errorf("match %d: %+v, want line 1 at %d", k, m, at[k])
		}
	}
}

// A query that matches everywhere (one letter in base64) keeps at most
// stepMatches matches a step, goes on in the next step right after the
// last one kept, and so finds each match once, in order, with the count
// of those past maxMatches still right.
func TestDocSearchManyMatchesInSteps(t *testing.T) {
	const n = maxMatches + 5000
	v := docView{}
	v.setSize(40, 6)
	v.setDoc(staticDoc{{text: strings.Repeat("xY", n)}, {text: "Y"}}, true)
	v.setQuery("Y")
	steps := 0
	for v.find.pending {
		before := len(v.find.matches)
		v.searchStep(docSearchStepMsg{v: &v, gen: v.find.gen})
		steps++
		if got := len(v.find.matches) - before; got > stepMatches {
			t.Fatalf("a step kept %d matches, more than %d", got, stepMatches)
		}
	}
	if steps < maxMatches/stepMatches {
		t.Errorf("%d steps for %d matches", steps, n+1)
	}
	if v.find.total != n+1 || len(v.find.matches) != maxMatches {
		t.Fatalf("total %d, kept %d; want %d and %d", v.find.total, len(v.find.matches), n+1, maxMatches)
	}
	for k, m := range v.find.matches {
		if m.line != 0 || int(m.start) != 2*k+1 || int(m.end) != 2*k+2 {
			t.Fatalf("match %d: %+v, want line 0 at %d", k, m, 2*k+1)
		}
	}
}

// Case-insensitive search lowers the text a chunk at a time: a match that
// starts where one across the chunk's start ends is still found (review:
// "aa" after an odd offset lost the match at byte 1048577).
func TestDocSearchFoldAcrossChunks(t *testing.T) {
	const chunk = 1 << 20
	// A run of a's that starts just before the second chunk: "aa" at
	// chunk-1 runs across it, the next one starts where that one ends.
	line := strings.Repeat("x", chunk-1) + "aaaaaa" + strings.Repeat("x", 10)
	v := docView{}
	v.setSize(40, 6)
	v.setDoc(staticDoc{{text: line}}, true)
	v.setQuery("aa") // no capital: the folding path
	for v.find.pending {
		v.searchStep(docSearchStepMsg{v: &v, gen: v.find.gen})
	}
	want := []int{chunk - 1, chunk + 1, chunk + 3}
	if v.find.total != len(want) {
		t.Fatalf("%d matches (%+v), want %d", v.find.total, v.find.matches, len(want))
	}
	for k, m := range v.find.matches {
		if int(m.start) != want[k] {
			t.Errorf("match %d at %d, want %d", k, m.start, want[k])
		}
	}
}

// / starts a new query, as the method tree's / starts a new filter: the
// last query is not typed onto; / then enter keeps it and its matches.
func TestDocSearchSlashStartsNewQuery(t *testing.T) {
	v := docView{}
	v.setSize(30, 6)
	v.setDoc(newStaticDoc("alpha\nbeta\nalphabet"), true)
	k := newKeyMap().Resp.Find
	press := func(keys ...string) {
		for _, s := range keys {
			if ok, _ := v.searchKey(keyMsg(s), k); !ok {
				t.Fatalf("the search did not take %q", s)
			}
			for v.find.pending {
				v.searchStep(docSearchStepMsg{v: &v, gen: v.find.gen})
			}
		}
	}
	press("/", "a", "l", "p", "h", "a", "enter")
	if v.find.query != "alpha" || v.find.total != 2 {
		t.Fatalf("query %q, %d matches; want alpha, 2", v.find.query, v.find.total)
	}
	press("/", "enter")
	if v.find.query != "alpha" || v.find.total != 2 {
		t.Fatalf("/ enter: query %q, %d matches; want alpha kept, 2", v.find.query, v.find.total)
	}
	press("/", "b", "e", "t", "a", "enter")
	if v.find.query != "beta" || v.find.total != 1 {
		t.Fatalf("/ beta: query %q, %d matches; want beta (not alphabeta), 1", v.find.query, v.find.total)
	}
}

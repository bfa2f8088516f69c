package tui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/dynamic"
)

// fillSecond types text into the form's second field.
func (h *harness) fillSecond(text string) {
	h.t.Helper()
	h.press("home", "down", "enter")
	if !h.m.form.Editing() {
		h.t.Fatalf("enter did not start editing the second field; screen:\n%s", h.screen())
	}
	h.typeText(text)
	h.press("enter")
}

// callShown opens a method, fills its form, sends the request, waits for
// the call to end and focuses the response.
func (h *harness) callShown(name, filter string, fill func()) {
	h.t.Helper()
	h.openMethod(name, filter)
	fill()
	h.press("ctrl+s")
	h.waitFor("the call to end", func() bool { return h.m.call != nil && !h.m.call.running() }, time.Minute)
	h.press("alt+3")
}

// search types "/" and q into the search of v, and lets it run.
func (h *harness) search(v *docView, q string) {
	h.t.Helper()
	h.press("/")
	h.typeText(q)
	h.waitFor("the search", func() bool { return !v.find.pending }, time.Minute)
}

// respRows is the document part of the Response pane, as on screen.
func respRows(h *harness) string { return h.m.resp.dv.view(h.m.st) }

// A unary response opens at its top; its long payload line is cut with a
// "…"; > scrolls sideways, w wraps; / finds the items' names and n/N go
// through them with "k/N matches"; esc clears the search, not the pane.
func TestRespBigUnary(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.callShown("showcase.Showcase.Big", "showcase big", func() {
		h.fillFirst("3000")
		h.fillSecond("40")
	})
	rows := respRows(h)
	if first := strings.Split(rows, "\n")[0]; strings.TrimSpace(first) != "{" {
		t.Fatalf("the unary response does not open at its top: first row %q\n%s", first, h.screen())
	}
	payload := strings.Split(rows, "\n")[1]
	if !strings.Contains(payload, `"payload"`) || !strings.HasSuffix(payload, "…") {
		t.Fatalf("the payload line is not cut with a mark: %q", payload)
	}
	h.press(">")
	if p := strings.Split(respRows(h), "\n")[1]; !strings.HasPrefix(p, "…") || h.m.resp.dv.x == 0 {
		t.Fatalf("> did not scroll sideways: %q", p)
	}
	if !strings.Contains(h.screen(), "col ") {
		t.Errorf("the box's edge does not say the column:\n%s", h.screen())
	}
	h.press("w")
	if !h.m.resp.dv.wrap || strings.Contains(respRows(h), "…") {
		t.Fatalf("w did not wrap the long line:\n%s", respRows(h))
	}
	h.press("w", "/")
	h.typeText("item-")
	h.waitFor("the search", func() bool { return !h.m.resp.dv.find.pending }, 5*time.Second)
	h.press("enter")
	scr := h.screen()
	if !strings.Contains(scr, "1/40 matches") {
		t.Fatalf("want 1/40 matches:\n%s", scr)
	}
	cur := h.m.resp.dv.find.cur
	if cur.line < h.m.resp.dv.top || cur.line >= h.m.resp.dv.top+h.m.resp.dv.height() {
		t.Fatalf("the first match (line %d) is not on screen (top %d)", cur.line, h.m.resp.dv.top)
	}
	h.press("n", "n")
	if !strings.Contains(h.screen(), "3/40 matches") {
		t.Fatalf("n n: want 3/40 matches:\n%s", h.screen())
	}
	h.press("N")
	if !strings.Contains(h.screen(), "2/40 matches") {
		t.Fatalf("N: want 2/40 matches:\n%s", h.screen())
	}
	// n goes on from the current match, wherever the view was scrolled.
	h.press("G", "n")
	if h.m.resp.dv.find.cur != h.m.resp.dv.find.matches[2] {
		t.Errorf("n after G: want the match after the current one (3rd), got %+v", h.m.resp.dv.find.cur)
	}
	h.press("esc")
	if h.m.resp.dv.find.shown() || h.m.focus != focusResp {
		t.Fatalf("esc: want the search cleared and the pane kept (focus %v)", h.m.focus)
	}
	if strings.Contains(h.screen(), "matches") {
		t.Errorf("esc: the search bar is still on screen:\n%s", h.screen())
	}
}

// A stream follows its tail; scrolling up stops that, and new messages do
// not move the view; G follows again. Search goes through every message
// of the source.
func TestRespStreamFollowsTail(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.callShown("showcase.Showcase.Count", "showcase count", func() {
		h.fillFirst("300")
	})
	if !strings.Contains(h.screen(), "── #300") || !h.m.resp.dv.atBottom() {
		t.Fatalf("the stream does not show its tail:\n%s", h.screen())
	}
	if !strings.Contains(h.screen(), "following") {
		t.Errorf("the box does not say it follows:\n%s", h.screen())
	}
	h.press("k", "k")
	top := h.m.resp.dv.top
	if h.m.resp.follow {
		t.Fatal("scrolling up did not stop following")
	}
	h.m.resp.dirty = true
	h.send(callChangedMsg{})
	if h.m.resp.dv.top != top {
		t.Errorf("a redraw moved the view from %d to %d while not following", top, h.m.resp.dv.top)
	}
	h.search(&h.m.resp.dv, `"index": 1`)
	h.press("enter")
	// 1, 10-19, 100-199: 111 messages.
	if !strings.Contains(h.screen(), "/111 matches") {
		t.Fatalf("want 111 matches of \"index\": 1:\n%s", h.screen())
	}
	h.press("esc", "G")
	if !h.m.resp.follow || !h.m.resp.dv.atBottom() {
		t.Errorf("G did not follow the tail again")
	}
}

// A search of a large document goes a slice at a time: after one step it
// has not read everything, and a key is handled between steps.
func TestRespSearchInSteps(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.callShown("showcase.Showcase.Big", "showcase big", func() {
		h.fillSecond(strconv.Itoa(200000))
	})
	v := &h.m.resp.dv
	lines := v.lines()
	if lines < 800000 {
		t.Fatalf("%d lines, want 200,000 items' worth", lines)
	}
	h.press("/")
	h.typeText("item-199999")
	if v.find.next >= lines || !v.find.pending {
		t.Fatalf("the search read %d of %d lines at once", v.find.next, lines)
	}
	if !strings.Contains(h.screen(), "searching…") {
		t.Errorf("the bar does not say it is searching:\n%s", h.screen())
	}
	h.press("enter", "j") // handled while the search goes on
	h.waitFor("the search", func() bool { return !v.find.pending && v.find.next >= lines }, time.Minute)
	if !strings.Contains(h.screen(), "1/1 matches") {
		t.Fatalf("want 1/1 matches:\n%s", h.screen())
	}
	if !strings.Contains(h.screen(), `"item-199999"`) {
		t.Errorf("the match is not on screen:\n%s", h.screen())
	}
}

// The Response pane with a long line, whole screens: opened (cut with a
// mark), scrolled sideways (>), wrapped (w), and searched (/item, n) with
// "k/N matches" in the bar.
func TestRespViewGolden(t *testing.T) {
	payload := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("grpcsh view "), 25))
	var items []string
	for i := range 6 {
		items = append(items, fmt.Sprintf(`{"index":%d,"name":"item-%d"}`, i, i))
	}
	body := fmt.Sprintf(`{"payload":%q,"items":[%s]}`, payload, strings.Join(items, ","))
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t, sz.w, sz.h)
			h.waitServices()
			h.m.now = (&fixedClock{t0.Add(2 * time.Millisecond)}).now
			c := syntheticCall(t, h, "showcase.Showcase/Big", t0)
			h.send(callEventsMsg{id: c.id, closed: true, events: []dynamic.Event{
				dynamic.HeaderEvent{Header: metadata.MD{}, Elapsed: 800 * time.Microsecond},
				dynamic.MessageEvent{Message: parseMsg(t, h, c.method.Output(), body), Index: 1, Elapsed: 1200 * time.Microsecond},
				dynamic.EndEvent{Status: &dynamic.Status{Status: status.New(codes.OK, "")}, Elapsed: 1500 * time.Microsecond, Sent: 1, Received: 1},
			}})
			h.press("alt+3")
			h.stable()
			var out strings.Builder
			shot := func(what string) { fmt.Fprintf(&out, "=== %s\n%s\n", what, h.screen()) }
			shot("opened")
			h.press(">", ">")
			shot("> >")
			h.press("w")
			shot("w")
			h.press("w", "/")
			h.typeText("item")
			h.waitFor("the search", func() bool { return !h.m.resp.dv.find.pending }, 5*time.Second)
			h.press("enter", "n")
			shot("/item enter n")
			// "items" and the six names.
			if !strings.Contains(h.screen(), "2/7 matches") {
				t.Errorf("want 2/7 matches:\n%s", h.screen())
			}
			golden.RequireEqual(t, out.String())
		})
	}
}

// "/" in the help screen finds a key's text and says where it is; esc
// clears the search, the next esc closes the screen.
func TestHelpSearch(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press("alt+3", "?")
	if h.m.topOverlay() != ovHelp {
		t.Fatal("? did not open the help")
	}
	h.search(&h.m.helpm.dv, "wrap long")
	h.press("enter")
	if !strings.Contains(h.screen(), "1/1 matches") {
		t.Fatalf("want 1/1 matches in the help:\n%s", h.screen())
	}
	h.press("esc")
	if h.m.topOverlay() != ovHelp || h.m.helpm.dv.find.shown() {
		t.Fatalf("esc: want the search cleared, the help still open")
	}
	h.press("esc")
	if h.m.topOverlay() != ovNone {
		t.Fatal("the second esc did not close the help")
	}
}

// "/" in the history finds calls by method, n/N move the cursor between
// them and the bar says "k/N matches"; typing q in the query does not close
// the history.
func TestHistorySearch(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Ada")
	for range 2 {
		h.press("ctrl+s")
		h.waitCallDone()
	}
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("2")
	h.press("ctrl+s")
	h.waitCallDone()
	h.press("alt+3", "H")
	if h.m.topOverlay() != ovHistory {
		t.Fatal("H did not open the history")
	}
	h.press("/")
	h.typeText("sayhelloq")
	if h.m.topOverlay() != ovHistory || !strings.Contains(h.screen(), "no matches") {
		t.Fatalf("typing q in the query closed the history or matched:\n%s", h.screen())
	}
	h.press("backspace")
	if !strings.Contains(h.screen(), "1/2 matches") {
		t.Fatalf("want 1/2 matches:\n%s", h.screen())
	}
	if e, _ := h.m.hist.selected(); e.Method != "helloworld.Greeter.SayHello" {
		t.Fatalf("the cursor is on %s, want a SayHello call", e.Method)
	}
	h.press("enter", "n")
	if !strings.Contains(h.screen(), "2/2 matches") || h.m.hist.cursor != 2 {
		t.Fatalf("n: want 2/2 and the oldest entry (cursor %d):\n%s", h.m.hist.cursor, h.screen())
	}
	h.press("N")
	if !strings.Contains(h.screen(), "1/2 matches") || h.m.hist.cursor != 1 {
		t.Fatalf("N: want 1/2 (cursor %d):\n%s", h.m.hist.cursor, h.screen())
	}
	h.press("esc")
	if h.m.topOverlay() != ovHistory || h.m.hist.find.shown() {
		t.Fatal("esc: want the search cleared, the history still open")
	}
}

// A paste goes into the response's search query.
func TestRespSearchPaste(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.callShown("showcase.Showcase.Count", "showcase count", func() { h.fillFirst("20") })
	h.press("/")
	h.send(tea.PasteMsg{Content: `"index": 7`})
	h.waitFor("the search", func() bool { return !h.m.resp.dv.find.pending }, 5*time.Second)
	if h.m.resp.dv.find.query != `"index": 7` || !strings.Contains(h.screen(), "1/1 matches") {
		t.Fatalf("the paste did not search: query %q\n%s", h.m.resp.dv.find.query, h.screen())
	}
}

// z folds the block the top line opens ("items": [ … 23 lines ]), z again
// unfolds it, Z unfolds all; on a line inside a block it folds the innermost block
// around it, which comes to the top. Search covers what is shown.
func TestRespFold(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.callShown("showcase.Showcase.Big", "showcase big", func() {
		h.fillSecond("20")
	})
	// {, "items": [, then 20 items of 3-4 lines, ], }: more than fits.
	all := h.m.resp.dv.lines()
	h.press("j", "z")
	// Three lines now fit: the view shows them from the top.
	if row := strings.TrimSpace(strings.Split(respRows(h), "\n")[1]); row != fmt.Sprintf(`"items": [ … %d lines ]`, all-4) {
		t.Fatalf("z on \"items\": want it folded, second row %q", row)
	}
	if got := h.m.resp.dv.lines(); got != 3 {
		t.Fatalf("folded, the document has %d lines, want 3 ({, the fold, })", got)
	}
	h.press("Z")
	if got := h.m.resp.dv.lines(); got != all {
		t.Fatalf("Z: %d lines, want all %d back", got, all)
	}
	h.press("g", "j", "j", "j") // the first item's "name" line
	h.press("z")
	first := strings.TrimSpace(strings.Split(respRows(h), "\n")[0])
	if first != `{ … 1 lines },` && first != `{ … 2 lines },` {
		t.Fatalf("z inside an item: want the item folded at the top, got %q\n%s", first, respRows(h))
	}
	h.press("z")
	if got := h.m.resp.dv.lines(); got != all {
		t.Fatalf("z on the fold: %d lines, want all %d back", got, all)
	}
	h.press("z")
	h.search(&h.m.resp.dv, "item-")
	if !strings.Contains(h.screen(), "/19 matches") {
		t.Errorf("with one item folded, want 19 matches shown:\n%s", h.screen())
	}
}

// A search in a running stream brings its match on screen and stops the
// view following the tail, so the messages that come do not carry it off.
func TestRespSearchStopsFollowing(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("400")
	h.fillSecond("20ms")
	h.press("ctrl+s", "alt+3")
	h.waitFor("some messages", func() bool { return h.m.call != nil && h.m.call.msgs.total >= 30 }, 20*time.Second)
	if !h.m.resp.follow || !h.m.call.running() {
		t.Fatalf("the stream is not running or not followed (running %v):\n%s", h.m.call.running(), h.screen())
	}
	// Pasted, with no key after it: the match comes on screen in a search
	// step, not in a key's Update.
	h.press("/")
	if !h.m.resp.follow || !h.m.resp.dv.atBottom() {
		t.Fatal("opening the search bar stopped following the stream")
	}
	h.send(tea.PasteMsg{Content: `"index": 3,`})
	h.waitFor("the search", func() bool { return !h.m.resp.dv.find.pending && h.m.resp.dv.find.cur.line >= 0 }, 20*time.Second)
	line := h.m.resp.dv.find.cur.line
	h.waitFor("more messages", func() bool { return h.m.call.msgs.total >= 60 }, 20*time.Second)
	v := &h.m.resp.dv
	if h.m.resp.follow || line < v.top || line >= v.top+v.height() {
		t.Fatalf("the match (line %d) left the screen (top %d) or the view still follows (%v)", line, v.top, h.m.resp.follow)
	}
	h.press("ctrl+c")
}

package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Mouse tests: clicks and wheel turns at coordinates computed from the
// layout (paneRects), on the demo server.

func (h *harness) click(x, y int) {
	h.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
}

func (h *harness) wheel(x, y, d int) {
	b := tea.MouseWheelDown
	if d < 0 {
		b = tea.MouseWheelUp
	}
	h.send(tea.MouseWheelMsg{X: x, Y: y, Button: b})
}

// rectOf is the box of area a, failing when it is not on the screen.
func (h *harness) rectOf(a area) rect {
	h.t.Helper()
	r, ok := h.m.paneRects()[a]
	if !ok {
		h.t.Fatalf("area %d is not on the screen:\n%s", a, h.screen())
	}
	return r
}

// cell is the character at (x, y) of the screen.
func (h *harness) cell(x, y int) rune {
	lines := strings.Split(h.screen(), "\n")
	if y >= len(lines) {
		return 0
	}
	rs := []rune(lines[y])
	if x >= len(rs) {
		return 0
	}
	return rs[x]
}

// The areas the mouse hit-tests are the boxes the view draws: each one's
// corners are box corners, at every size and focus.
func TestMouseAreasMatchTheView(t *testing.T) {
	h := newHarness(t, 120, 40)
	if got := h.m.View().MouseMode; got != tea.MouseModeCellMotion {
		t.Fatalf("MouseMode %v, want cell motion", got)
	}
	h.openMethod("showcase.Showcase.Count", "showcase count")
	check := func(what string) {
		t.Helper()
		for a, r := range h.m.paneRects() {
			tl, br := h.cell(r.x, r.y), h.cell(r.x+r.w-1, r.y+r.h-1)
			if !strings.ContainsRune("╭┏", tl) || !strings.ContainsRune("╯┛", br) {
				t.Errorf("%s: area %d at %+v has corners %q %q:\n%s", what, a, r, tl, br, h.screen())
			}
		}
	}
	for _, sz := range [][2]int{{120, 40}, {80, 24}, {60, 16}, {100, 50}} {
		h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, f := range []string{"alt+1", "alt+2", "alt+3", "alt+4"} {
			h.press(f)
			check(sizeName(sz[0], sz[1]) + " " + f)
		}
	}
	h.press("?")
	check("help")
}

func TestMouseClicks(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	// A click on a method selects it; a second click opens its form.
	tr := h.rectOf(areaTree)
	want := -1
	for i, r := range h.m.tree.rows {
		if r.method != nil && r.method.Name() == "Count" {
			want = i
		}
	}
	y := tr.y + 1 + want - h.m.tree.offset
	h.press("alt+3")
	h.click(tr.x+4, y)
	if h.m.focus != focusTree || h.m.tree.cursor != want {
		t.Fatalf("click on Count: focus %d cursor %d, want tree and %d", h.m.focus, h.m.tree.cursor, want)
	}
	if h.m.hasForm {
		t.Fatal("the first click opened the form")
	}
	h.click(tr.x+4, y)
	if !h.m.hasForm || h.m.method.Name() != "Count" || h.m.focus != focusForm {
		t.Fatalf("the second click did not open Count's form:\n%s", h.screen())
	}

	// A click on a form row (from another pane) focuses the form there.
	h.press("alt+1")
	fr := h.rectOf(areaForm)
	h.click(fr.x+5, fr.y+1+2) // border, header line, then rows: count, interval
	if h.m.focus != focusForm || !strings.Contains(h.screen(), "interval · google.protobuf.Duration") {
		t.Fatalf("click on the interval row:\n%s", h.screen())
	}
	h.typeText("0.01s")
	h.press("enter", "up")
	h.typeText("40")
	h.press("enter", "ctrl+s")
	h.waitCallDone()

	// A click on a tab of the response shows it.
	rr := h.rectOf(areaResp)
	x := rr.x + 1
	for i := range tabTrailers {
		x += len(tabLabel(i)) + 2
	}
	h.press("alt+1")
	h.click(x+1, rr.y+1)
	if h.m.focus != focusResp || h.m.resp.tab != tabTrailers {
		t.Fatalf("click on Trailers: focus %d tab %d:\n%s", h.m.focus, h.m.resp.tab, h.screen())
	}
	// The Details pane takes the focus on a click.
	h.click(h.rectOf(areaInfo).x+3, h.rectOf(areaInfo).y+2)
	if h.m.focus != focusInfo {
		t.Fatalf("click on Details: focus %d", h.m.focus)
	}

	// In the history, a click selects the entry under the pointer.
	h.press("ctrl+s")
	h.waitFor("the second call to end", func() bool { return h.m.call.running() == false && len(h.m.hist.entries) == 2 }, 20*time.Second)
	h.press("ctrl+r")
	ov := h.rectOf(areaOverlay)
	h.click(ov.x+5, ov.y+1+1+1) // border, column titles, the second entry
	if h.m.hist.cursor != 1 {
		t.Fatalf("click on the second history entry: cursor %d:\n%s", h.m.hist.cursor, h.screen())
	}
}

func TestMouseWheel(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.typeText("60")
	h.press("enter", "ctrl+s")
	h.waitCallDone()
	// The wheel scrolls the pane under the pointer, without focusing it:
	// up over the response stops following the stream.
	h.press("alt+1")
	rr := h.rectOf(areaResp)
	before := h.m.resp.vp.YOffset()
	h.wheel(rr.x+10, rr.y+8, -1)
	if h.m.focus != focusTree {
		t.Fatalf("the wheel moved the focus to %d", h.m.focus)
	}
	if h.m.resp.follow || h.m.resp.vp.YOffset() != before-wheelLines {
		t.Fatalf("wheel up over the response: offset %d → %d, follow %v", before, h.m.resp.vp.YOffset(), h.m.resp.follow)
	}
	h.wheel(rr.x+10, rr.y+8, 1)
	if h.m.resp.vp.YOffset() != before {
		t.Fatalf("wheel down: offset %d, want %d", h.m.resp.vp.YOffset(), before)
	}
	// Over the tree it moves the cursor; over the form, the form's.
	cur := h.m.tree.cursor
	tr := h.rectOf(areaTree)
	h.wheel(tr.x+3, tr.y+3, -1) // the filter left the cursor on the last row
	if h.m.tree.cursor != cur-1 {
		t.Fatalf("wheel over the tree: cursor %d → %d", cur, h.m.tree.cursor)
	}
	fr := h.rectOf(areaForm)
	h.wheel(fr.x+3, fr.y+3, 1)
	if !strings.Contains(h.screen(), "interval · google.protobuf.Duration") {
		t.Fatalf("wheel over the form did not move to interval:\n%s", h.screen())
	}
	// Over an overlay: the help screen (longer than 24 lines) scrolls.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("?")
	ov := h.rectOf(areaOverlay)
	h.wheel(ov.x+3, ov.y+3, 1)
	if h.m.helpm.vp.YOffset() != wheelLines {
		t.Fatalf("wheel over help: offset %d", h.m.helpm.vp.YOffset())
	}
}

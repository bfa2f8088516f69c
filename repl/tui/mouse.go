package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The mouse (View sets tea.MouseModeCellMotion): the wheel scrolls the
// pane under the pointer, focused or not; a left click focuses the pane
// and picks what is under it: a method in the tree, a row of the form, a
// tab of the response, an entry of the history. One hit test, paneAt,
// from the same sizes the view lays the panes out with (layout,
// leftWidth, infoHeight, rightHeights); TestMouseAreasMatchTheView checks
// that each area's corner is a box corner on the screen.

// area is a place of the screen the mouse can act on.
type area int

const (
	areaNone area = iota
	areaTree
	areaInfo // the Details pane
	areaForm // the request box (the form, or the hint before one is open)
	areaResp // the response box, or the command output shown in its place
	areaOverlay
)

// rect is a box on the screen, in cells, its border included.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// paneRects are the boxes of the panes as panes() draws them.
func (m *appModel) paneRects() map[area]rect {
	mainH := m.mainHeight()
	if m.topOverlay() != ovNone {
		return map[area]rect{areaOverlay: {0, 0, m.w, mainH}}
	}
	lw := m.leftWidth()
	infoH := m.infoHeight(mainH)
	reqH, respH := m.rightHeights(mainH)
	out := map[area]rect{
		areaTree: {0, 0, lw, mainH - infoH},
		areaForm: {lw, 0, m.w - lw, reqH},
		areaResp: {lw, reqH, m.w - lw, respH},
	}
	if infoH > 0 {
		out[areaInfo] = rect{0, mainH - infoH, lw, infoH}
	}
	return out
}

// paneAt is the area under (x, y) and the position inside its box's
// border (0, 0 is the first cell of the content).
func (m *appModel) paneAt(x, y int) (area, int, int) {
	if m.w == 0 || m.h == 0 {
		return areaNone, 0, 0
	}
	for a, r := range m.paneRects() {
		if r.contains(x, y) {
			return a, x - r.x - 1, y - r.y - 1
		}
	}
	return areaNone, 0, 0
}

// wheelLines is how far one turn of the wheel scrolls a text pane; lists
// move their cursor one row.
const wheelLines = 3

func (m *appModel) onMouse(msg tea.MouseMsg) tea.Cmd {
	if m.saving || m.quitting {
		return nil
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return m.wheel(msg.X, msg.Y, -1)
		case tea.MouseWheelDown:
			return m.wheel(msg.X, msg.Y, 1)
		}
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft && !m.cmd.active {
			return m.click(msg.X, msg.Y)
		}
	}
	return nil
}

// wheel scrolls the pane under the pointer d steps (negative: up).
func (m *appModel) wheel(x, y, d int) tea.Cmd {
	a, _, _ := m.paneAt(x, y)
	switch a {
	case areaOverlay:
		n := wheelLines
		if o := m.topOverlay(); o == ovHistory || o == ovMetadata {
			n = 1
		}
		return m.wheelKeys(m.top(), d, n)
	case areaTree:
		m.tree.move(d)
	case areaInfo:
		scrollVP(&m.info.vp, d*wheelLines)
	case areaForm:
		if m.hasForm {
			m.form.Scroll(d)
		}
	case areaResp:
		if m.cmd.showOut {
			scrollVP(&m.cmd.vp, d*wheelLines)
			m.cmd.follow = m.cmd.vp.AtBottom()
			return nil
		}
		// The response pane's own ↑/↓, so that scrolling up stops
		// following a stream exactly as the keys do.
		return m.wheelKeys(&m.resp, d, wheelLines)
	}
	return nil
}

// wheelKeys gives c n presses of ↑ (d < 0) or ↓.
func (m *appModel) wheelKeys(c Component, d, n int) tea.Cmd {
	k := tea.KeyPressMsg{Code: tea.KeyDown}
	if d < 0 {
		k = tea.KeyPressMsg{Code: tea.KeyUp}
	}
	var cmds []tea.Cmd
	for range n {
		cmds = append(cmds, m.drive(c, k))
	}
	return tea.Batch(cmds...)
}

type scroller interface {
	ScrollUp(int)
	ScrollDown(int)
}

func scrollVP(vp scroller, n int) {
	if n < 0 {
		vp.ScrollUp(-n)
	} else {
		vp.ScrollDown(n)
	}
}

// click focuses the pane under (x, y) and picks what is there. Where the
// click lands is read before the focus moves: focus changes the sizes.
func (m *appModel) click(x, y int) tea.Cmd {
	a, lx, ly := m.paneAt(x, y)
	switch a {
	case areaOverlay:
		if m.topOverlay() == ovHistory {
			m.hist.clickLine(ly)
		}
	case areaTree:
		row, ok := m.tree.rowAt(ly)
		was := m.focus == focusTree && ok && row == m.tree.cursor
		cmd := m.setFocus(focusTree)
		if !ok {
			return cmd
		}
		m.tree.cursor = row
		m.tree.clamp()
		if was {
			// A click on the row already selected opens it, as enter does.
			return tea.Batch(cmd, m.drive(&m.tree, tea.KeyPressMsg{Code: tea.KeyEnter}))
		}
		return cmd
	case areaInfo:
		return m.setFocus(focusInfo)
	case areaForm:
		if !m.hasForm {
			return nil
		}
		m.form.ClickLine(ly)
		return m.setFocus(focusForm)
	case areaResp:
		if m.cmd.showOut {
			return nil
		}
		tab, onTab := tabAt(lx, ly)
		cmd := m.setFocus(focusResp)
		if onTab {
			m.resp.setTab(tab)
		}
		return cmd
	}
	return nil
}

// rowAt is the row drawn on line y of the tree's content.
func (t *treeModel) rowAt(y int) (int, bool) {
	if t.filtering || t.filter.Value() != "" {
		y-- // the filter's line
	}
	if y < 0 || y >= t.listHeight() {
		return 0, false
	}
	i := t.offset + y
	return i, i < len(t.rows)
}

// tabAt is the response tab drawn at x on the tab line (y 0 of the
// pane): each is its "N Name" in brackets or spaces.
func tabAt(x, y int) (respTab, bool) {
	if y != 0 || x < 0 {
		return 0, false
	}
	at := 0
	for i := range numTabs {
		w := ansi.StringWidth(tabLabel(i)) + 2
		if x < at+w {
			return i, true
		}
		at += w
	}
	return 0, false
}

// tabLabel is a tab's text as the response pane's tab bar draws it.
func tabLabel(t respTab) string { return fmt.Sprintf("%d %s", t+1, tabNames[t]) }

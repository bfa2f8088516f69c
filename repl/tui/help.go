package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpModel is the "?" screen: every binding, grouped by where it works,
// in as many columns as fit; it scrolls when the terminal is small, and
// "/" searches it.
type helpModel struct {
	ui   *uiCtx
	keys overlayKeys
	dv   docView
	w, h int
}

func newHelp() helpModel {
	// Lines wrap: the help is read whole, never scrolled sideways.
	return helpModel{dv: docView{wrap: true}}
}

func (h *helpModel) setSize(w, hh int) {
	h.w, h.h = w, hh
	h.dv.setSize(w, hh)
}

// render lays the sections out in columns and puts them in the viewport.
func (h *helpModel) render(sections []helpSection, st Styles) {
	const keyW = 14
	colW := 38
	cols := max(h.w/colW, 1)
	if cols == 1 {
		colW = h.w
	} else {
		colW = h.w / cols
	}
	var blocks [][]string
	for _, s := range sections {
		lines := []string{st.TitleFocus.Render(s.title)}
		for _, b := range s.keys {
			hk := b.Help()
			if hk.Key == "" && hk.Desc == "" {
				continue
			}
			lines = append(lines, fit(st.Help.FullKey.Render(hk.Key), keyW)+st.Help.FullDesc.Render(hk.Desc))
		}
		lines = append(lines, "")
		blocks = append(blocks, lines)
	}
	// Fill columns top to bottom, keeping sections whole, balancing height.
	total := 0
	for _, b := range blocks {
		total += len(b)
	}
	target := (total + cols - 1) / cols
	columns := make([][]string, cols)
	ci := 0
	for _, b := range blocks {
		if ci < cols-1 && len(columns[ci]) > 0 && len(columns[ci])+len(b) > target+2 {
			ci++
		}
		columns[ci] = append(columns[ci], b...)
	}
	rows := 0
	for _, c := range columns {
		rows = max(rows, len(c))
	}
	var out []string
	for r := range rows {
		var line strings.Builder
		for _, c := range columns {
			cell := ""
			if r < len(c) {
				cell = c[r]
			}
			line.WriteString(fit(cell, colW))
		}
		out = append(out, strings.TrimRight(line.String(), " "))
	}
	h.dv.setDoc(newStaticDoc(strings.Join(out, "\n")), true)
}

// shortHelp renders the help bar: the bindings of the focused place, cut
// to the width with an ellipsis.
func shortHelp(st Styles, bindings []key.Binding, w int) string {
	hm := help.New()
	hm.Styles = st.Help
	hm.SetWidth(w)
	s := hm.ShortHelpView(bindings)
	return fit(ansi.Truncate(s, w, "…"), w)
}

// Component: the "?" screen; its close key is an overlayClosedMsg sent to
// the app.

func (h *helpModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil
	}
	if ok, cmd := h.dv.searchKey(k, h.keys.Find); ok {
		return h, cmd
	}
	switch {
	case key.Matches(k, h.keys.CloseHelp):
		h.ui.send(overlayClosedMsg{})
	case key.Matches(k, h.keys.Up):
		h.dv.up(1)
	case key.Matches(k, h.keys.Down):
		h.dv.down(1)
	case key.Matches(k, h.keys.PageUp):
		h.dv.pageUp()
	case key.Matches(k, h.keys.PageDown):
		h.dv.pageDown()
	}
	return h, nil
}

func (h *helpModel) View() string      { return h.dv.view(h.ui.st) }
func (h *helpModel) SetSize(w, hh int) { h.setSize(w, hh) }
func (h *helpModel) KeyMap() help.KeyMap {
	return keyList{h.keys.Scroll, h.keys.Find.Search, h.keys.Find.Next, h.keys.CloseHelp}
}

package tui

import (
	"slices"

	tea "charm.land/bubbletea/v2"
)

// The overlay stack: the screens drawn over the panes, as Components.
// A new overlay is a Component plus one case in overlay and topOverlay.

// overlay is a screen drawn over the panes.
type overlay int

const (
	ovNone overlay = iota
	ovHelp
	ovHistory
	ovMetadata
	ovLearn // explain: the seed's workflow for the request in the form
	ovColl  // the collection's files and calls (collections.go)
	ovYank  // alt+y: the request as a grpcurl, grpcsh or ghz line
)

// top is the overlay drawn and given the keys, nil when none is.
func (m *appModel) top() Component {
	if len(m.overlays) == 0 {
		return nil
	}
	return m.overlays[len(m.overlays)-1]
}

// topOverlay names the overlay on top, ovNone when none is.
func (m *appModel) topOverlay() overlay {
	switch m.top() {
	case nil:
		return ovNone
	case Component(&m.helpm):
		return ovHelp
	case Component(&m.hist):
		return ovHistory
	case Component(&m.meta):
		return ovMetadata
	case Component(&m.learn):
		return ovLearn
	case Component(&m.coll):
		return ovColl
	case Component(&m.yank):
		return ovYank
	}
	return ovNone
}

// overlay is the Component that draws overlay o.
func (m *appModel) overlay(o overlay) Component {
	switch o {
	case ovHelp:
		return &m.helpm
	case ovHistory:
		return &m.hist
	case ovMetadata:
		return &m.meta
	case ovLearn:
		return &m.learn
	case ovColl:
		return &m.coll
	case ovYank:
		return &m.yank
	}
	return nil
}

// pushOverlay puts o on top (moving it there if it is open below).
func (m *appModel) pushOverlay(o overlay) {
	c := m.overlay(o)
	m.overlays = slices.DeleteFunc(m.overlays, func(x Component) bool { return x == c })
	m.overlays = append(m.overlays, c)
}

// popOverlay closes the overlay on top: the one below, if any, shows again.
func (m *appModel) popOverlay() {
	if n := len(m.overlays); n > 0 {
		m.overlays = m.overlays[:n-1]
	}
}

func (m *appModel) toggleOverlay(o overlay) tea.Cmd {
	if m.topOverlay() == o {
		m.popOverlay()
		return nil
	}
	m.pushOverlay(o)
	switch o {
	case ovMetadata:
		m.meta.load(m.s)
	case ovHistory:
		m.hist.target = m.s.Target()
		m.hist.cursor = 0
		m.hist.offset = 0
		m.hist.clamp()
	}
	return nil
}

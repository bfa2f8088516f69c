// Package theme is the one set of colors the TUI and its request form are
// styled from: each component builds its own lipgloss styles from it, so a
// color is changed here once for every pane.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette is the set of colors every style is made from, for a dark or a
// light terminal background.
type Palette struct {
	Accent, Muted, Dim, Text, Red, Green, Yellow, Blue, Magenta, Cyan, SelBG, BarBG color.Color
}

// NewPalette returns the colors for a dark (isDark) or light background.
func NewPalette(isDark bool) Palette {
	ld := lipgloss.LightDark(isDark)
	return Palette{
		Accent:  ld(lipgloss.Color("#5A3FD1"), lipgloss.Color("#9D8CFF")),
		Muted:   ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#A0A0A0")),
		Dim:     ld(lipgloss.Color("#9A9A9A"), lipgloss.Color("#6C6C6C")),
		Text:    ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E4E4E4")),
		Red:     ld(lipgloss.Color("#C8102E"), lipgloss.Color("#FF6B6B")),
		Green:   ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#7BD88F")),
		Yellow:  ld(lipgloss.Color("#9A6700"), lipgloss.Color("#F2CC60")),
		Blue:    ld(lipgloss.Color("#1D5FBF"), lipgloss.Color("#7FB4FF")),
		Magenta: ld(lipgloss.Color("#9B2C9B"), lipgloss.Color("#E08BE0")),
		Cyan:    ld(lipgloss.Color("#0E7C86"), lipgloss.Color("#6FD6E0")),
		SelBG:   ld(lipgloss.Color("#E6E1FA"), lipgloss.Color("#2E2A45")),
		BarBG:   ld(lipgloss.Color("#E8E8E8"), lipgloss.Color("#262626")),
	}
}

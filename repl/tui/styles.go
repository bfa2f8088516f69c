package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl/tui/theme"
)

// Styles holds every style the TUI (outside the request form, which has its
// own styles in package form) renders with. It is built for one color profile: with
// colorprofile.ASCII (NO_COLOR) or NoTTY only text attributes are used, and
// nothing relies on color alone: the focused pane has a heavy border and a
// "▸" marker, badges are words, status codes are names.
type Styles struct {
	Border, BorderFocus lipgloss.Style // pane borders
	Title, TitleFocus   lipgloss.Style // pane titles
	Selected            lipgloss.Style // the cursor row of a list
	Dim                 lipgloss.Style // secondary text
	Service             lipgloss.Style // a service row in the tree
	Method              lipgloss.Style // a method row in the tree
	Match               lipgloss.Style // the part of a name matching the filter
	Badge               map[dynamic.RPCKind]lipgloss.Style
	Tab, TabActive      lipgloss.Style
	OK, Err, Warn       lipgloss.Style
	Key, Value          lipgloss.Style // header keys and values
	Comment             lipgloss.Style // a method's comment
	Type                lipgloss.Style // message type names
	StatusBar           lipgloss.Style
	StatusTitle         lipgloss.Style // "grpcsh" in the status bar
	StatusKey           lipgloss.Style // "target", "conn"... labels in the status bar
	Prompt              lipgloss.Style // ":" and prompts
	Help                help.Styles

	colorJSON bool // colour JSON in the response viewer
	profile   colorprofile.Profile
}

// newStyles returns the styles for a color profile (Unknown means "full
// color; the program downsamples") and the terminal background.
func newStyles(profile colorprofile.Profile, isDark bool) Styles {
	plain := lipgloss.NewStyle()
	s := Styles{profile: profile}
	if profile == colorprofile.NoTTY || profile == colorprofile.ASCII {
		bold := plain.Bold(true)
		s.Border, s.BorderFocus = plain, bold
		s.Title, s.TitleFocus = plain, bold
		s.Selected = plain.Reverse(profile == colorprofile.ASCII)
		s.Dim, s.Service, s.Method, s.Match = plain, bold, plain, plain.Underline(profile == colorprofile.ASCII)
		s.Badge = map[dynamic.RPCKind]lipgloss.Style{}
		s.Tab, s.TabActive = plain, bold.Underline(profile == colorprofile.ASCII)
		s.OK, s.Err, s.Warn = plain, bold, bold
		s.Key, s.Value, s.Comment, s.Type = bold, plain, plain.Italic(profile == colorprofile.ASCII), plain
		s.StatusBar, s.StatusKey, s.Prompt, s.StatusTitle = plain, bold, bold, bold
		s.Help = help.Styles{Ellipsis: plain, ShortKey: bold, ShortDesc: plain, ShortSeparator: plain,
			FullKey: bold, FullDesc: plain, FullSeparator: plain}
		if profile == colorprofile.NoTTY {
			s = unstyled(s)
		}
		return s
	}
	p := theme.NewPalette(isDark)
	accent, muted, dim, text, red, green := p.Accent, p.Muted, p.Dim, p.Text, p.Red, p.Green
	yellow, blue, magenta, cyan, selBG, barBG := p.Yellow, p.Blue, p.Magenta, p.Cyan, p.SelBG, p.BarBG

	s.colorJSON = true
	s.Border = plain.Foreground(dim)
	s.BorderFocus = plain.Foreground(accent)
	s.Title = plain.Foreground(muted)
	s.TitleFocus = plain.Bold(true).Foreground(accent)
	s.Selected = plain.Background(selBG).Foreground(text).Bold(true)
	s.Dim = plain.Foreground(muted)
	s.Service = plain.Bold(true).Foreground(text)
	s.Method = plain.Foreground(text)
	s.Match = plain.Underline(true).Foreground(accent)
	s.Badge = map[dynamic.RPCKind]lipgloss.Style{
		dynamic.Unary:        plain.Foreground(muted),
		dynamic.ServerStream: plain.Foreground(blue),
		dynamic.ClientStream: plain.Foreground(magenta),
		dynamic.BidiStream:   plain.Foreground(cyan),
	}
	s.Tab = plain.Foreground(muted)
	s.TabActive = plain.Bold(true).Foreground(accent).Underline(true)
	s.OK = plain.Foreground(green)
	s.Err = plain.Bold(true).Foreground(red)
	s.Warn = plain.Foreground(yellow)
	s.Key = plain.Foreground(blue)
	s.Value = plain.Foreground(text)
	s.Comment = plain.Italic(true).Foreground(muted)
	s.Type = plain.Foreground(cyan)
	s.StatusBar = plain.Background(barBG).Foreground(text)
	s.StatusKey = plain.Background(barBG).Foreground(muted)
	s.StatusTitle = plain.Background(barBG).Foreground(accent).Bold(true)
	s.Prompt = plain.Bold(true).Foreground(accent)
	s.Help = help.DefaultStyles(isDark)
	return s
}

// unstyled drops every attribute, for output that is not a terminal.
func unstyled(s Styles) Styles {
	p := lipgloss.NewStyle()
	s.Border, s.BorderFocus, s.Title, s.TitleFocus, s.Selected, s.Dim = p, p, p, p, p, p
	s.Service, s.Method, s.Match, s.Tab, s.TabActive = p, p, p, p, p
	s.OK, s.Err, s.Warn, s.Key, s.Value, s.Comment, s.Type = p, p, p, p, p, p, p
	s.StatusBar, s.StatusKey, s.Prompt, s.StatusTitle = p, p, p, p
	s.Help = help.Styles{Ellipsis: p, ShortKey: p, ShortDesc: p, ShortSeparator: p, FullKey: p, FullDesc: p, FullSeparator: p}
	return s
}

// badge is a method kind's style (plain when unknown).
func (s Styles) badge(kind dynamic.RPCKind) lipgloss.Style {
	if st, ok := s.Badge[kind]; ok {
		return st
	}
	return lipgloss.NewStyle()
}

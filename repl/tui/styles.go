package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/grpcsh/grpcsh/dynamic"
)

// palette is the one set of colors every style is made from, for a dark
// or a light terminal background.
type palette struct {
	accent, muted, dim, text, red, green, yellow, blue, magenta, cyan, selBG, barBG color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		accent:  ld(lipgloss.Color("#5A3FD1"), lipgloss.Color("#9D8CFF")),
		muted:   ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#A0A0A0")),
		dim:     ld(lipgloss.Color("#9A9A9A"), lipgloss.Color("#6C6C6C")),
		text:    ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E4E4E4")),
		red:     ld(lipgloss.Color("#C8102E"), lipgloss.Color("#FF6B6B")),
		green:   ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#7BD88F")),
		yellow:  ld(lipgloss.Color("#9A6700"), lipgloss.Color("#F2CC60")),
		blue:    ld(lipgloss.Color("#1D5FBF"), lipgloss.Color("#7FB4FF")),
		magenta: ld(lipgloss.Color("#9B2C9B"), lipgloss.Color("#E08BE0")),
		cyan:    ld(lipgloss.Color("#0E7C86"), lipgloss.Color("#6FD6E0")),
		selBG:   ld(lipgloss.Color("#E6E1FA"), lipgloss.Color("#2E2A45")),
		barBG:   ld(lipgloss.Color("#E8E8E8"), lipgloss.Color("#262626")),
	}
}

// Styles holds every style the TUI (outside the request form, which has its
// own formStyles) renders with. It is built for one color profile: with
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
	p := newPalette(isDark)
	accent, muted, dim, text, red, green := p.accent, p.muted, p.dim, p.text, p.red, p.green
	yellow, blue, magenta, cyan, selBG, barBG := p.yellow, p.blue, p.magenta, p.cyan, p.selBG, p.barBG

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

// formStyles holds every style the request form renders with. It is built
// for one color profile: with colorprofile.ASCII (NO_COLOR) it only uses text
// attributes, with colorprofile.NoTTY nothing at all; the form never relies on
// color alone (the cursor row has a "›" marker, invalid rows a "✗").
type formStyles struct {
	Title      lipgloss.Style // the message name in the header
	Mode       lipgloss.Style // "form" / "json" in the header
	Valid      lipgloss.Style // "✓ valid"
	Invalid    lipgloss.Style // "✗ 2 invalid"
	Cursor     lipgloss.Style // the "›" marker of the cursor row
	Marker     lipgloss.Style // ▸ ▾ • tree markers
	Name       lipgloss.Style // field name
	NameSet    lipgloss.Style // field name of a field that has a value
	Type       lipgloss.Style // field type
	Number     lipgloss.Style // field number
	Value      lipgloss.Style // a value
	Enum       lipgloss.Style // an enum value name
	Oneof      lipgloss.Style // oneof group header
	Summary    lipgloss.Style // "{3 set}", "[2 items]"
	Default    lipgloss.Style // the default value shown as placeholder
	Unset      lipgloss.Style // "unset"
	Error      lipgloss.Style // the reason of an invalid value
	Footer     lipgloss.Style // the footer line (path and help text)
	Candidate  lipgloss.Style // an enum value / type in a picker list
	CandidateS lipgloss.Style // the selected one
	Status     lipgloss.Style // transient status message

	// SelectedBG is applied to every segment of the cursor row when the
	// profile has colors (nil otherwise).
	SelectedBG color.Color
	// accent is the color of the text input cursor.
	accent color.Color

	profile colorprofile.Profile
	isDark  bool
}

// newFormStyles returns the styles for a color profile (Unknown means "full
// color; the program downsamples") and the terminal background.
func newFormStyles(profile colorprofile.Profile, isDark bool) formStyles {
	s := formStyles{profile: profile, isDark: isDark}
	plain := lipgloss.NewStyle()
	switch profile {
	case colorprofile.NoTTY:
		for _, st := range []*lipgloss.Style{&s.Title, &s.Mode, &s.Valid, &s.Invalid, &s.Cursor, &s.Marker,
			&s.Name, &s.NameSet, &s.Type, &s.Number, &s.Value, &s.Enum, &s.Oneof, &s.Summary, &s.Default,
			&s.Unset, &s.Error, &s.Footer, &s.Candidate, &s.CandidateS, &s.Status} {
			*st = plain
		}
		return s
	case colorprofile.ASCII:
		s.Title = plain.Bold(true)
		s.Mode = plain
		s.Valid = plain
		s.Invalid = plain.Bold(true)
		s.Cursor = plain.Bold(true)
		s.Marker = plain
		s.Name = plain
		s.NameSet = plain.Bold(true)
		s.Type = plain
		s.Number = plain
		s.Value = plain
		s.Enum = plain
		s.Oneof = plain.Italic(true)
		s.Summary = plain
		s.Default = plain.Faint(true)
		s.Unset = plain.Faint(true)
		s.Error = plain.Bold(true)
		s.Footer = plain
		s.Candidate = plain
		s.CandidateS = plain.Reverse(true)
		s.Status = plain.Bold(true)
		return s
	}
	p := newPalette(isDark)
	accent, dim, muted, text, red, green, blue, magenta := p.accent, p.dim, p.muted, p.text, p.red, p.green, p.blue, p.magenta
	s.accent = accent
	s.SelectedBG = p.selBG
	s.Title = plain.Bold(true).Foreground(accent)
	s.Mode = plain.Foreground(muted)
	s.Valid = plain.Foreground(green)
	s.Invalid = plain.Bold(true).Foreground(red)
	s.Cursor = plain.Bold(true).Foreground(accent)
	s.Marker = plain.Foreground(muted)
	s.Name = plain.Foreground(text)
	s.NameSet = plain.Bold(true).Foreground(text)
	s.Type = plain.Foreground(muted)
	s.Number = plain.Foreground(dim)
	s.Value = plain.Foreground(green)
	s.Enum = plain.Foreground(blue)
	s.Oneof = plain.Italic(true).Foreground(magenta)
	s.Summary = plain.Foreground(muted)
	s.Default = plain.Foreground(dim)
	s.Unset = plain.Italic(true).Foreground(dim)
	s.Error = plain.Foreground(red)
	s.Footer = plain.Foreground(muted)
	s.Candidate = plain.Foreground(text)
	s.CandidateS = plain.Bold(true).Foreground(accent)
	s.Status = plain.Foreground(accent)
	return s
}

// colored reports whether the styles use colors.
func (s formStyles) colored() bool {
	return s.profile != colorprofile.NoTTY && s.profile != colorprofile.ASCII
}

// textInputStyles styles the single-line input of the field being edited.
func (s formStyles) textInputStyles() textinput.Styles {
	st := textinput.DefaultStyles(s.isDark)
	st.Focused.Text = s.Value.UnsetForeground()
	st.Focused.Placeholder = s.Default
	st.Blurred.Placeholder = s.Default
	st.Focused.Prompt = lipgloss.NewStyle()
	st.Blurred.Prompt = lipgloss.NewStyle()
	st.Cursor = textinput.CursorStyle{Color: s.accent, Shape: tea.CursorBlock, Blink: false}
	if !s.colored() {
		st.Focused.Text = lipgloss.NewStyle()
		st.Blurred.Text = lipgloss.NewStyle()
		st.Focused.Suggestion = lipgloss.NewStyle()
		st.Blurred.Suggestion = lipgloss.NewStyle()
	}
	return st
}

// textAreaStyles styles the JSON editor.
func (s formStyles) textAreaStyles() textarea.Styles {
	st := textarea.DefaultStyles(s.isDark)
	st.Cursor = textarea.CursorStyle{Color: s.accent, Shape: tea.CursorBlock, Blink: false}
	if !s.colored() {
		for _, ss := range []*textarea.StyleState{&st.Focused, &st.Blurred} {
			ss.CursorLine = lipgloss.NewStyle()
			ss.CursorLineNumber = lipgloss.NewStyle()
			ss.EndOfBuffer = lipgloss.NewStyle()
			ss.LineNumber = lipgloss.NewStyle()
			ss.Placeholder = s.Default
			ss.Prompt = lipgloss.NewStyle()
			ss.Text = lipgloss.NewStyle()
			ss.Selection = lipgloss.NewStyle().Reverse(s.profile != colorprofile.NoTTY)
		}
	}
	return st
}

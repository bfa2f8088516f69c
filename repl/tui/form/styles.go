package form

import (
	"image/color"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/grpcsh/grpcsh/repl/tui/theme"
)

// styles holds every style the request form renders with. It is built
// for one color profile: with colorprofile.ASCII (NO_COLOR) it only uses text
// attributes, with colorprofile.NoTTY nothing at all; the form never relies on
// color alone (the cursor row has a "›" marker, invalid rows a "✗").
type styles struct {
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

// newStyles returns the styles for a color profile (Unknown means "full
// color; the program downsamples") and the terminal background.
func newStyles(profile colorprofile.Profile, isDark bool) styles {
	s := styles{profile: profile, isDark: isDark}
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
	p := theme.NewPalette(isDark)
	accent, dim, muted, text, red, green, blue, magenta := p.Accent, p.Dim, p.Muted, p.Text, p.Red, p.Green, p.Blue, p.Magenta
	s.accent = accent
	s.SelectedBG = p.SelBG
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
func (s styles) colored() bool {
	return s.profile != colorprofile.NoTTY && s.profile != colorprofile.ASCII
}

// textInputStyles styles the single-line input of the field being edited.
func (s styles) textInputStyles() textinput.Styles {
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
func (s styles) textAreaStyles() textarea.Styles {
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

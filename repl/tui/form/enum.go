package form

import (
	"strconv"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// enumWidget edits an enum: typed by name (the value names are the picker's
// choices) or number; ← and → cycle through the values.
type enumWidget struct{ textBase }

func (enumWidget) name() string { return "enum" }

func (enumWidget) matches(t valueType) bool { return t.scalar == protoreflect.EnumKind }

func (enumWidget) parse(t valueType, text string, ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	return parseScalar(t, text, ctx, doIO)
}

// commit writes the declared name of what was typed ("red" → "RED").
func (enumWidget) commit(v *valueNode) {
	if v.err == "" && v.text != "" {
		v.text = enumCanonical(v.t.enum, v.text)
	}
}

func (enumWidget) placeholder(t valueType) string {
	if t.enum == nil {
		return "0"
	}
	num := t.enum.Values().Get(0).Number()
	if t.hasDef {
		num = t.def.Enum()
	}
	if ev := t.enum.Values().ByNumber(num); ev != nil {
		return string(ev.Name())
	}
	return strconv.Itoa(int(num))
}

func (enumWidget) hint(valueType) string { return "←/→ cycle · enter: pick by name" }

func (enumWidget) choices(t valueType) []string {
	var all []string
	vals := t.enum.Values()
	for i := 0; i < vals.Len(); i++ {
		all = append(all, string(vals.Get(i).Name()))
	}
	return all
}

func (w enumWidget) display(s styles, r row, selected bool) (string, lipgloss.Style) {
	text, st := w.textBase.display(s, r, selected)
	if selected && r.val.err == "" {
		text = "‹ " + text + " ›"
	}
	if r.val.text != "" && r.val.err == "" {
		st = s.Enum
	}
	return text, st
}

func (enumWidget) cycle(m *Model, r row, delta int) bool {
	v := r.val
	vals := v.t.enum.Values()
	if vals.Len() == 0 {
		return true
	}
	i := 0
	if n, err := dynamic.ParseEnum(v.t.enum, strings.TrimSpace(v.text)); err == nil && strings.TrimSpace(v.text) != "" {
		if ev := vals.ByNumber(n); ev != nil {
			i = ev.Index()
		}
	} else if v.t.hasDef {
		if ev := vals.ByNumber(v.t.def.Enum()); ev != nil {
			i = ev.Index()
		}
	}
	if r.unset() || v.err != "" {
		delta = 0 // first show the current (default) value
	}
	i = (i + delta + vals.Len()) % vals.Len()
	v.setText(string(vals.Get(i).Name()), m.ctx)
	m.markSet(r)
	return true
}

func (enumWidget) keyBinds(k keyMap) []key.Binding {
	return []key.Binding{k.Activate, k.Expand, k.Collapse, k.Clear}
}

// startsValue: a letter, digit, _ or - begins a value name or number (and
// filters the picker).
func (enumWidget) startsValue(_ valueType, r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-'
}

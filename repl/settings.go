package repl

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grpcsh/grpcsh/dynamic"
)

// setting is one setting of set and unset, declared once: its names, how
// its value is read, shown and stored.
type setting struct {
	Name    string
	Aliases []string // also taken, after lower-casing and _ → -
	Value   string   // what set takes, in help: "DUR", "json|text", "on|off"
	Help    string
	// parse checks a value as typed and returns it in its canonical form
	// ("2s", "off", "text", "on"), which is what set's command carries.
	parse func(v string) (string, error)
	// show is the value as set prints it; put stores a canonical value;
	// reset puts back the value the session started with.
	show  func(st Settings) string
	put   func(st *Settings, v string)
	reset func(st *Settings, initial Settings)
}

// settings are the settings, in the order set lists them.
var settings = []setting{
	{
		Name: "deadline", Aliases: []string{"timeout", "max-time"}, Value: "DUR",
		Help: "per-call deadline: 500ms, 2s, 1m; off for none",
		parse: func(v string) (string, error) {
			d, err := dynamic.ParseTimeout(strings.ToLower(v))
			if err != nil {
				return "", err
			}
			return showDeadline(d), nil
		},
		show:  func(st Settings) string { return showDeadline(st.Deadline) },
		put:   func(st *Settings, v string) { st.Deadline, _ = dynamic.ParseTimeout(v) },
		reset: func(st *Settings, initial Settings) { st.Deadline = initial.Deadline },
	},
	{
		Name: "format", Value: "json|text", Help: "how responses are printed",
		parse: func(v string) (string, error) {
			if lv := strings.ToLower(v); lv == "json" || lv == "text" {
				return lv, nil
			}
			return "", fmt.Errorf("expected json or text, found %q", v)
		},
		show:  func(st Settings) string { return st.Format },
		put:   func(st *Settings, v string) { st.Format = v },
		reset: func(st *Settings, initial Settings) { st.Format = initial.Format },
	},
	onOffSetting("emit-defaults", []string{"emitdefaults"}, "print fields that have their zero value",
		func(st *Settings) *bool { return &st.EmitDefaults }),
	onOffSetting("proto-names", []string{"protonames"}, "field names as in the .proto, not lowerCamelCase",
		func(st *Settings) *bool { return &st.ProtoNames }),
	onOffSetting("verbose", []string{"v"}, "print response headers, trailers and timing to stderr",
		func(st *Settings) *bool { return &st.Verbose }),
}

func showDeadline(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return d.String()
}

// onOffSetting is a setting that is on or off; field is where it is kept.
func onOffSetting(name string, aliases []string, help string, field func(st *Settings) *bool) setting {
	return setting{
		Name: name, Aliases: aliases, Value: "on|off", Help: help,
		parse: func(v string) (string, error) {
			on, ok := parseOnOff(v)
			if !ok {
				return "", fmt.Errorf("expected on or off, found %q", v)
			}
			return map[bool]string{true: "on", false: "off"}[on], nil
		},
		show: func(st Settings) string {
			return map[bool]string{true: "on", false: "off"}[*field(&st)]
		},
		put:   func(st *Settings, v string) { *field(st) = v == "on" },
		reset: func(st *Settings, initial Settings) { *field(st) = *field(&initial) },
	}
}

// settingNames are the names set and unset take, in order.
func settingNames() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.Name
	}
	return names
}

// findSetting finds a setting by any of its names; nil when none has it.
func findSetting(name string) *setting {
	name = strings.ReplaceAll(strings.ToLower(name), "_", "-")
	for i, s := range settings {
		if s.Name == name || slices.Contains(s.Aliases, name) {
			return &settings[i]
		}
	}
	return nil
}

// settingsHelp lists the settings for help set.
func settingsHelp() string {
	var b strings.Builder
	for _, s := range settings {
		fmt.Fprintf(&b, "  %-25s %s\n", "set "+s.Name+" "+s.Value, s.Help)
	}
	fmt.Fprintf(&b, "  %-25s %s", "set NAME", "show one setting")
	return b.String()
}

// checkSetting checks the name and value of set and unset, and writes them
// in their canonical form: "emit-defaults", "on", "2s".
func (p *Parser) checkSetting(cmd *Command) error {
	if len(cmd.Args) == 0 {
		return nil
	}
	nameW := &cmd.Args[0]
	s := findSetting(nameW.Text)
	if s == nil {
		names := settingNames()
		return p.errorf(nameW.Pos, "%s: unknown setting %q%s (settings: %s)", cmd.Name, nameW.Text,
			didYouMean(nameW.Text, names), strings.Join(names, ", "))
	}
	nameW.Text = s.Name
	if len(cmd.Args) < 2 {
		return nil
	}
	valW := &cmd.Args[1]
	v, err := s.parse(valW.Text)
	if err != nil {
		return p.errorf(valW.Pos, "set %s: %v", s.Name, err)
	}
	valW.Text = v
	return nil
}

// applySetting sets one setting from its canonical value (checked by the
// parser); "" puts it back to initial, what the session started with.
func applySetting(st *Settings, initial Settings, name, value string) {
	if s := findSetting(name); s != nil {
		if value == "" {
			s.reset(st, initial)
		} else {
			s.put(st, value)
		}
	}
	if st.Format == "" {
		st.Format = "json"
	}
}

// ParseDeadline reads a deadline as set takes it; it is
// dynamic.ParseTimeout, the one duration parser, kept under this name for
// the TUI's callers.
func ParseDeadline(s string) (time.Duration, error) { return dynamic.ParseTimeout(s) }

func parseOnOff(s string) (on, ok bool) {
	switch strings.ToLower(s) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0":
		return false, true
	}
	return false, false
}

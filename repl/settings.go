package repl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkSetting checks the name and value of set and unset, and writes them
// in their canonical form: "emit-defaults", "on", "2s".
func (p *Parser) checkSetting(cmd *Command) error {
	if len(cmd.Args) == 0 {
		return nil
	}
	nameW := &cmd.Args[0]
	name := strings.ReplaceAll(strings.ToLower(nameW.Text), "_", "-")
	switch name {
	case "timeout", "max-time":
		name = "deadline"
	case "emitdefaults":
		name = "emit-defaults"
	case "protonames":
		name = "proto-names"
	case "v":
		name = "verbose"
	}
	if !slices.Contains(settingNames, name) {
		return p.errorf(nameW.Pos, "%s: unknown setting %q%s (settings: %s)", cmd.Name, nameW.Text,
			didYouMean(nameW.Text, settingNames), strings.Join(settingNames, ", "))
	}
	nameW.Text = name
	if len(cmd.Args) < 2 {
		return nil
	}
	valW := &cmd.Args[1]
	v := strings.ToLower(valW.Text)
	switch name {
	case "deadline":
		d, err := ParseDeadline(v)
		if err != nil {
			return p.errorf(valW.Pos, "set deadline: %v", err)
		}
		if d == 0 {
			valW.Text = "off"
		} else {
			valW.Text = d.String()
		}
	case "format":
		if v != "json" && v != "text" {
			return p.errorf(valW.Pos, "set format: expected json or text, found %q", valW.Text)
		}
		valW.Text = v
	default:
		on, ok := parseOnOff(v)
		if !ok {
			return p.errorf(valW.Pos, "set %s: expected on or off, found %q", name, valW.Text)
		}
		valW.Text = map[bool]string{true: "on", false: "off"}[on]
	}
	return nil
}

// ParseDeadline reads a deadline as set takes it: a Go duration (500ms,
// 2s, 1m30s), a number of seconds (grpcurl's -max-time: 2.5), or off, none
// or 0 for no deadline.
func ParseDeadline(s string) (time.Duration, error) {
	switch strings.ToLower(s) {
	case "off", "none", "0", "":
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return 0, fmt.Errorf("invalid duration %q (write e.g. 500ms, 2s, 1m, or off)", s)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < 0 {
		return 0, fmt.Errorf("invalid duration %q: it cannot be negative", s)
	}
	return d, nil
}

func parseOnOff(s string) (on, ok bool) {
	switch strings.ToLower(s) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0":
		return false, true
	}
	return false, false
}

package dynamic

import (
	"strings"
	"testing"
)

// TestParseHeaderErrorHidesSecret: a secret header typed without its
// colon is refused without quoting its value; others are quoted as typed.
func TestParseHeaderErrorHidesSecret(t *testing.T) {
	for _, s := range []string{"authorization Bearer sekrit99", "x-api-key sekrit99", "  Cookie sid=sekrit99"} {
		_, _, err := ParseHeader(s)
		if err == nil || strings.Contains(err.Error(), "sekrit99") || !strings.Contains(err.Error(), "has no colon") {
			t.Errorf("ParseHeader(%q): %v", s, err)
		}
	}
	if _, _, err := ParseHeader("nocolon"); err == nil || !strings.Contains(err.Error(), `"nocolon" has no colon`) {
		t.Errorf("ParseHeader(nocolon): %v", err)
	}
	for s, want := range map[string]string{
		"authorization: Bearer x": "authorization: (value hidden)",
		"x-team: blue":            "x-team: blue",
		"authorization Bearer x":  "authorization: (value hidden)",
	} {
		if got := ShownHeader(s); got != want {
			t.Errorf("ShownHeader(%q) = %q, want %q", s, got, want)
		}
	}
}

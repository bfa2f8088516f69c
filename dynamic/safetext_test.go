package dynamic

import "testing"

func TestSafeTextEscapesEverythingATerminalActsOn(t *testing.T) {
	for _, tc := range []struct{ in, text, line string }{
		{"plain ascii", "plain ascii", "plain ascii"},
		{"héllo 世界", "héllo 世界", "héllo 世界"},
		{"a\nb\tc", "a\nb\tc", `a\nb\tc`},
		{"osc52 \x1b]52;c;aGk=\x07", `osc52 \x1b]52;c;aGk=\x07`, `osc52 \x1b]52;c;aGk=\x07`},
		{"title \x1b]0;pwned\x1b\\", `title \x1b]0;pwned\x1b\`, `title \x1b]0;pwned\x1b\`},
		{"csi \u009b2J", `csi \u009b2J`, `csi \u009b2J`},
		{"cr\rdel\x7f", `cr\rdel\x7f`, `cr\rdel\x7f`},
		{"bad \xff utf8", `bad \xff utf8`, `bad \xff utf8`},
		{"bidi \u202eevil", `bidi \u202eevil`, `bidi \u202eevil`},
	} {
		if got := SafeText(tc.in); got != tc.text {
			t.Errorf("SafeText(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := SafeLine(tc.in); got != tc.line {
			t.Errorf("SafeLine(%q) = %q, want %q", tc.in, got, tc.line)
		}
	}
}

func TestSafeJSONEscapesWhatJSONEncodersLeaveRaw(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":"plain"}`:                        `{"a":"plain"}`,
		"{\n  \"a\": \"\u009b2J\"\n}":          "{\n  \"a\": \"\\u009b2J\"\n}",
		"{\"k\u0085\":\"del\x7f bidi\u202e\"}": `{"k\u0085":"del\u007f bidi\u202e"}`,
		"{\"a\":\"\xff\"}":                     `{"a":"\ufffd"}`,
	} {
		if got := SafeJSON(in); got != want {
			t.Errorf("SafeJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

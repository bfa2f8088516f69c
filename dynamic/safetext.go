package dynamic

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Server-supplied text (service, method and message names, proto comments,
// status messages, detail type URLs and fields, metadata) is untrusted: a
// server can put escape sequences in it that set the window title, write the
// clipboard (OSC 52) or clear the screen, and a pipe often ends in `less -R`,
// which honours them. Every human-readable output of such text goes through
// SafeText or SafeLine, terminal or not, and the TUI uses the same functions,
// so there is one rule: control characters are shown visibly, escaped the way
// Go spells them (\x1b, \u009b), never sent.

// SafeText escapes the control characters of s (C0 except newline and tab,
// DEL, the C1 range U+0080–U+009F, and bidi overrides that reorder what a
// terminal shows) and invalid UTF-8, keeping newlines and tabs for multi-line
// text such as proto comments.
func SafeText(s string) string { return safeText(s, true) }

// SafeLine is SafeText for text shown on one line (a status message, a
// header value, a name): newlines, carriage returns and tabs are escaped too.
func SafeLine(s string) string { return safeText(s, false) }

func safeText(s string, keepLines bool) string {
	if isSafe(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isSafe(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				if !keepLines || (c != '\n' && c != '\t') {
					return false
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafeRune reports the non-ASCII runes a terminal acts on or that change
// what the reader sees: C1 controls (U+009B is a one-byte CSI in many
// terminals) and the bidi embedding, override and isolate controls.
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f ||
		r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069
}

// SafeJSON escapes, inside JSON text, what SafeText escapes and JSON
// encoders leave raw: C1 controls (protojson writes U+009B as is), DEL and
// the bidi controls become \uXXXX, which decodes to the same string; a
// stray C0 control (invalid in JSON anyway) is escaped too, and invalid
// UTF-8 becomes \ufffd. Newlines and tabs, the whitespace of indented
// JSON, are kept. Such runes occur only inside strings, so escaping them
// keeps the JSON valid and equal.
func SafeJSON(s string) string {
	if isSafe(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

package repl

import (
	"encoding/base64"
	"strings"
)

// ANSI colours for JSON on a terminal; NO_COLOR turns them off upstream.
const (
	colorKey    = "\x1b[34;1m"
	colorString = "\x1b[32m"
	colorNumber = "\x1b[36m"
	colorLit    = "\x1b[35m"
	colorReset  = "\x1b[0m"
)

// ColorJSON colours keys, strings, numbers and literals of an indented JSON
// text without reparsing it (it is protojson's own valid output).
func ColorJSON(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j++
			if j > len(s) {
				j = len(s)
			}
			k := j
			for k < len(s) && s[k] == ' ' {
				k++
			}
			color := colorString
			if k < len(s) && s[k] == ':' {
				color = colorKey
			}
			b.WriteString(color + s[i:j] + colorReset)
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && strings.IndexByte("0123456789.eE+-", s[j]) >= 0 {
				j++
			}
			b.WriteString(colorNumber + s[i:j] + colorReset)
			i = j
		case strings.HasPrefix(s[i:], "true") || strings.HasPrefix(s[i:], "null"):
			b.WriteString(colorLit + s[i:i+4] + colorReset)
			i += 4
		case strings.HasPrefix(s[i:], "false"):
			b.WriteString(colorLit + s[i:i+5] + colorReset)
			i += 5
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func base64Of(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

package tui

import (
	"regexp"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

// echoHeader is a "name: value" in a command line: after a quote (-H
// 'authorization: …' of a pasted grpcurl line) or a word (header
// authorization: …).
var echoHeader = regexp.MustCompile(`(["']?)([A-Za-z0-9_.-]+)[ \t]*:[ \t]*`)

// shownCommand is a ":" line as the output pane echoes it: a -proxy
// password and the values of secret headers masked, as the headers dialog
// masks them (the line itself stays in the bar's history, unchanged).
func shownCommand(line string) string {
	line = dynamic.RedactURLPasswords(line)
	var b strings.Builder
	rest := line
	for {
		loc := echoHeader.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		quote, name := rest[loc[2]:loc[3]], rest[loc[4]:loc[5]]
		if !dynamic.IsSecretKey(name) {
			b.WriteString(rest[:loc[1]])
			rest = rest[loc[1]:]
			continue
		}
		b.WriteString(rest[:loc[1]])
		rest = rest[loc[1]:]
		end := len(rest) // a header command's value runs to the end
		if quote != "" {
			if i := strings.Index(rest, quote); i >= 0 {
				end = i
			}
		}
		if end > 0 {
			b.WriteString(maskSecret(rest[:end]))
		}
		rest = rest[end:]
	}
	b.WriteString(rest)
	return b.String()
}

package tui

import "strings"

// docText is a document's whole text, plain.
func docText(d document) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	for i := range d.Len() {
		b.WriteString(d.Line(i).text)
		b.WriteByte('\n')
	}
	return b.String()
}

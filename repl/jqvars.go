package repl

import (
	"encoding/json"
	"strings"
)

// restJQ is rest for the jq text of let and expect: what is left of the
// line, and the same text with ${VAR} expanded (the lexer's expandVar, so
// let bindings, the environment file and defaults work as in any other
// word). Inside a jq string literal the value is inserted escaped, so that
// a quote or backslash in it stays text; outside strings as it is (a
// number, an object), the rule JSON bodies follow. $${ is a literal ${.
// The raw text is what messages show: a secret from the environment must
// not reach a FAIL line.
func (p *Parser) restJQ() (raw, expanded string, pos Pos, err error) {
	p.skipBlanks()
	pos = p.pos()
	start := p.off
	var b strings.Builder
	inStr := false
	var interp []int // open \( ... ) interpolations: the parens open in each
	for !p.atEnd() {
		c := p.text[p.off]
		switch {
		case c == '$' && p.peekAt(1) == '$' && p.peekAt(2) == '{':
			b.WriteString("${")
			p.advance()
			p.advance()
			p.advance()
			continue
		case c == '$' && p.peekAt(1) == '{':
			v, err := p.expandVar()
			if err != nil {
				return "", "", pos, err
			}
			if inStr {
				q, _ := json.Marshal(v)
				v = string(q[1 : len(q)-1])
			}
			b.WriteString(v)
			continue
		case inStr && c == '\\' && p.peekAt(1) == '(':
			interp = append(interp, 0)
			inStr = false
			b.WriteString(`\(`)
			p.advance()
			p.advance()
			continue
		case inStr && c == '\\' && p.off+1 < len(p.text):
			b.WriteString(p.text[p.off : p.off+2])
			p.advance()
			p.advance()
			continue
		case c == '"':
			inStr = !inStr
		case !inStr && c == '(' && len(interp) > 0:
			interp[len(interp)-1]++
		case !inStr && c == ')' && len(interp) > 0:
			if interp[len(interp)-1] == 0 {
				interp = interp[:len(interp)-1]
				inStr = true
			} else {
				interp[len(interp)-1]--
			}
		case !inStr && c == '#':
			// A jq comment: nothing in it is expanded.
			b.WriteString(p.text[p.off:])
			raw = strings.TrimRight(p.text[start:], " \t")
			p.skipLine()
			return raw, strings.TrimRight(b.String(), " \t"), pos, nil
		}
		b.WriteByte(c)
		p.advance()
	}
	return strings.TrimRight(p.text[start:], " \t"), strings.TrimRight(b.String(), " \t"), pos, nil
}

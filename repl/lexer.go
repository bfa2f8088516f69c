package repl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// The lexer of the command language: lines, words (quotes, escapes) and
// ${VAR}. It moves the Parser's cursor; what the words mean is the
// parser's (parser.go) and each command's (cmd_NAME.go).

// readLine moves to the next line; false at the end of the input.
func (p *Parser) readLine() bool {
	if p.eof || p.err != nil {
		return false
	}
	s, err := p.r.ReadString('\n')
	if err != nil {
		if !errors.Is(err, io.EOF) {
			p.err = err
			return false
		}
		p.eof = true
		if s == "" {
			return false
		}
	}
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	if p.line == 0 {
		s = strings.TrimPrefix(s, "\ufeff")
	}
	p.text, p.off, p.col = s, 0, 1
	p.line++
	return true
}

func (p *Parser) pos() Pos    { return Pos{p.line, p.col} }
func (p *Parser) atEnd() bool { return p.off >= len(p.text) }
func (p *Parser) peekAt(i int) byte {
	if p.off+i < len(p.text) {
		return p.text[p.off+i]
	}
	return 0
}

func (p *Parser) advance() {
	p.off++
	if p.off >= len(p.text) || p.text[p.off]&0xC0 != 0x80 {
		p.col++
	}
}

func (p *Parser) skipBlanks() {
	for !p.atEnd() && (p.text[p.off] == ' ' || p.text[p.off] == '\t') {
		p.advance()
	}
}

// skipLine ends the current line, after an error in it.
func (p *Parser) skipLine() {
	for !p.atEnd() {
		p.advance()
	}
}

func (p *Parser) errorf(pos Pos, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// word reads the next word of the line; false at the end of the line or at
// a comment.
func (p *Parser) word() (Word, bool, error) {
	p.skipBlanks()
	if p.atEnd() || p.text[p.off] == '#' {
		return Word{}, false, nil
	}
	w := Word{Pos: p.pos()}
	// Most words are plain (no quote, escape or ${}): such a word is a
	// slice of the line. Building every word a byte at a time was four of
	// a script call line's twelve allocations (BenchmarkParseCallLine).
	start := p.off
	for !p.atEnd() {
		c := p.text[p.off]
		if c == ' ' || c == '\t' {
			break
		}
		if c == '\'' || c == '"' || c == '\\' || c == '$' {
			break
		}
		p.advance()
	}
	if p.atEnd() || p.text[p.off] == ' ' || p.text[p.off] == '\t' {
		w.Text = p.text[start:p.off]
		return w, true, nil
	}
	var b strings.Builder
	b.WriteString(p.text[start:p.off])
	for !p.atEnd() {
		c := p.text[p.off]
		switch {
		case c == ' ' || c == '\t':
			w.Text = b.String()
			return w, true, nil
		case c == '\'':
			w.Quoted = true
			open := p.pos()
			p.advance()
			for p.atEnd() && p.quoteGoesOn(&b) || !p.atEnd() && p.text[p.off] != '\'' {
				if !p.atEnd() {
					b.WriteByte(p.text[p.off])
					p.advance()
				}
			}
			if p.atEnd() {
				return w, false, p.errorf(open, "the quote ' that starts here is not closed %s", p.quoteEnd())
			}
			p.advance()
		case c == '"':
			w.Quoted = true
			open := p.pos()
			p.advance()
			for {
				if p.atEnd() && p.quoteGoesOn(&b) {
					continue
				}
				if p.atEnd() {
					return w, false, p.errorf(open, "the quote \" that starts here is not closed %s", p.quoteEnd())
				}
				c := p.text[p.off]
				if c == '"' {
					p.advance()
					break
				}
				switch {
				case c == '\\' && p.off+1 < len(p.text):
					p.advance()
					switch e := p.text[p.off]; {
					case p.shell && e != '"' && e != '\\' && e != '$' && e != '`':
						b.WriteByte('\\')
						b.WriteByte(e)
					case p.shell:
						b.WriteByte(e)
					case e == 'n':
						b.WriteByte('\n')
					case e == 't':
						b.WriteByte('\t')
					case e == '"' || e == '\\' || e == '$':
						b.WriteByte(e)
					default:
						b.WriteByte('\\')
						b.WriteByte(e)
					}
					p.advance()
				case c == '$' && p.peekAt(1) == '$':
					b.WriteByte('$')
					p.advance()
					p.advance()
				case c == '$' && (p.peekAt(1) == '{' || p.shell && isNameByte(p.peekAt(1), true)):
					v, err := p.expandVar()
					if err != nil {
						return w, false, err
					}
					b.WriteString(v)
				default:
					b.WriteByte(c)
					p.advance()
				}
			}
		case c == '\\':
			p.advance()
			if !p.atEnd() {
				b.WriteByte(p.text[p.off])
				p.advance()
			} else {
				b.WriteByte('\\')
			}
		case c == '$' && p.peekAt(1) == '$':
			b.WriteByte('$')
			p.advance()
			p.advance()
		case c == '$' && (p.peekAt(1) == '{' || p.shell && isNameByte(p.peekAt(1), true)):
			w.Quoted = true // an expanded value is never a flag
			v, err := p.expandVar()
			if err != nil {
				return w, false, err
			}
			b.WriteString(v)
		default:
			b.WriteByte(c)
			p.advance()
		}
	}
	w.Text = b.String()
	return w, true, nil
}

// quoteGoesOn is, in shell mode, a quote that the line ends inside of
// going on over the next line, as a shell's does (grpcurl -d '{ on one
// line, the JSON on the next ones); b gets the newline. False outside
// shell mode or at the end of the input.
func (p *Parser) quoteGoesOn(b *strings.Builder) bool {
	if !p.shell || !p.readLine() {
		return false
	}
	b.WriteByte('\n')
	return true
}

// quoteEnd says where a quote should have been closed.
func (p *Parser) quoteEnd() string {
	if p.shell {
		return "before the input ends"
	}
	return "on its line"
}

// words reads the words left on the line.
func (p *Parser) words() ([]Word, error) {
	var ws []Word
	for {
		w, ok, err := p.word()
		if err != nil {
			return nil, err
		}
		if !ok {
			return ws, nil
		}
		ws = append(ws, w)
	}
}

// expandVar reads "${NAME}" or "${NAME:-default}" at the cursor and returns
// its value.
func (p *Parser) expandVar() (string, error) {
	start := p.pos()
	p.advance()
	if p.shell && p.text[p.off] != '{' {
		// A shell's $NAME: the name runs to the first byte that cannot
		// be in one.
		nameStart := p.off
		for !p.atEnd() && isNameByte(p.text[p.off], p.off == nameStart) {
			p.advance()
		}
		return p.lookupVar(start, p.text[nameStart:p.off], "", false)
	}
	p.advance()
	nameStart := p.off
	for !p.atEnd() && isNameByte(p.text[p.off], p.off == nameStart) {
		p.advance()
	}
	name := p.text[nameStart:p.off]
	var def string
	hasDef := false
	switch {
	case p.atEnd():
		return "", p.errorf(start, "${ is not closed: expected a variable name and '}'")
	case p.text[p.off] == '}':
	case p.text[p.off] == ':' && p.peekAt(1) == '-':
		p.advance()
		p.advance()
		defStart := p.off
		for !p.atEnd() && p.text[p.off] != '}' {
			p.advance()
		}
		if p.atEnd() {
			return "", p.errorf(start, "${ is not closed: expected '}' after the default value")
		}
		def, hasDef = p.text[defStart:p.off], true
	default:
		r, _ := utf8.DecodeRuneInString(p.text[p.off:])
		if name == "" {
			return "", p.errorf(p.pos(), "expected a variable name after ${, found %q", r)
		}
		return "", p.errorf(p.pos(), "expected '}' or ':-default' after ${%s, found %q", name, r)
	}
	if name == "" {
		return "", p.errorf(start, "${} names no variable")
	}
	p.advance() // '}'
	return p.lookupVar(start, name, def, hasDef)
}

// lookupVar is the value of the variable name, found at start; def is
// its default when hasDef.
func (p *Parser) lookupVar(start Pos, name, def string, hasDef bool) (string, error) {
	lookup := p.Env
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(name)
	if hasDef && v == "" {
		return def, nil
	}
	if !ok {
		if p.LookedIn != nil {
			if where := p.LookedIn(); where != "" {
				return "", p.errorf(start, "variable %s is not set: %s (write ${%s:-default} for a default)", name, where, name)
			}
		}
		return "", p.errorf(start, "environment variable %s is not set (write ${%s:-default} for a default)", name, name)
	}
	return v, nil
}

func isNameByte(c byte, first bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9')
}

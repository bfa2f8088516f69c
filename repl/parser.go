package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// Parser reads commands from a script, one at a time, as they are needed:
// a command is checked when it is read, and a heredoc's messages are read
// while the call runs.
type Parser struct {
	// Env looks up ${VAR}; nil means the process environment.
	Env func(name string) (string, bool)
	// LookedIn says where Env looked, for the error about an unset
	// variable ("not bound by let, not in staging.env, ..."); nil or ""
	// for the process environment alone.
	LookedIn func() string

	r    *bufio.Reader
	err  error // a read error other than io.EOF
	eof  bool
	text string // the current line, without its newline
	line int
	off  int // byte offset of the cursor in text
	col  int // column of the cursor
	body *Body

	// pending holds the value of a ${VAR} inside JSON, still to be scanned.
	pending    []byte
	pendingPos Pos
}

// NewParser reads a script from r.
func NewParser(r io.Reader) *Parser {
	return &Parser{r: bufio.NewReaderSize(r, 64<<10)}
}

// Parse reads every command of a text: a line typed in the TUI's command
// bar, or several. Heredoc bodies are read into memory. It stops at the
// first error; Incomplete(err) says whether more lines could complete it.
func Parse(text string, env func(string) (string, bool)) ([]*Command, error) {
	p := NewParser(strings.NewReader(text))
	p.Env = env
	var cmds []*Command
	for {
		cmd, err := p.Next()
		if errors.Is(err, io.EOF) {
			return cmds, nil
		}
		if err != nil {
			return cmds, err
		}
		if cmd.Body != nil && cmd.Body.Marker != "" {
			if err := cmd.Body.readAll(); err != nil {
				return cmds, err
			}
		}
		cmds = append(cmds, cmd)
	}
}

// Line is the number of the line read last.
func (p *Parser) Line() int { return p.line }

// Next reads the next command; io.EOF at the end of the script. After a
// syntax error the parser goes on at the next command, so that a caller
// may report every bad line.
func (p *Parser) Next() (*Command, error) {
	if b := p.body; b != nil {
		p.body = nil
		if err := b.Drain(); err != nil {
			return nil, err
		}
	}
	for p.readLine() {
		p.skipBlanks()
		if p.atEnd() || p.text[p.off] == '#' {
			continue
		}
		cmd, err := p.command()
		if err != nil {
			return nil, err
		}
		return cmd, nil
	}
	if p.err != nil {
		return nil, p.err
	}
	return nil, io.EOF
}

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
	var b strings.Builder
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
			for !p.atEnd() && p.text[p.off] != '\'' {
				b.WriteByte(p.text[p.off])
				p.advance()
			}
			if p.atEnd() {
				return w, false, p.errorf(open, "the quote ' that starts here is not closed on its line")
			}
			p.advance()
		case c == '"':
			w.Quoted = true
			open := p.pos()
			p.advance()
			for {
				if p.atEnd() {
					return w, false, p.errorf(open, "the quote \" that starts here is not closed on its line")
				}
				c := p.text[p.off]
				if c == '"' {
					p.advance()
					break
				}
				switch {
				case c == '\\' && p.off+1 < len(p.text):
					p.advance()
					switch e := p.text[p.off]; e {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					case '"', '\\', '$':
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
				case c == '$' && p.peekAt(1) == '{':
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
		case c == '$' && p.peekAt(1) == '{':
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

// command parses the command that starts at the cursor.
func (p *Parser) command() (cmd *Command, err error) {
	defer func() {
		if err != nil {
			p.skipLine()
		}
	}()
	start, src := p.pos(), p.text
	nameW, _, err := p.word()
	if err != nil {
		return nil, err
	}
	spec := commandByName[strings.ToLower(nameW.Text)]
	if spec == nil {
		if strings.HasPrefix(nameW.Text, "{") || strings.HasPrefix(nameW.Text, "[") {
			return nil, p.errorf(start, "JSON outside a call: a request goes after call METHOD on the same line (or use <<END)")
		}
		return nil, p.errorf(start, "unknown command %q%s", nameW.Text, didYouMean(nameW.Text, commandNames()))
	}
	cmd = &Command{Name: spec.Name, As: nameW.Text, Pos: start, Src: src}
	if spec.parse != nil {
		return cmd, spec.parse(p, cmd)
	}
	ws, err := p.words()
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if spec.Flags == nil || w.Quoted || len(w.Text) < 2 || w.Text[0] != '-' {
			cmd.Args = append(cmd.Args, w)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(w.Text, "-"), "=")
		takesValue, known := spec.Flags[name]
		if !known {
			var names []string
			for n := range spec.Flags {
				names = append(names, "-"+n)
			}
			slices.Sort(names)
			return nil, p.errorf(w.Pos, "%s: unknown flag -%s%s", spec.Name, name, didYouMean("-"+name, names))
		}
		switch {
		case takesValue && !hasValue:
			if i+1 >= len(ws) {
				return nil, p.errorf(w.Pos, "%s: -%s needs a value", spec.Name, name)
			}
			i++
			value = ws[i].Text
		case !takesValue && hasValue:
			return nil, p.errorf(w.Pos, "%s: -%s takes no value", spec.Name, name)
		}
		cmd.Flags = append(cmd.Flags, Flag{Name: name, Value: value, Pos: w.Pos})
	}
	if len(cmd.Args) < spec.MinArgs {
		return nil, p.errorf(p.pos(), "%s needs %s (usage: %s %s)", spec.Name, strings.Fields(spec.Usage)[len(cmd.Args)], spec.Name, spec.Usage)
	}
	if spec.MaxArgs >= 0 && len(cmd.Args) > spec.MaxArgs {
		extra := cmd.Args[spec.MaxArgs]
		if spec.MaxArgs == 0 {
			return nil, p.errorf(extra.Pos, "unexpected argument %q: %s takes none", extra.Text, spec.Name)
		}
		return nil, p.errorf(extra.Pos, "unexpected argument %q (usage: %s %s)", extra.Text, spec.Name, spec.Usage)
	}
	if spec.check != nil {
		err = spec.check(p, cmd)
	}
	if err != nil {
		return nil, err
	}
	return cmd, nil
}

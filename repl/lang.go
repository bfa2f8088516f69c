package repl

// The command language that scripts and the TUI's command bar share.
//
//	script   = { line } .
//	line     = [ command ] [ comment ] newline .
//	command  = NAME { word } | "call" word [ json { json } | heredoc ] .
//	word     = { plain | '...' | "..." | ${VAR} | ${VAR:-default} } .
//	comment  = "#" { any } .          (a # that starts a word)
//	json     = a JSON value; it may go on over several lines.
//	heredoc  = "<<" MARKER newline { json } MARKER newline .
//
// Words are separated by blanks. Single quotes keep everything as it is;
// double quotes allow \" \\ \$ \n \t and ${VAR}; outside quotes a backslash
// keeps the next character as it is. ${VAR} is replaced by the environment
// variable VAR (its value stays one word); an unset VAR is an error unless
// a default is given with ${VAR:-default}; $$ is a literal $, as in
// dynamic.ExpandEnv. In JSON, ${VAR} inside a string is inserted escaped,
// and outside strings as it is (numbers, objects); $${ is a literal ${.
// <<'MARKER' turns expansion off in the heredoc.
//
// Every error says where: "line L:C: what was expected".

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Pos is a position in a script: 1-based line and column; the column
// counts characters, not bytes.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// SyntaxError is a line that cannot be read as a command, or a request
// that is not JSON. It prints as "line L:C: message".
type SyntaxError struct {
	Pos Pos
	Msg string
	// Open says the input ended with something still open: a multi-line
	// JSON value or a heredoc. An interactive caller reads another line
	// and tries again.
	Open bool
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// As lets ExitCode see a syntax error as a usage error (exit code 2).
func (e *SyntaxError) As(target any) bool {
	if u, ok := target.(**UsageError); ok {
		*u = &UsageError{Msg: e.Error()}
		return true
	}
	return false
}

// Incomplete says err is a SyntaxError that more input could complete.
func Incomplete(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se) && se.Open
}

// Word is one argument as a command receives it: unquoted, with its
// variables expanded.
type Word struct {
	Text   string
	Pos    Pos
	Quoted bool // some of it was quoted, so it is never taken for a flag
}

// Flag is a "-name" or "-name VALUE" (also "-name=VALUE") argument.
type Flag struct {
	Name  string // without dashes
	Value string // "" for flags that take none
	Pos   Pos
}

// Command is one parsed command.
type Command struct {
	Name  string // the canonical name: "call", "ls", "desc"...
	As    string // the name as typed, perhaps an alias
	Pos   Pos    // where the command starts
	Src   string // the line the command starts on, as written
	Args  []Word
	Flags []Flag
	// Body holds a call's requests, nil when none was given.
	Body *Body
}

// Flag returns the value of the named flag and whether it was given.
func (c *Command) Flag(name string) (string, bool) {
	for _, f := range c.Flags {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// Arg returns the i-th argument's text, "" when there is none.
func (c *Command) Arg(i int) string {
	if i < len(c.Args) {
		return c.Args[i].Text
	}
	return ""
}

// Summary names the command in messages: its name and first argument
// ("call helloworld.Greeter/SayHello"); for header only the key, so
// that secrets stay out of error messages.
func (c *Command) Summary() string {
	switch {
	case len(c.Args) == 0:
		return c.Name
	case c.Name == "set" && len(c.Args) == 2:
		return c.Name + " " + c.Args[0].Text + " " + c.Args[1].Text
	}
	return c.Name + " " + c.Args[0].Text
}

// Request is one JSON request message of a call, with what is needed to
// point at its text in the script.
type Request struct {
	JSON []byte
	Pos  Pos // where it starts
	segs []segment
}

// segment maps a run of JSON bytes to where they came from: a run copied
// from the script, or the value of a ${VAR} (all of it at the "${").
type segment struct {
	off      int
	pos      Pos
	expanded bool
}

// ScriptPos translates a position inside the request's JSON (1-based line
// and column in characters, as dynamic.JSONError has them) into a position
// in the script.
func (r Request) ScriptPos(line, col int) Pos {
	off := 0
	for l := 1; l < line && off < len(r.JSON); l++ {
		i := strings.IndexByte(string(r.JSON[off:]), '\n')
		if i < 0 {
			off = len(r.JSON)
			break
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(r.JSON); c++ {
		_, size := utf8.DecodeRune(r.JSON[off:])
		off += size
	}
	if len(r.segs) == 0 {
		return r.Pos
	}
	i := len(r.segs) - 1
	for i > 0 && r.segs[i].off > off {
		i--
	}
	s := r.segs[i]
	if s.expanded {
		return s.pos
	}
	p := s.pos
	for j := s.off; j < off && j < len(r.JSON); {
		c, size := utf8.DecodeRune(r.JSON[j:])
		if c == '\n' {
			p.Line++
			p.Col = 1
		} else {
			p.Col++
		}
		j += size
	}
	return p
}

// Body is the requests of a call: JSON given on the command's line (and
// the lines it goes on over), or a heredoc, which is read from the script
// as Next is called, so that each message can be sent as soon as it has
// been read. A heredoc body must be read to its end (Next until io.EOF, or
// Drain) before the parser's next command.
type Body struct {
	Pos    Pos    // where the first request or the "<<" is
	Marker string // the heredoc's end marker; "" for JSON on the line
	Expand bool   // ${VAR} is expanded (not in <<'MARKER' heredocs)

	p    *Parser
	reqs []Request
	next int
	n    int // requests returned
	done bool
	bad  bool // a syntax error: the rest is skipped to the marker
}

// Next returns the next request, or io.EOF after the last. A syntax error
// in a heredoc is returned once; what follows it, up to the marker, is
// skipped by Drain.
func (b *Body) Next() (Request, error) {
	if b.next < len(b.reqs) {
		r := b.reqs[b.next]
		b.next++
		b.n++
		return r, nil
	}
	if b.done || b.bad || b.p == nil {
		return Request{}, io.EOF
	}
	req, ok, err := b.p.readValue(b)
	if err != nil {
		if !b.done {
			b.bad = true
		}
		return Request{}, err
	}
	if !ok {
		b.done = true
		return Request{}, io.EOF
	}
	b.n++
	return req, nil
}

// Count is how many requests Next has returned so far.
func (b *Body) Count() int { return b.n }

// Drain skips what is left of a heredoc, up to its marker line. It is an
// error when the input ends first.
func (b *Body) Drain() error {
	if b.done || b.p == nil {
		return nil
	}
	b.done = true
	p := b.p
	for p.readLine() {
		if strings.TrimSpace(p.text) == b.Marker {
			p.off = len(p.text)
			return nil
		}
	}
	if p.err != nil {
		return p.err
	}
	return b.eofError("")
}

func (b *Body) eofError(open string) error {
	msg := fmt.Sprintf("the input ended inside the <<%s body that starts here: no line %s closes it", b.Marker, b.Marker)
	if open != "" {
		msg += "; " + open
	}
	return &SyntaxError{Pos: b.Pos, Msg: msg, Open: true}
}

// readAll reads the rest of a heredoc into memory.
func (b *Body) readAll() error {
	var reqs []Request
	for {
		r, err := b.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	b.reqs, b.next, b.n = reqs, 0, 0
	return nil
}

// Parser reads commands from a script, one at a time, as they are needed:
// a command is checked when it is read, and a heredoc's messages are read
// while the call runs.
type Parser struct {
	// Env looks up ${VAR}; nil means the process environment.
	Env func(name string) (string, bool)

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
	switch spec.Name {
	case "call", "explain":
		return cmd, p.callCommand(cmd)
	case "header":
		ws, err := p.words()
		if err != nil {
			return nil, err
		}
		return cmd, p.headerCommand(cmd, ws)
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
	switch spec.Name {
	case "set", "unset":
		err = p.checkSetting(cmd)
	case "help":
		if len(cmd.Args) == 1 {
			w := cmd.Args[0]
			if _, ok := commandByName[strings.ToLower(w.Text)]; !ok {
				err = p.errorf(w.Pos, "help: unknown command %q%s", w.Text, didYouMean(w.Text, commandNames()))
			}
		}
	case "exit":
		if len(cmd.Args) == 1 {
			w := cmd.Args[0]
			if n, e := strconv.Atoi(w.Text); e != nil || n < 0 || n > 255 {
				err = p.errorf(w.Pos, "exit: expected a code within 0..255, found %q", w.Text)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return cmd, nil
}

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

// headerCommand parses header's words: nothing (show), -d KEY..., or
// [-a] KEY: VALUE (also KEY=VALUE). Args become [key, value] or the keys.
func (p *Parser) headerCommand(cmd *Command, ws []Word) error {
	if len(ws) == 0 {
		return nil
	}
	if first := ws[0]; !first.Quoted && strings.HasPrefix(first.Text, "-") {
		switch strings.TrimLeft(first.Text, "-") {
		case "d", "delete":
			cmd.Flags = []Flag{{Name: "d", Pos: first.Pos}}
			if len(ws) == 1 {
				return p.errorf(p.pos(), "header -d needs the KEY to delete")
			}
			for _, w := range ws[1:] {
				key := strings.ToLower(strings.TrimSuffix(w.Text, ":"))
				if err := checkHeaderKey(key); err != nil {
					return p.errorf(w.Pos, "header -d: %v", err)
				}
				cmd.Args = append(cmd.Args, Word{Text: key, Pos: w.Pos})
			}
			return nil
		case "a", "add":
			cmd.Flags = []Flag{{Name: "a", Pos: first.Pos}}
			ws = ws[1:]
			if len(ws) == 0 {
				return p.errorf(p.pos(), "header -a needs KEY: VALUE")
			}
		default:
			return p.errorf(first.Pos, "header: unknown flag %s (expected -d KEY to delete, -a KEY: VALUE to add, or KEY: VALUE)", first.Text)
		}
	}
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.Text
	}
	spec := strings.Join(texts, " ")
	i := strings.IndexAny(spec, ":=")
	if i < 0 {
		// The text is not shown: it may hold a secret from ${VAR}.
		return p.errorf(ws[0].Pos, "header: expected KEY: VALUE (e.g. authorization: Bearer ${TOKEN}), found no ':' or '='")
	}
	key, value, err := dynamic.ParseHeader(spec[:i] + ":" + spec[i+1:])
	if err != nil {
		// The hints name command-line flags; say what scripts use.
		msg := strings.NewReplacer("use -max-time", "use set deadline", "use -user-agent", "use connect -user-agent").Replace(err.Error())
		return p.errorf(ws[0].Pos, "%s", msg)
	}
	valuePos := ws[0].Pos
	if len(ws) > 1 {
		valuePos = ws[1].Pos
	}
	cmd.Args = []Word{{Text: key, Pos: ws[0].Pos}, {Text: value, Pos: valuePos}}
	return nil
}

// checkHeaderKey checks a metadata key as gRPC allows them.
func checkHeaderKey(key string) error {
	if key == "" {
		return errors.New("the KEY is empty (expected KEY: VALUE)")
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("invalid character %q in key %q (keys take a-z, 0-9, -, _ and .)", r, key)
		}
	}
	return nil
}

// callCommand parses "call METHOD [JSON...|<<END]".
func (p *Parser) callCommand(cmd *Command) error {
	spec := commandByName["call"]
	p.skipBlanks()
	if !p.atEnd() && (p.text[p.off] == '{' || p.text[p.off] == '[') {
		return p.errorf(p.pos(), "call: expected METHOD before the JSON request")
	}
	m, ok, err := p.word()
	if err != nil {
		return err
	}
	if !ok {
		return p.errorf(p.pos(), "call needs METHOD (usage: call %s)", spec.Usage)
	}
	for cmd.Name == "explain" && strings.HasPrefix(m.Text, "-") && !m.Quoted {
		if m, err = p.explainFlag(cmd, m); err != nil {
			return err
		}
	}
	cmd.Args = []Word{m}
	p.skipBlanks()
	if p.atEnd() || p.text[p.off] == '#' {
		return nil
	}
	if strings.HasPrefix(p.text[p.off:], "<<") {
		return p.heredoc(cmd)
	}
	if p.text[p.off] == '\'' {
		// grpcurl's habit: -d '{...}'. The quoted text is the JSON, as
		// it is (no expansion, as in a shell).
		w, _, err := p.word()
		if err != nil {
			return err
		}
		if rest, ok, _ := p.word(); ok {
			return p.errorf(rest.Pos, "unexpected %q after the quoted JSON request", rest.Text)
		}
		req := Request{JSON: []byte(w.Text), Pos: Pos{w.Pos.Line, w.Pos.Col + 1}}
		req.segs = []segment{{off: 0, pos: req.Pos}}
		if err := checkJSON(req); err != nil {
			return err
		}
		cmd.Body = &Body{Pos: req.Pos, reqs: []Request{req}, done: true}
		return nil
	}
	body := &Body{Pos: p.pos(), Expand: true, p: p}
	for {
		req, ok, err := p.readValue(body)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		body.reqs = append(body.reqs, req)
	}
	body.done, body.p = true, nil
	cmd.Body = body
	return nil
}

// checkJSON scans one request given whole on one line (quoted).
func checkJSON(req Request) error {
	var sc jsonScanner
	started := false
	pos := req.Pos
	for i := 0; i <= len(req.JSON); i++ {
		c := byte('\n')
		if i < len(req.JSON) {
			c = req.JSON[i]
			if i > 0 && c&0xC0 != 0x80 {
				pos.Col++
			}
		} else {
			pos.Col++
		}
		if !started {
			if isJSONSpace(c) {
				continue
			}
			started = true
		}
		switch sc.step(c, pos) {
		case scanError:
			return &SyntaxError{Pos: sc.errPos, Msg: "JSON: " + sc.errMsg}
		case scanEnd, scanEndBefore:
			for j := i + 1; j < len(req.JSON); j++ {
				if !isJSONSpace(req.JSON[j]) {
					return &SyntaxError{Pos: req.ScriptPos(1, utf8.RuneCount(req.JSON[:j])+1), Msg: "JSON: unexpected text after the request"}
				}
			}
			return nil
		}
	}
	if !started {
		return &SyntaxError{Pos: req.Pos, Msg: "JSON: the quoted request is empty (leave it out to send an empty request)"}
	}
	return &SyntaxError{Pos: req.Pos, Msg: "JSON: the quoted request is not complete: " + sc.openText()}
}

// heredoc parses "<<MARKER" and leaves the body to be read by Body.Next.
func (p *Parser) heredoc(cmd *Command) error {
	start := p.pos()
	p.advance()
	p.advance()
	p.skipBlanks()
	body := &Body{Pos: start, Expand: true, p: p}
	if !p.atEnd() && (p.text[p.off] == '\'' || p.text[p.off] == '"') {
		body.Expand = false
	}
	mstart := p.off
	for !p.atEnd() && (isNameByte(p.text[p.off], false) || p.text[p.off] == '\'' || p.text[p.off] == '"') {
		p.advance()
	}
	raw := p.text[mstart:p.off]
	marker := strings.Trim(raw, `'"`)
	switch {
	case marker == "":
		return p.errorf(start, "expected an end marker after <<, e.g. <<END")
	case !body.Expand && (len(raw) != len(marker)+2 || raw[0] != raw[len(raw)-1]):
		return p.errorf(start, "the marker %s is not quoted properly: write <<'%s' or <<%s", raw, marker, marker)
	case strings.ContainsAny(marker, `'"`):
		return p.errorf(start, "invalid marker %s: use letters, digits and _", raw)
	}
	p.skipBlanks()
	if !p.atEnd() && p.text[p.off] != '#' {
		return p.errorf(p.pos(), "unexpected text after <<%s: the messages go on the following lines, then a line with %s", marker, marker)
	}
	p.skipLine()
	body.Marker = marker
	cmd.Body = body
	p.body = body
	return nil
}

// readValue reads the next JSON value of a body. Between values it skips
// blanks and comments. For JSON on the command's line, it returns false at
// the end of a line where no value is in progress; for a heredoc, at the
// marker line. A value goes on over as many lines as it needs.
func (p *Parser) readValue(b *Body) (req Request, ok bool, err error) {
	var sc jsonScanner
	started := false
	newSeg := true
	var lastExpanded bool
	var lastPos Pos
	emit := func(c byte, pos Pos, expanded bool) {
		if newSeg || expanded != lastExpanded || (expanded && pos != lastPos) {
			req.segs = append(req.segs, segment{off: len(req.JSON), pos: pos, expanded: expanded})
			newSeg = false
		}
		lastExpanded, lastPos = expanded, pos
		req.JSON = append(req.JSON, c)
	}
	fail := func() (Request, bool, error) {
		err := &SyntaxError{Pos: sc.errPos, Msg: "JSON: " + sc.errMsg}
		p.pending = nil
		if b.Marker == "" {
			p.skipJSON(len(sc.stack), sc.inString())
		} else {
			p.skipLine()
		}
		return Request{}, false, err
	}
	for {
		var c byte
		var pos Pos
		expanded := false
		switch {
		case len(p.pending) > 0:
			c, pos, expanded = p.pending[0], p.pendingPos, true
		case !p.atEnd():
			c, pos = p.text[p.off], p.pos()
			if c == '#' && !sc.inString() {
				p.skipLine()
				continue
			}
			if c == '$' && b.Expand && p.peekAt(1) == '$' && p.peekAt(2) == '{' {
				// $${ is a literal ${.
				p.advance()
				c, pos = '$', p.pos()
				newSeg = true
			} else if c == '$' && b.Expand && p.peekAt(1) == '{' {
				v, err := p.expandVar()
				if err != nil {
					p.pending = nil
					if b.Marker == "" {
						p.skipJSON(len(sc.stack), sc.inString())
					} else {
						p.skipLine()
					}
					return Request{}, false, err
				}
				if sc.inString() {
					v = jsonEscape(v)
				}
				p.pending, p.pendingPos = []byte(v), pos
				newSeg = true
				continue
			}
		default:
			// The end of the line.
			if started {
				switch sc.step('\n', p.pos()) {
				case scanError:
					return fail()
				case scanEndBefore:
					return req, true, nil
				}
				emit('\n', p.pos(), false)
			} else if b.Marker == "" {
				return Request{}, false, nil
			}
			if !p.readLine() {
				if p.err != nil {
					return Request{}, false, p.err
				}
				open := ""
				if started {
					open = sc.openText()
				}
				if b.Marker != "" {
					b.done = true
					if open != "" {
						open = "a message is not complete: " + open
					}
					return Request{}, false, b.eofError(open)
				}
				return Request{}, false, &SyntaxError{Pos: req.Pos, Open: true,
					Msg: "JSON: the input ended inside the request that starts here: " + open}
			}
			if b.Marker != "" && strings.TrimSpace(p.text) == b.Marker {
				p.skipLine()
				if started {
					b.done = true
					return Request{}, false, &SyntaxError{Pos: Pos{p.line, 1},
						Msg: fmt.Sprintf("JSON: the line %s came before the message that starts at %s was complete: %s", b.Marker, req.Pos, sc.openText())}
				}
				return Request{}, false, nil
			}
			continue
		}
		consume := func() {
			if expanded {
				p.pending = p.pending[1:]
			} else {
				p.advance()
			}
		}
		if !started {
			if isJSONSpace(c) {
				consume()
				continue
			}
			started = true
			req.Pos = pos
		}
		switch sc.step(c, pos) {
		case scanError:
			// The bad byte is read again by skipJSON, which counts it.
			return fail()
		case scanEnd:
			emit(c, pos, expanded)
			consume()
			return req, true, nil
		case scanEndBefore:
			return req, true, nil
		}
		emit(c, pos, expanded)
		consume()
	}
}

// skipJSON skips, after a syntax error, what is left of a JSON value that
// had depth containers open: brackets are counted (outside strings) until
// they close, so that the lines of a broken request are not read as
// commands.
func (p *Parser) skipJSON(depth int, inString bool) {
	for depth > 0 {
		for !p.atEnd() && depth > 0 {
			c := p.text[p.off]
			switch {
			case inString && c == '\\':
				p.advance()
			case inString && c == '"':
				inString = false
			case inString:
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
			case c == '#':
				p.skipLine()
				continue
			}
			if !p.atEnd() {
				p.advance()
			}
		}
		// A string left open at the end of a line is taken to go on
		// on the next (the usual mistake): its quote closes it.
		if depth == 0 || !p.readLine() {
			break
		}
	}
	p.skipLine()
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonEscape escapes s for the inside of a JSON string.
func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// The JSON scanner: a push scanner that is fed one byte at a time, so that
// a request can be read line by line and checked as it is read, with
// errors that point at the byte and say what was expected.
const (
	scanContinue  = iota
	scanEnd       // the value ended with this byte
	scanEndBefore // the value ended before this byte (numbers, literals)
	scanError
)

const (
	sValue    = iota // a value is expected
	sArrFirst        // after '['
	sObjFirst        // after '{'
	sObjKey          // after ',' in an object
	sColon           // after a key
	sAfter           // after a value inside a container
	sString
	sEsc
	sHex
	sNumMinus
	sNumZero
	sNumInt
	sNumDot
	sNumFrac
	sNumE
	sNumESign
	sNumExp
	sWord
	sDone
)

type jsonOpen struct {
	c   byte
	pos Pos
}

type jsonScanner struct {
	state      int
	stack      []jsonOpen
	strKey     bool
	strPos     Pos
	hex        int
	word       []byte
	wordPos    Pos
	afterComma bool
	errPos     Pos
	errMsg     string
}

func (s *jsonScanner) inString() bool {
	return s.state == sString || s.state == sEsc || s.state == sHex
}

func (s *jsonScanner) fail(pos Pos, format string, args ...any) int {
	s.errPos, s.errMsg = pos, fmt.Sprintf(format, args...)
	return scanError
}

func (s *jsonScanner) endValue() int {
	if len(s.stack) == 0 {
		s.state = sDone
		return scanEnd
	}
	s.state = sAfter
	return scanContinue
}

// endBefore ends a number or a literal before c, which is then read.
func (s *jsonScanner) endBefore(c byte, pos Pos) int {
	if len(s.stack) == 0 {
		s.state = sDone
		return scanEndBefore
	}
	s.state = sAfter
	return s.step(c, pos)
}

func found(c byte) string {
	switch {
	case c == '\n':
		return "the end of the line"
	case c >= 0x80:
		return "a non-ASCII character"
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("%q", c)
	}
	return "'" + string(c) + "'"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (s *jsonScanner) step(c byte, pos Pos) int {
	switch s.state {
	case sValue, sArrFirst, sObjFirst, sObjKey, sColon, sAfter:
		if isJSONSpace(c) {
			return scanContinue
		}
	}
	switch s.state {
	case sValue:
		return s.beginValue(c, pos)
	case sArrFirst:
		if c == ']' {
			s.stack = s.stack[:len(s.stack)-1]
			return s.endValue()
		}
		return s.beginValue(c, pos)
	case sObjFirst, sObjKey:
		switch {
		case c == '"':
			s.state, s.strKey, s.strPos = sString, true, pos
			return scanContinue
		case c == '}' && s.state == sObjFirst:
			s.stack = s.stack[:len(s.stack)-1]
			return s.endValue()
		case c == '}':
			return s.fail(pos, "expected a field name after ',', found '}' (JSON allows no trailing comma)")
		case c == '\'':
			return s.fail(pos, "expected a field name in double quotes, found ' (JSON strings take double quotes)")
		case s.state == sObjFirst:
			return s.fail(pos, "expected a field name in double quotes or '}', found %s", found(c))
		}
		return s.fail(pos, "expected a field name in double quotes, found %s", found(c))
	case sColon:
		if c == ':' {
			s.state, s.afterComma = sValue, false
			return scanContinue
		}
		return s.fail(pos, "expected ':' after the field name, found %s", found(c))
	case sAfter:
		top := s.stack[len(s.stack)-1].c
		switch {
		case c == ',' && top == '{':
			s.state = sObjKey
			return scanContinue
		case c == ',':
			s.state, s.afterComma = sValue, true
			return scanContinue
		case c == '}' && top == '{', c == ']' && top == '[':
			s.stack = s.stack[:len(s.stack)-1]
			return s.endValue()
		case top == '{':
			return s.fail(pos, "expected ',' or '}', found %s", found(c))
		}
		return s.fail(pos, "expected ',' or ']', found %s", found(c))
	case sString:
		switch {
		case c == '"':
			if s.strKey {
				s.state = sColon
				return scanContinue
			}
			return s.endValue()
		case c == '\\':
			s.state = sEsc
		case c == '\n':
			return s.fail(s.strPos, "the string that starts here is not closed on its line (write \\n for a newline inside a string)")
		case c < 0x20:
			return s.fail(pos, "control character %q in a string: write it as an escape", c)
		}
		return scanContinue
	case sEsc:
		switch {
		case strings.IndexByte(`"\/bfnrt`, c) >= 0:
			s.state = sString
		case c == 'u':
			s.state, s.hex = sHex, 0
		default:
			return s.fail(pos, "invalid escape \\%s in a string (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", strings.Trim(found(c), "'"))
		}
		return scanContinue
	case sHex:
		if isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f' {
			s.hex++
			if s.hex == 4 {
				s.state = sString
			}
			return scanContinue
		}
		return s.fail(pos, "invalid \\u escape: expected 4 hexadecimal digits, found %s", found(c))
	case sNumMinus:
		switch {
		case c == '0':
			s.state = sNumZero
		case isDigit(c):
			s.state = sNumInt
		default:
			return s.fail(pos, "invalid number: expected a digit after '-', found %s", found(c))
		}
		return scanContinue
	case sNumZero, sNumInt, sNumFrac:
		switch {
		case isDigit(c) && s.state == sNumZero:
			return s.fail(pos, "invalid number: a number cannot start with 0 followed by digits")
		case isDigit(c):
			return scanContinue
		case c == '.' && s.state != sNumFrac:
			s.state = sNumDot
			return scanContinue
		case c == 'e' || c == 'E':
			s.state = sNumE
			return scanContinue
		}
		return s.endBefore(c, pos)
	case sNumDot:
		if isDigit(c) {
			s.state = sNumFrac
			return scanContinue
		}
		return s.fail(pos, "invalid number: expected a digit after '.', found %s", found(c))
	case sNumE, sNumESign:
		switch {
		case isDigit(c):
			s.state = sNumExp
		case (c == '+' || c == '-') && s.state == sNumE:
			s.state = sNumESign
		default:
			return s.fail(pos, "invalid number: expected a digit in the exponent, found %s", found(c))
		}
		return scanContinue
	case sNumExp:
		if isDigit(c) {
			return scanContinue
		}
		return s.endBefore(c, pos)
	case sWord:
		if c == '_' || isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z' {
			s.word = append(s.word, c)
			return scanContinue
		}
		switch w := string(s.word); w {
		case "true", "false", "null":
			return s.endBefore(c, pos)
		default:
			return s.fail(s.wordPos, "expected a value, found %s (strings take double quotes)", w)
		}
	case sDone:
		return s.fail(pos, "unexpected %s after the value", found(c))
	}
	return s.fail(pos, "internal error: JSON scanner state %d", s.state)
}

func (s *jsonScanner) beginValue(c byte, pos Pos) int {
	switch {
	case c == '{':
		s.stack = append(s.stack, jsonOpen{'{', pos})
		s.state = sObjFirst
	case c == '[':
		s.stack = append(s.stack, jsonOpen{'[', pos})
		s.state = sArrFirst
	case c == '"':
		s.state, s.strKey, s.strPos = sString, false, pos
	case c == '-':
		s.state = sNumMinus
	case c == '0':
		s.state = sNumZero
	case isDigit(c):
		s.state = sNumInt
	case (c|0x20) >= 'a' && (c|0x20) <= 'z':
		s.state, s.word, s.wordPos = sWord, append(s.word[:0], c), pos
	case c == '\'':
		return s.fail(pos, "JSON strings take double quotes, found '")
	case (c == ']' || c == '}') && len(s.stack) == 0:
		return s.fail(pos, "found '%c' outside any object or array: one too many?", c)
	case (c == ']' || c == '}') && s.afterComma:
		return s.fail(pos, "expected a value after ',', found '%c' (JSON allows no trailing comma)", c)
	default:
		return s.fail(pos, "expected a value (an object, array, string, number, true, false or null), found %s", found(c))
	}
	s.afterComma = false
	return scanContinue
}

// openText says what is still open, for errors at the end of the input.
func (s *jsonScanner) openText() string {
	if len(s.stack) == 0 {
		return "the value is not complete"
	}
	var parts []string
	for _, o := range s.stack {
		parts = append(parts, fmt.Sprintf("'%c' at %s", o.c, o.pos))
	}
	verb := "is"
	if len(parts) > 1 {
		verb = "are"
	}
	closers := ""
	for i := len(s.stack) - 1; i >= 0; i-- {
		closers += map[byte]string{'{': "}", '[': "]"}[s.stack[i].c]
	}
	return fmt.Sprintf("%s %s not closed (expected %s)", joinAnd(parts), verb, closers)
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// didYouMean suggests the known names closest to name: "; did you mean
// call?", or "" when none is close.
func didYouMean(name string, known []string) string {
	want := strings.ToLower(name)
	best := -1
	var out []string
	for _, k := range known {
		d := dynamic.EditDistance(want, strings.ToLower(k))
		if len(want) >= 2 && strings.HasPrefix(strings.ToLower(k), want) {
			d = min(d, 1)
		}
		if d > max(1, len(want)/3) {
			continue
		}
		switch {
		case best < 0 || d < best:
			best, out = d, []string{k}
		case d == best && !slices.Contains(out, k):
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return ""
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return "; did you mean " + strings.Join(out, " or ") + "?"
}

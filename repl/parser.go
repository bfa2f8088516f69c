package repl

import (
	"bufio"
	"errors"
	"io"
	"slices"
	"strings"
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
	// shell reads quotes as a POSIX shell does, for pasted grpcurl lines
	// (cmd_grpcurl.go): in "..." a backslash escapes only $ ` " and \, and
	// $NAME is a variable as ${NAME} is.
	shell bool

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

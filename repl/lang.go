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
	"errors"
	"fmt"
	"slices"
	"strings"
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
	// JSON is the same error as the one error type of requests, when it
	// is about a request (its syntax, or a value that does not fit the
	// message): line:col in the script, the field path, the message.
	JSON *dynamic.JSONError
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

// Unwrap gives the request's JSONError, when the error is about one.
func (e *SyntaxError) Unwrap() error {
	if e.JSON == nil {
		return nil
	}
	return e.JSON
}

// jsonSyntaxError is a request that is not JSON, at pos in the script.
func jsonSyntaxError(pos Pos, msg string) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: "JSON: " + msg, JSON: &dynamic.JSONError{Line: pos.Line, Col: pos.Col, Msg: msg}}
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
	// parsed is what a command's parse made of its line for run (let's
	// and expect's compiled jq expression).
	parsed any
	// argBuf holds a command's first argument, which most commands
	// have: a script call is one allocation fewer (BenchmarkParseCallLine).
	argBuf [1]Word
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

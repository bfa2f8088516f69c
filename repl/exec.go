package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Executor runs parsed commands against a session. Scripts and the TUI's
// command bar share it: responses and the text of ls, desc, template,
// help, header, set and status go to Out.Out; nothing is written to
// Out.Err except what -v (set verbose on) asks for. Errors are returned,
// for the caller to show.
type Executor struct {
	Session *Session
	Out     *Output
	// initial are the settings the session started with: unset goes back
	// to them.
	initial Settings
	// vars are the bindings of let, which ${NAME} finds before the
	// environment; last is what the last call left for let and expect.
	vars map[string]string
	last *callResult
	// observed is Out with the events of calls recorded into last.
	observed, observedBase *Output
	// Script names the script in messages and places its snapshots ("" for
	// the TUI's command bar); Update makes expect snapshot write them.
	Script string
	Update bool
}

// Lookup finds ${NAME}: a let binding, else the session's environment
// file, else env (nil: the process environment). Parsers of the
// executor's commands use it.
func (x *Executor) Lookup(env func(string) (string, bool)) func(string) (string, bool) {
	if env == nil {
		env = os.LookupEnv
	}
	return func(name string) (string, bool) {
		if v, ok := x.vars[name]; ok {
			return v, true
		}
		if e := x.Session.Env(); e != nil {
			if v, ok := e.Vars[name]; ok {
				return v, true
			}
		}
		return env(name)
	}
}

// NewExecutor runs commands against s, printing to out.
func NewExecutor(s *Session, out *Output) *Executor {
	return &Executor{Session: s, Out: out, initial: s.Settings()}
}

// Exec runs one command. A call that ends with a non-OK status returns an
// *RPCError; a request that does not fit its message type a *SyntaxError
// that points into the script; exit returns an *ExitRequest.
func (x *Executor) Exec(ctx context.Context, cmd *Command) error {
	spec := commandByName[cmd.Name]
	if spec == nil || spec.run == nil {
		return fmt.Errorf("%s: not implemented", cmd.Name)
	}
	return spec.run(ctx, x, cmd)
}

// requestError points a request that does not fit its message type at the
// place in the script: the line and column of the field's value.
func requestError(req Request, md protoreflect.MessageDescriptor, err error) error {
	var je *dynamic.JSONError
	if !errors.As(err, &je) {
		return err
	}
	pos := req.Pos
	if je.Line > 0 {
		pos = req.ScriptPos(je.Line, je.Col)
	}
	msg := je.Msg
	if je.Path != "" {
		// protojson names the field in its message; the path says it
		// better ("address.zip"), once.
		msg = reFieldName.ReplaceAllString(msg, " field: ")
		if strings.HasPrefix(msg, "unknown field") {
			msg += fieldSuggestion(md, je.Path)
		}
		msg = je.Path + ": " + msg
	}
	return &SyntaxError{Pos: pos, Msg: msg, JSON: &dynamic.JSONError{Line: pos.Line, Col: pos.Col, Path: je.Path, Msg: je.Msg}}
}

var reFieldName = regexp.MustCompile(` field [A-Za-z0-9_.\[\]]+: `)

// fieldSuggestion names the fields closest to the unknown one at path:
// "; did you mean name?".
func fieldSuggestion(md protoreflect.MessageDescriptor, path string) string {
	parts := strings.Split(path, ".")
	mapKey := false
	for _, part := range parts[:len(parts)-1] {
		if mapKey {
			mapKey = false
			continue
		}
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		fd := md.Fields().ByJSONName(part)
		if fd == nil {
			fd = md.Fields().ByTextName(part)
		}
		switch {
		case fd == nil:
			return ""
		case fd.IsMap():
			md, mapKey = fd.MapValue().Message(), true
		default:
			md = fd.Message()
		}
		if md == nil {
			return ""
		}
	}
	var names []string
	for i := 0; i < md.Fields().Len(); i++ {
		names = append(names, md.Fields().Get(i).JSONName())
	}
	return didYouMean(parts[len(parts)-1], names)
}

// FormatDetails prints a failed call's status details, one per line,
// indented: decoded when the type is known, else its type URL and bytes.
func FormatDetails(s *Session, st *dynamic.Status) string {
	var b strings.Builder
	f := s.Formatter(false)
	for i, d := range st.Details {
		if d.Message == nil {
			fmt.Fprintf(&b, "  %d) %s (unknown type) base64:%s\n", i+1, dynamic.SafeLine(d.TypeURL), base64Of(d.Value))
			continue
		}
		text, err := f.Format(d.Message)
		if err != nil {
			text = "<" + dynamic.SafeLine(err.Error()) + ">"
		}
		fmt.Fprintf(&b, "  %d) %s %s\n", i+1, d.Message.ProtoReflect().Descriptor().FullName(), text)
	}
	return b.String()
}

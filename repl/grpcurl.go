package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// A grpcurl command line, translated: `grpcsh grpcurl ARGS...`, a line
// starting with grpcurl in a script (cmd_grpcurl.go) and the TUI's : bar
// all come here, so that a command copied from grpcurl's README, a wiki or
// a shell history runs as the same call on grpcsh's engine.

// GrpcurlCommand is a grpcurl command line in grpcsh's terms.
type GrpcurlCommand struct {
	// Options are the session the line describes: its connection, files,
	// settings (-max-time, -emit-defaults, -v) and, once Resolve has run,
	// its headers.
	Options Options
	Verb    string // "list", "describe" or "call"
	Symbol  string // list's service, describe's symbol, call's method
	Data    string // -d, when it is not @
	Stdin   bool   // -d @: the requests come from stdin (a heredoc in scripts)
	// MsgTemplate is -msg-template: describe also prints a message's
	// JSON template.
	MsgTemplate bool
	// DataArg is the index of -d's value in the arguments (-1: no -d).
	DataArg int

	headers       [3][]string // -H, -rpc-header, -reflect-header as given
	expandHeaders bool
	given         map[string]bool // connection flags given, for checkConnFlags
}

// GrpcurlError is a grpcurl line grpcsh cannot run: Arg is the index of
// the argument at fault (-1 when it is the line as a whole).
type GrpcurlError struct {
	Arg int
	Msg string
}

func (e *GrpcurlError) Error() string { return e.Msg }

// ExitCode is 2: a line that cannot run is a usage error.
func (e *GrpcurlError) ExitCode() int { return ExitUsage }

// grpcurlFlag is one of grpcurl's flags (cmd/grpcurl/grpcurl.go) and what
// grpcsh makes of it: the connection flag of the same name and meaning
// (conn), a translation (apply), or a refusal saying what to use instead
// (rejected).
type grpcurlFlag struct {
	name     string
	conn     bool // the ConnFlag of the same name: declared once, in connflags.go
	schema   bool // the SchemaFlag of the same name (connflags.go too)
	value    bool // takes a value (apply's flags; conn flags say it themselves)
	apply    func(g *GrpcurlCommand, v string) error
	rejected string // why, and what to use instead
}

// grpcurlSwitch is apply for a boolean flag.
func grpcurlSwitch(set func(g *GrpcurlCommand, on bool)) func(*GrpcurlCommand, string) error {
	return func(g *GrpcurlCommand, v string) error {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("expected true or false, found %q", v)
		}
		set(g, on)
		return nil
	}
}

// grpcurlFlags is every flag of grpcurl 1.9 (and -unix), in its source's
// order.
var grpcurlFlags = []grpcurlFlag{
	{name: "help", rejected: "prints grpcurl's usage: `grpcsh -help` and the script command `help grpcurl` say what grpcsh takes"},
	{name: "version", rejected: "prints grpcurl's version: `grpcsh -version` prints grpcsh's"},
	{name: "plaintext", conn: true},
	{name: "insecure", conn: true},
	{name: "cacert", conn: true},
	{name: "cert", conn: true},
	{name: "key", conn: true},
	{name: "alts", rejected: "ALTS (Google Cloud's transport security) is not supported by grpcsh: use TLS (-cacert, -cert and -key)"},
	{name: "alts-handshaker-service", value: true, rejected: "ALTS is not supported by grpcsh: use TLS (-cacert, -cert and -key)"},
	{name: "alts-target-service-account", value: true, rejected: "ALTS is not supported by grpcsh: use TLS (-cacert, -cert and -key)"},
	{name: "protoset", schema: true},
	{name: "proto", schema: true},
	{name: "import-path", schema: true},
	{name: "H", value: true, apply: func(g *GrpcurlCommand, v string) error { g.headers[0] = append(g.headers[0], v); return nil }},
	{name: "rpc-header", value: true, apply: func(g *GrpcurlCommand, v string) error { g.headers[1] = append(g.headers[1], v); return nil }},
	{name: "reflect-header", value: true, apply: func(g *GrpcurlCommand, v string) error { g.headers[2] = append(g.headers[2], v); return nil }},
	{name: "expand-headers", apply: grpcurlSwitch(func(g *GrpcurlCommand, on bool) { g.expandHeaders = on })},
	{name: "authority", conn: true},
	{name: "user-agent", conn: true},
	{name: "d", value: true, apply: func(g *GrpcurlCommand, v string) error {
		if len(v) > 1 && v[0] == '@' {
			return fmt.Errorf("grpcurl reads -d @ from stdin, and takes no file name: write -d @ < %s (grpcsh's own call -d takes %s)", v[1:], v)
		}
		g.Data, g.Stdin = v, v == "@"
		if g.Stdin {
			g.Data = ""
		}
		return nil
	}},
	{name: "format", value: true, apply: func(g *GrpcurlCommand, v string) error {
		switch v {
		case "json", "text":
			g.Options.Settings.Format = v
			return nil
		}
		return fmt.Errorf("must be json or text, got %q", v)
	}},
	{name: "allow-unknown-fields", rejected: "grpcsh refuses unknown fields so that a misspelt one is not dropped silently: remove them from -d (the error names each one)"},
	{name: "connect-timeout", conn: true},
	// grpcsh prints a failed call's status its own way, its details
	// decoded; the exit code is grpcurl's (64 + the code) either way.
	{name: "format-error", apply: grpcurlSwitch(func(*GrpcurlCommand, bool) {})},
	{name: "keepalive-time", conn: true},
	{name: "max-time", value: true, apply: func(g *GrpcurlCommand, v string) error {
		d, err := dynamic.ParseTimeout(v)
		g.Options.Settings.Deadline = d
		return err
	}},
	{name: "max-msg-sz", conn: true},
	{name: "emit-defaults", apply: grpcurlSwitch(func(g *GrpcurlCommand, on bool) { g.Options.Settings.EmitDefaults = on })},
	{name: "protoset-out", value: true, rejected: "write the schema with grpcsh's describe: `grpcsh TARGET describe -protoset-out FILE`"},
	{name: "proto-out-dir", value: true, rejected: "write the schema with grpcsh's describe: `grpcsh TARGET describe -proto-out-dir DIR`"},
	{name: "msg-template", apply: grpcurlSwitch(func(g *GrpcurlCommand, on bool) { g.MsgTemplate = on })},
	// grpcsh's -v prints headers, trailers and timing: -vv's timing too.
	{name: "v", apply: grpcurlSwitch(func(g *GrpcurlCommand, on bool) { g.Options.Settings.Verbose = g.Options.Settings.Verbose || on })},
	{name: "vv", apply: grpcurlSwitch(func(g *GrpcurlCommand, on bool) { g.Options.Settings.Verbose = g.Options.Settings.Verbose || on })},
	// grpcurl's older spelling of -authority for the TLS name; it
	// ignores it in plaintext, and so does Resolve.
	{name: "servername", value: true, apply: func(g *GrpcurlCommand, v string) error {
		if a := g.Options.Conn.Authority; a != "" && a != v {
			return fmt.Errorf("-servername %q and -authority %q differ (grpcurl refuses this too): keep -authority", v, a)
		}
		g.Options.Conn.Authority = v
		g.given["servername"] = true
		return nil
	}},
	{name: "use-reflection", apply: grpcurlSwitch(func(g *GrpcurlCommand, on bool) {
		g.given["use-reflection"] = true
		g.Options.NoReflection = !on
	})},
	{name: "unix", conn: true},
}

// grpcurlFlagByName finds one of grpcurl's flags; nil when it has none.
func grpcurlFlagByName(name string) *grpcurlFlag {
	for i := range grpcurlFlags {
		if grpcurlFlags[i].name == name {
			return &grpcurlFlags[i]
		}
	}
	return nil
}

func (f *grpcurlFlag) takesValue() bool {
	if f.schema {
		return true
	}
	if f.conn {
		return !connFlagByName(f.name).IsSwitch()
	}
	return f.value
}

// ParseGrpcurl translates a grpcurl command line, without the word
// grpcurl: `[flags] [ADDRESS] list|describe [SYMBOL]` or `[flags]
// ADDRESS METHOD`. Flags may also come after the arguments (grpcurl
// wants them first; a line that works there works here). Headers are
// checked, but their ${VAR} (-expand-headers) are expanded by Resolve.
func ParseGrpcurl(args []string) (*GrpcurlCommand, error) {
	g := &GrpcurlCommand{given: map[string]bool{}, DataArg: -1}
	var positional []int // indexes into args
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			for j := i + 1; j < len(args); j++ {
				positional = append(positional, j)
			}
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, i)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := grpcurlFlagByName(name)
		if f == nil {
			names := make([]string, len(grpcurlFlags))
			for k, f := range grpcurlFlags {
				names[k] = "-" + f.name
			}
			return nil, &GrpcurlError{i, fmt.Sprintf("grpcurl has no flag -%s%s", name, didYouMean("-"+name, names))}
		}
		if f.rejected != "" {
			return nil, &GrpcurlError{i, fmt.Sprintf("grpcurl's -%s has no grpcsh equivalent: %s", f.name, f.rejected)}
		}
		switch {
		case f.takesValue() && !hasValue:
			if i+1 >= len(args) {
				return nil, &GrpcurlError{i, fmt.Sprintf("-%s needs a value", f.name)}
			}
			i++
			value = args[i]
		case !f.takesValue() && !hasValue:
			value = "true"
		}
		if f.name == "d" {
			g.DataArg = i
		}
		var err error
		switch {
		case f.schema:
			list := schemaFlagByName(f.name).field(&g.Options.Schema)
			*list = append(*list, value)
		case f.conn:
			err = SetConnFlag(&g.Options.Conn, f.name, value)
			on, _ := strconv.ParseBool(value)
			g.given[f.name] = f.takesValue() || on
		default:
			err = f.apply(g, value)
		}
		if err != nil {
			return nil, &GrpcurlError{i, fmt.Sprintf("-%s: %v", f.name, err)}
		}
	}
	if err := g.arguments(args, positional); err != nil {
		return nil, err
	}
	if err := g.check(); err != nil {
		return nil, &GrpcurlError{-1, err.Error()}
	}
	return g, nil
}

// arguments reads ADDRESS, the verb and the symbol as grpcurl does: the
// first argument is the address unless it is list or describe.
func (g *GrpcurlCommand) arguments(args []string, at []int) error {
	if len(at) == 0 {
		return &GrpcurlError{-1, "grpcurl needs ADDRESS and METHOD (or list / describe)"}
	}
	if a := args[at[0]]; a != "list" && a != "describe" {
		g.Options.Conn.Target = a
		at = at[1:]
	}
	if len(at) == 0 {
		return &GrpcurlError{-1, fmt.Sprintf("grpcurl needs a METHOD after %s (or list / describe)", g.Options.Conn.Target)}
	}
	switch args[at[0]] {
	case "list", "describe":
		g.Verb = args[at[0]]
		at = at[1:]
	default:
		g.Verb = "call"
	}
	if len(at) > 0 {
		g.Symbol = args[at[0]]
		at = at[1:]
	}
	if len(at) > 0 {
		return &GrpcurlError{at[0], fmt.Sprintf("unexpected argument %q: grpcurl takes ADDRESS, then METHOD or list/describe [SYMBOL]", args[at[0]])}
	}
	switch {
	case g.Verb == "call" && g.Options.Conn.Target == "":
		return &GrpcurlError{-1, "grpcurl needs ADDRESS before METHOD"}
	case g.Verb != "call" && (g.Data != "" || g.Stdin):
		return &GrpcurlError{-1, fmt.Sprintf("-d goes with a METHOD to call, not with %s", g.Verb)}
	case g.Verb != "call" && g.Options.Conn.Target == "" && !g.Options.HasFiles():
		return &GrpcurlError{-1, fmt.Sprintf("grpcurl %s needs ADDRESS, or -proto / -protoset files", g.Verb)}
	}
	return nil
}

// check refuses what grpcurl refuses, in the words of grpcsh's flags.
func (g *GrpcurlCommand) check() error {
	c := &g.Options.Conn
	if err := checkConnFlags(g.given); err != nil {
		return err
	}
	if c.Security == dynamic.SecurityPlaintext {
		if c.Insecure || c.CACert != "" || c.Cert != "" {
			return errors.New("-plaintext cannot go with -insecure, -cacert or -cert (they are TLS options)")
		}
		if g.given["servername"] {
			c.Authority = "" // grpcurl ignores -servername in plaintext
		}
	}
	if (c.Cert == "") != (c.Key == "") {
		return errors.New("-cert and -key go together")
	}
	if g.Options.Settings.Format == "text" && (g.Data != "" || g.Stdin) {
		return errors.New("-format text with -d: grpcsh reads requests as JSON only; give -d as JSON and drop -format text (the output is then JSON; `set format text` in a script prints text)")
	}
	if g.Options.NoReflection && !g.Options.HasFiles() {
		return errors.New("-use-reflection=false needs -proto or -protoset files to read the schema from")
	}
	if !g.given["use-reflection"] && g.Options.HasFiles() {
		// grpcurl's default: given files, it does not ask the server.
		g.Options.NoReflection = true
	}
	if !g.expandHeaders {
		for _, hs := range g.headers {
			for _, h := range hs {
				if _, _, err := grpcurlHeader(h); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// grpcurlHeader parses a header as grpcurl's -H takes it. Its errors
// never quote the value: it may be a secret ($TOKEN).
func grpcurlHeader(h string) (string, string, error) {
	name, _, ok := strings.Cut(h, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return "", "", errors.New(`a header is not "name: value" (its text is not shown: it may hold a secret)`)
	}
	return dynamic.ParseHeader(h)
}

// Resolve sets the headers, their ${VAR} expanded with lookup when the
// line says -expand-headers (grpcurl expands nothing else).
func (g *GrpcurlCommand) Resolve(lookup func(string) (string, bool)) error {
	var mds [3]metadata.MD
	for i, hs := range g.headers {
		mds[i] = metadata.MD{}
		for _, h := range hs {
			if g.expandHeaders {
				var err error
				if h, err = dynamic.ExpandVars(h, lookup); err != nil {
					return &UsageError{Msg: fmt.Sprintf("-expand-headers: %v", err)}
				}
			}
			k, v, err := grpcurlHeader(h)
			if err != nil {
				return &UsageError{Msg: err.Error()}
			}
			mds[i].Append(k, v)
		}
	}
	g.Options.Header, g.Options.RPCHeader, g.Options.ReflectHeader = mds[0], mds[1], mds[2]
	return nil
}

// GrpcurlInput is where a call's requests come from: -d's JSON, else
// Stdin for -d @ (the one-shot's stdin), else Body (a script's heredoc).
type GrpcurlInput struct {
	Stdin io.Reader
	Body  *Body
	// Failed, when set, is told of a call that ended with a non-OK
	// status while its session is still open (to print the status with
	// the session's types).
	Failed func(s *Session, rpc *RPCError)
}

// RunGrpcurl runs the line on a session of its own, as grpcurl would,
// closed when it ends; -max-time bounds all of it, connecting included.
// list and describe print as grpcsh's one-shots do; a call prints through
// out (whose events x, when not nil, records for let and expect).
func RunGrpcurl(ctx context.Context, g *GrpcurlCommand, in GrpcurlInput, out *Output, x *Executor) (err error) {
	if d := g.Options.Settings.Deadline; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	opts := g.Options
	opts.Context = ctx
	s, err := NewSession(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if in.Failed != nil {
		defer func() {
			var rpc *RPCError
			if errors.As(err, &rpc) {
				in.Failed(s, rpc)
			}
		}()
	}
	w := out.Out
	switch g.Verb {
	case "list":
		return s.List(w, g.Symbol)
	case "describe":
		return s.describeGrpcurl(w, g.Symbol, g.MsgTemplate)
	}
	sub := &Executor{Session: s, Out: out, initial: s.Settings()}
	if x != nil {
		sub.vars, sub.Script = x.vars, x.Script
		defer func() { x.last = sub.last }()
	}
	body := in.Body
	switch {
	case body != nil:
	case g.Stdin && in.Stdin != nil:
		return CallJSON(ctx, s, g.Symbol, in.Stdin, sub.observedOutput())
	case g.Stdin:
		return &UsageError{Msg: "-d @ reads the requests from stdin, which is not there: put the JSON after -d"}
	case g.Data != "":
		if body, err = grpcurlBody(g.Data, Pos{1, 1}); err != nil {
			return err
		}
	}
	return sub.call(ctx, &Command{Name: "call", Args: []Word{{Text: g.Symbol}}, Body: body})
}

// grpcurlBody splits -d's concatenated JSON values into a call's
// requests; at is where data starts (in a script, the -d word's text).
func grpcurlBody(data string, at Pos) (*Body, error) {
	stream := dynamic.NewJSONStream(strings.NewReader(data))
	b := &Body{done: true}
	for {
		v, line, col, err := stream.Next()
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return nil, &UsageError{Msg: fmt.Sprintf("-d: %v", err)}
		}
		if line == 1 {
			line, col = at.Line, at.Col+col-1
		} else {
			line += at.Line - 1
		}
		req := Request{JSON: v, Pos: Pos{line, col}}
		req.segs = []segment{{off: 0, pos: req.Pos}}
		b.reqs = append(b.reqs, req)
	}
}

// describeGrpcurl is grpcurl's describe: every service without a symbol;
// with -msg-template, a message's JSON template after it.
func (s *Session) describeGrpcurl(w io.Writer, symbol string, template bool) error {
	if symbol != "" {
		if err := s.Describe(w, symbol); err != nil {
			return err
		}
		if d, err := dynamic.FindDescriptor(s.Source(), symbol); err == nil && template {
			if _, ok := d.(protoreflect.MessageDescriptor); ok {
				fmt.Fprintln(w, "\nMessage template:")
				return s.Template(w, symbol)
			}
		}
		return nil
	}
	return s.DescribeAll(w)
}

// DescribeAll describes every service, a blank line between them.
func (s *Session) DescribeAll(w io.Writer) error {
	names, err := s.ServiceNames()
	if err != nil {
		return err
	}
	for i, n := range names {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := s.Describe(w, n); err != nil {
			return err
		}
	}
	return nil
}

// grpcurlFlagsHelp lists grpcurl's flags and what grpcsh makes of them,
// for help grpcurl.
func grpcurlFlagsHelp() string {
	var same, mapped, refused []string
	for _, f := range grpcurlFlags {
		switch {
		case f.conn || f.schema:
			same = append(same, "-"+f.name)
		case f.rejected != "":
			refused = append(refused, "-"+f.name)
		default:
			mapped = append(mapped, "-"+f.name)
		}
	}
	slices.Sort(refused)
	var b strings.Builder
	for _, part := range []struct {
		title string
		names []string
	}{{"the same as grpcsh's connection and schema flags:", same}, {"translated:", mapped}, {"refused, with what to use instead:", refused}} {
		b.WriteString("  " + part.title + "\n   ")
		n := 3
		for _, name := range part.names {
			if n+1+len(name) > 76 {
				b.WriteString("\n   ")
				n = 3
			}
			b.WriteString(" " + name)
			n += 1 + len(name)
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

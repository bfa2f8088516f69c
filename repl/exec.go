package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
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
}

// NewExecutor runs commands against s, printing to out.
func NewExecutor(s *Session, out *Output) *Executor {
	return &Executor{Session: s, Out: out, initial: s.Settings()}
}

// ExitRequest is returned by Exec for exit and quit.
type ExitRequest struct {
	Code    int
	HasCode bool // the command gave a code
}

func (e *ExitRequest) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// Exec runs one command. A call that ends with a non-OK status returns an
// *RPCError; a request that does not fit its message type a *SyntaxError
// that points into the script; exit returns an *ExitRequest.
func (x *Executor) Exec(ctx context.Context, cmd *Command) error {
	w := x.Out.Out
	s := x.Session
	switch cmd.Name {
	case "connect":
		if len(cmd.Args) == 0 && len(cmd.Flags) == 0 {
			return x.status(w)
		}
		return x.connect(ctx, cmd)
	case "status":
		return x.status(w)
	case "ls":
		return x.list(w, cmd.Arg(0))
	case "desc":
		if len(cmd.Args) == 0 {
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
		return s.Describe(w, cmd.Arg(0))
	case "template":
		return s.Template(w, cmd.Arg(0))
	case "call":
		return x.call(ctx, cmd)
	case "explain":
		return x.explain(ctx, w, cmd)
	case "header":
		return x.header(w, cmd)
	case "set":
		return x.set(w, cmd)
	case "unset":
		st := s.Settings()
		x.apply(&st, cmd.Arg(0), "")
		s.SetSettings(st)
		return nil
	case "help":
		text, err := Help(strings.ToLower(cmd.Arg(0)))
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, text)
		return err
	case "exit":
		if len(cmd.Args) == 0 {
			return &ExitRequest{}
		}
		code, _ := strconv.Atoi(cmd.Arg(0)) // checked by the parser
		return &ExitRequest{Code: code, HasCode: true}
	}
	return fmt.Errorf("%s: not implemented", cmd.Name)
}

func (x *Executor) status(w io.Writer) error {
	conn := x.Session.Conn()
	if conn == nil {
		_, err := fmt.Fprintln(w, "not connected (descriptors from files only): connect TARGET to call methods")
		return err
	}
	_, err := fmt.Fprintf(w, "connected to %s (%s)\n", conn.Describe(), conn.State())
	return err
}

// connect builds the connection's configuration from the command: a new
// TARGET starts from the defaults, flags alone change the current one.
func (x *Executor) connect(ctx context.Context, cmd *Command) error {
	var cfg dynamic.ConnConfig
	if len(cmd.Args) == 1 {
		cfg.Target = cmd.Arg(0)
	} else {
		cfg = x.Session.ConnConfig()
		if cfg.Target == "" {
			return &UsageError{Msg: "not connected yet: connect needs a TARGET"}
		}
	}
	for _, f := range cmd.Flags {
		var err error
		switch f.Name {
		case "plaintext":
			cfg.Security = dynamic.SecurityPlaintext
		case "tls":
			cfg.Security = dynamic.SecurityTLS
		case "insecure":
			cfg.Insecure = true
		case "unix":
			cfg.Unix = true
		case "authority":
			cfg.Authority = f.Value
		case "cacert":
			cfg.CACert = f.Value
		case "cert":
			cfg.Cert = f.Value
		case "key":
			cfg.Key = f.Value
		case "connect-timeout":
			cfg.ConnectTimeout, err = ParseDeadline(f.Value)
		case "keepalive-time":
			cfg.KeepaliveTime, err = ParseDeadline(f.Value)
		case "max-msg-sz":
			cfg.MaxMsgSize, err = strconv.Atoi(f.Value)
			if err != nil || cfg.MaxMsgSize < 0 {
				err = fmt.Errorf("expected a number of bytes, found %q", f.Value)
			}
		case "user-agent":
			cfg.UserAgent = f.Value
		}
		if err != nil {
			return &SyntaxError{Pos: f.Pos, Msg: fmt.Sprintf("connect: -%s: %v", f.Name, err)}
		}
	}
	if cfg.Security == dynamic.SecurityPlaintext && (cfg.Insecure || cfg.CACert != "" || cfg.Cert != "") {
		return &UsageError{Msg: "-plaintext cannot go with -insecure, -cacert or -cert (they are TLS options)"}
	}
	if (cfg.Cert == "") != (cfg.Key == "") {
		return &UsageError{Msg: "-cert and -key go together"}
	}
	return x.Session.Connect(ctx, cfg)
}

// list prints the services, or a service's methods with their kinds.
func (x *Executor) list(w io.Writer, service string) error {
	if service == "" {
		return x.Session.List(w, "")
	}
	sd, err := dynamic.FindService(x.Session.Source(), service)
	if err != nil {
		return err
	}
	ms := sd.Methods()
	width := 0
	for i := 0; i < ms.Len(); i++ {
		width = max(width, len(dynamic.MethodPath(ms.Get(i))))
	}
	var b strings.Builder
	for i := 0; i < ms.Len(); i++ {
		m := ms.Get(i)
		fmt.Fprintf(&b, "%-*s  %s\n", width, dynamic.MethodPath(m), dynamic.MethodKind(m))
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func (x *Executor) header(w io.Writer, cmd *Command) error {
	s := x.Session
	flag := ""
	if len(cmd.Flags) > 0 {
		flag = cmd.Flags[0].Name
	}
	switch {
	case flag == "d":
		for _, k := range cmd.Args {
			s.DelHeader(k.Text)
		}
	case len(cmd.Args) == 0:
		_, err := io.WriteString(w, formatHeader(s.Header()))
		return err
	case flag == "a":
		key := cmd.Arg(0)
		s.SetHeader(key, append(s.Header().Get(key), cmd.Arg(1))...)
	default:
		s.SetHeader(cmd.Arg(0), cmd.Arg(1))
	}
	return nil
}

// formatHeader shows request metadata as "key: value" lines, sorted,
// secrets redacted and binary values in base64 (as they are written).
func formatHeader(md metadata.MD) string {
	var b strings.Builder
	for _, kv := range MDLines(md, true) {
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	if b.Len() == 0 {
		return "(no request metadata)\n"
	}
	return b.String()
}

// settingValue is a setting as set prints it.
func settingValue(st Settings, name string) string {
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	switch name {
	case "deadline":
		if st.Deadline == 0 {
			return "off"
		}
		return st.Deadline.String()
	case "format":
		return st.Format
	case "emit-defaults":
		return onOff(st.EmitDefaults)
	case "proto-names":
		return onOff(st.ProtoNames)
	case "verbose":
		return onOff(st.Verbose)
	}
	return "?"
}

func (x *Executor) set(w io.Writer, cmd *Command) error {
	s := x.Session
	st := s.Settings()
	switch len(cmd.Args) {
	case 0:
		var b strings.Builder
		for _, n := range settingNames {
			fmt.Fprintf(&b, "%-13s %s\n", n, settingValue(st, n))
		}
		_, err := io.WriteString(w, b.String())
		return err
	case 1:
		_, err := fmt.Fprintf(w, "%-13s %s\n", cmd.Arg(0), settingValue(st, cmd.Arg(0)))
		return err
	}
	x.apply(&st, cmd.Arg(0), cmd.Arg(1))
	s.SetSettings(st)
	return nil
}

// apply sets one setting from its canonical value (checked by the
// parser); "" puts it back to what the session started with.
func (x *Executor) apply(st *Settings, name, value string) {
	on := value == "on"
	switch name {
	case "deadline":
		st.Deadline = x.initial.Deadline
		if value != "" {
			st.Deadline, _ = time.ParseDuration(value)
		}
	case "format":
		st.Format = x.initial.Format
		if value != "" {
			st.Format = value
		}
	case "emit-defaults":
		st.EmitDefaults = x.initial.EmitDefaults
		if value != "" {
			st.EmitDefaults = on
		}
	case "proto-names":
		st.ProtoNames = x.initial.ProtoNames
		if value != "" {
			st.ProtoNames = on
		}
	case "verbose":
		st.Verbose = x.initial.Verbose
		if value != "" {
			st.Verbose = on
		}
	}
	if st.Format == "" {
		st.Format = "json"
	}
}

// call runs a call. Its requests are parsed one at a time as the call
// sends them, so a heredoc's messages go out as they are read.
func (x *Executor) call(ctx context.Context, cmd *Command) error {
	s := x.Session
	body := cmd.Body
	m, err := s.FindMethod(cmd.Arg(0))
	if err != nil {
		if body != nil {
			body.Drain()
		}
		return err
	}
	// The call reads the body from its sending goroutine; mu keeps Drain
	// from reading at the same time if the call returns early.
	var mu sync.Mutex
	n := 0
	next := func() (proto.Message, error) {
		mu.Lock()
		defer mu.Unlock()
		if body == nil {
			if n == 0 && !m.IsStreamingClient() {
				n++
				return s.ParseRequest(m, nil)
			}
			return nil, io.EOF
		}
		req, err := body.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 && !m.IsStreamingClient() {
				n++
				return s.ParseRequest(m, nil)
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		n++
		if n > 1 && !m.IsStreamingClient() {
			return nil, &SyntaxError{Pos: req.Pos, Msg: fmt.Sprintf(
				"a second request, but %s is a %s method: it takes one (client and bidi streams take several)",
				dynamic.MethodPath(m), dynamic.MethodKind(m))}
		}
		msg, err := s.ParseRequest(m, req.JSON)
		if err != nil {
			return nil, requestError(req, m.Input(), err)
		}
		return msg, nil
	}
	err = s.Call(ctx, m, next, x.Out)
	if body != nil {
		mu.Lock()
		defer mu.Unlock()
		if derr := body.Drain(); derr != nil && err == nil {
			err = derr
		}
	}
	return err
}

// explain prints the lesson of a call without making it.
func (x *Executor) explain(ctx context.Context, w io.Writer, cmd *Command) error {
	s := x.Session
	m, err := s.FindMethod(cmd.Arg(0))
	if err != nil {
		if cmd.Body != nil {
			cmd.Body.Drain()
		}
		return err
	}
	var data []byte
	req := Request{}
	if cmd.Body != nil {
		r, err := cmd.Body.Next()
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		req, data = r, r.JSON
		if err := cmd.Body.Drain(); err != nil {
			return err
		}
	}
	lesson, err := s.Explain(m, data)
	if _, send := cmd.Flag("send"); send && err == nil {
		lesson, err = s.ExplainSend(ctx, m, data)
	}
	if err != nil {
		if data != nil {
			return requestError(req, m.Input(), err)
		}
		return err
	}
	if _, err = io.WriteString(w, lesson.Text()); err != nil {
		return err
	}
	return explainAfter(w, cmd, lesson)
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
	return &SyntaxError{Pos: pos, Msg: msg}
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

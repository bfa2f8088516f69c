// Package repl is grpcsh's interaction layer: a Session (one connection,
// one descriptor source, request headers and settings) that the one-shot
// commands, script mode and the TUI all drive, the command language they
// share, and the output conventions (JSON lines, exit codes).
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Options say where to connect and where descriptors come from.
type Options struct {
	Conn    dynamic.ConnConfig // Conn.Target "" means no server: files only
	Schema                     // -proto, -import-path, -protoset (schema.go)
	ProtoFS fs.FS              // read Protos from here instead of the disk
	// Header goes with calls and reflection requests (-H), RPCHeader with
	// calls only (-rpc-header), ReflectHeader with reflection only.
	Header, RPCHeader, ReflectHeader metadata.MD
	Settings                         Settings
	// Env is the active environment (-env), nil without; Collection the
	// folder of saved files whose env/ holds NAME.env ("" means
	// DefaultCollection).
	Env        *Env
	Collection string
	// Context is the session's lifetime, the parent of the reflection
	// lookups that are given no context of their own: the one-shots and
	// scripts pass the one Ctrl-C (and a one-shot's -max-time) ends. Nil
	// means context.Background(); the ctx of NewSession bounds connecting
	// only.
	Context context.Context

	// NoReflection reads descriptors from the files alone, not asking the
	// server: grpcurl's default when given files (-use-reflection=false).
	NoReflection bool
}

// Settings change how calls are made and printed; the command language's
// `set` changes them during a session.
type Settings struct {
	Format       string        // "json" (default) or "text"
	EmitDefaults bool          // print zero values
	ProtoNames   bool          // field names as in the .proto
	Deadline     time.Duration // per call; 0 means none
	Verbose      bool          // print headers, trailers and timing to stderr
}

// Session is one connection and one descriptor source, reused by every
// call: a script of 10,000 calls connects once and fetches each descriptor
// once.
type Session struct {
	ctx      context.Context // Options.Context
	opts     Options
	files    dynamic.Source // from -proto/-protoset; nil without
	conn     *dynamic.Conn
	refl     *dynamic.ReflectionSource
	source   dynamic.Source
	types    *dynamic.Types
	client   *dynamic.Client
	mu       sync.Mutex
	header   metadata.MD
	settings Settings
	methods  map[string]protoreflect.MethodDescriptor
	env      *Env

	srcVersion int // SourceVersion (schema.go)
}

// NewSession loads the files, if any, and connects, if a target is given.
func NewSession(ctx context.Context, opts Options) (*Session, error) {
	s := &Session{ctx: opts.Context, opts: opts, settings: opts.Settings, header: metadata.Join(opts.Header, opts.RPCHeader), env: opts.Env}
	if s.ctx == nil {
		s.ctx = context.Background()
	}
	if s.settings.Format == "" {
		s.settings.Format = "json"
	}
	if err := dynamic.CheckDeadline(opts.Settings.Deadline); err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	roots, err := loadSchema(ctx, opts.ProtoFS, opts.Schema)
	if err != nil {
		return nil, err
	}
	if roots != nil {
		files, err := dynamic.NewFilesSource(roots)
		if err != nil {
			return nil, err
		}
		s.files = files
	}
	if opts.Conn.Target == "" {
		if s.files == nil {
			return nil, usageErrorf("no target: give a server address (host:port), -proto/-protoset files to read descriptors from, or --demo to try the embedded demo server")
		}
		s.setSource(s.files)
		return s, nil
	}
	if err := s.Connect(ctx, opts.Conn); err != nil {
		return nil, err
	}
	return s, nil
}

// Connect connects (again) to a target; the previous connection, if any,
// is closed only once the new one is up.
func (s *Session) Connect(ctx context.Context, cfg dynamic.ConnConfig) error {
	if cfg.Calls == nil {
		// A session that captures calls (the TUI's) keeps doing so on
		// the connection `connect TARGET` makes from the defaults.
		cfg.Calls = s.ConnConfig().Calls
	}
	conn, err := dynamic.Dial(ctx, cfg)
	if err != nil {
		return err
	}
	s.mu.Lock()
	deadline := s.settings.Deadline
	s.mu.Unlock()
	ropts := dynamic.ReflectionOptions{Header: metadata.Join(s.opts.Header, s.opts.ReflectHeader), Context: s.ctx}
	if deadline > 0 {
		// -max-time bounds each lookup, and a one-shot's whole run.
		ropts.Timeout, ropts.TimeoutFlag = deadline, "-max-time"
		ropts.ParentDeadline = deadline.String() + " (-max-time)"
	}
	refl := conn.Reflection(ropts)
	s.mu.Lock()
	oldConn, oldRefl := s.conn, s.refl
	s.conn, s.refl = conn, refl
	s.opts.Conn = cfg
	files := s.files // SetSchema may have replaced them
	s.mu.Unlock()
	var src dynamic.Source = refl
	switch {
	case files != nil && s.opts.NoReflection:
		src = files
	case files != nil:
		src = dynamic.Composite{Primary: refl, Fallback: files}
	}
	s.setSource(src)
	if oldRefl != nil {
		oldRefl.Close()
	}
	if oldConn != nil {
		oldConn.Close()
	}
	return nil
}

func (s *Session) setSource(src dynamic.Source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.source = src
	s.srcVersion++
	s.types = dynamic.NewTypes(src)
	s.client = &dynamic.Client{Types: s.types}
	if s.conn != nil {
		s.client.CC = s.conn.Transport()
		s.client.Explain = s.conn.Explain
		s.client.Calls = s.conn.Calls()
	}
	s.methods = map[string]protoreflect.MethodDescriptor{}
}

// Close ends the connection.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refl != nil {
		s.refl.Close()
	}
	if s.conn != nil {
		return s.conn.Close()
	}
	return nil
}

// Target is what the session is connected to ("" without a server).
func (s *Session) Target() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return ""
	}
	return s.opts.Conn.Target
}

// ConnConfig is the configuration of the current connection.
func (s *Session) ConnConfig() dynamic.ConnConfig {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Conn
}

// Conn is the connection, nil when the session reads files only.
func (s *Session) Conn() *dynamic.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

// Source is where descriptors come from. Its reflection lookups run under
// the session's context; see SourceContext.
func (s *Session) Source() dynamic.Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.source
}

// SourceContext is Source with its reflection lookups bounded by ctx too
// (each is bounded by -max-time or -connect-timeout regardless): the TUI
// ends a lookup when the user quits.
func (s *Session) SourceContext(ctx context.Context) dynamic.Source {
	return dynamic.WithContext(ctx, s.Source())
}

// Types resolves message types for Any, extensions and details.
func (s *Session) Types() *dynamic.Types {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.types
}

// Settings returns the current settings.
func (s *Session) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// SetSettings replaces the settings for the following calls.
func (s *Session) SetSettings(st Settings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = st
}

// Env is the active environment, nil when there is none.
func (s *Session) Env() *Env {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.env
}

// SetEnv makes e the active environment (nil: none).
func (s *Session) SetEnv(e *Env) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.env = e
}

// Collection is the folder of saved .grpcsh files.
func (s *Session) Collection() string {
	if s.opts.Collection != "" {
		return s.opts.Collection
	}
	return DefaultCollection
}

// Header returns a copy of the request metadata sent with calls.
func (s *Session) Header() metadata.MD {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.header.Copy()
}

// SetHeader sets a request header for the following calls.
func (s *Session) SetHeader(key string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.header.Set(key, values...)
}

// DelHeader removes a request header.
func (s *Session) DelHeader(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.header.Delete(key)
}

// FindMethod finds a method by any of the names dynamic.FindMethod takes,
// once per name per session.
func (s *Session) FindMethod(name string) (protoreflect.MethodDescriptor, error) {
	return s.FindMethodContext(s.ctx, name)
}

// FindMethodContext is FindMethod with its lookups bounded by ctx.
func (s *Session) FindMethodContext(ctx context.Context, name string) (protoreflect.MethodDescriptor, error) {
	s.mu.Lock()
	m, ok := s.methods[name]
	src := s.source
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := dynamic.FindMethod(dynamic.WithContext(ctx, src), name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.methods[name] = m
	s.mu.Unlock()
	return m, nil
}

// Services returns the descriptors of every service.
func (s *Session) Services() ([]protoreflect.ServiceDescriptor, error) {
	return s.ServicesContext(s.ctx)
}

// ServicesContext is Services with its lookups bounded by ctx.
func (s *Session) ServicesContext(ctx context.Context) ([]protoreflect.ServiceDescriptor, error) {
	src := s.SourceContext(ctx)
	names, err := src.ListServices()
	if err != nil {
		return nil, err
	}
	out := make([]protoreflect.ServiceDescriptor, 0, len(names))
	for _, n := range names {
		sd, err := dynamic.FindService(src, string(n))
		if err != nil {
			return nil, err
		}
		out = append(out, sd)
	}
	return out, nil
}

// List writes the services, one per line, or with a service name its
// methods as "pkg.Svc.Method", as grpcurl does.
func (s *Session) List(w io.Writer, service string) error {
	src := s.Source()
	if service == "" {
		names, err := src.ListServices()
		if err != nil {
			return err
		}
		for _, n := range names {
			// A reflection reply's names are free text.
			fmt.Fprintln(w, dynamic.SafeLine(string(n)))
		}
		return nil
	}
	sd, err := dynamic.FindService(src, service)
	if err != nil {
		return err
	}
	for i := 0; i < sd.Methods().Len(); i++ {
		fmt.Fprintln(w, sd.Methods().Get(i).FullName())
	}
	return nil
}

// Describe writes a symbol as .proto source.
func (s *Session) Describe(w io.Writer, symbol string) error {
	d, err := dynamic.FindDescriptor(s.Source(), symbol)
	if err != nil {
		return err
	}
	text, err := dynamic.Describe(d)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, text)
	return err
}

// Template writes the JSON template of a message, or of a method's request.
func (s *Session) Template(w io.Writer, name string) error {
	d, err := dynamic.FindDescriptor(s.Source(), name)
	if err != nil {
		return err
	}
	var md protoreflect.MessageDescriptor
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		md = d
	case protoreflect.MethodDescriptor:
		md = d.Input()
	default:
		return fmt.Errorf("%s is a %s: template takes a message or a method", d.FullName(), dynamic.KindOf(d))
	}
	_, err = fmt.Fprintln(w, dynamic.Template(s.Types(), md))
	return err
}

// Formatter prints messages with the session's settings.
func (s *Session) Formatter(multiline bool) dynamic.Formatter {
	st := s.Settings()
	return dynamic.Formatter{
		Text:         st.Format == "text",
		EmitDefaults: st.EmitDefaults,
		ProtoNames:   st.ProtoNames,
		Multiline:    multiline,
		Types:        s.Types(),
	}
}

// ParseRequest reads one JSON request of method m's input type.
func (s *Session) ParseRequest(m protoreflect.MethodDescriptor, data []byte) (proto.Message, error) {
	return dynamic.ParseJSON(s.Types(), m.Input(), data)
}

// RequestToSend reads one JSON request of m's input type that is about
// to be sent: see dynamic.ParseRequestJSON.
func (s *Session) RequestToSend(m protoreflect.MethodDescriptor, data []byte) (proto.Message, error) {
	return dynamic.ParseRequestJSON(s.Types(), m.Input(), data)
}

// Start begins a call of m with the session's headers and deadline, after
// making sure the connection is up (reconnecting if the server came back).
func (s *Session) Start(ctx context.Context, m protoreflect.MethodDescriptor) (*dynamic.Stream, error) {
	client, call, err := s.prepare(ctx, m)
	if err != nil {
		return nil, err
	}
	return client.Start(ctx, call)
}

// prepare makes sure the connection is up and describes a call of m with
// the session's metadata and deadline.
func (s *Session) prepare(ctx context.Context, m protoreflect.MethodDescriptor) (*dynamic.Client, dynamic.Call, error) {
	conn := s.Conn()
	if conn == nil {
		return nil, dynamic.Call{}, errors.New("not connected: give a target (or `connect TARGET`) to call methods")
	}
	if err := conn.Ready(ctx); err != nil {
		return nil, dynamic.Call{}, err
	}
	s.mu.Lock()
	client, header, deadline := s.client, s.header, s.settings.Deadline
	if len(header) > 0 {
		header = header.Copy() // header may change while the call runs
	}
	s.mu.Unlock()
	return client, dynamic.Call{Method: m, Header: header, Timeout: deadline}, nil
}

// Call runs a whole call of m, sending what next yields (io.EOF after the
// last request), and prints events to out as they arrive. A non-OK status
// is returned as an *RPCError.
func (s *Session) Call(ctx context.Context, m protoreflect.MethodDescriptor, next func() (proto.Message, error), out *Output) error {
	if !m.IsStreamingClient() {
		// A method that takes one request gets it checked whole, second
		// value included, before anything is sent: a mistake in the input
		// must not run a call on the server first.
		first, err := next()
		if err != nil {
			return err
		}
		if _, err := next(); !errors.Is(err, io.EOF) {
			if err == nil {
				err = usageErrorf("%s is a %s method: it takes one request, got more", m.Name(), dynamic.MethodKind(m))
			}
			return err
		}
		return s.callOne(ctx, m, first, out)
	}
	stream, err := s.Start(ctx, m)
	if err != nil {
		return err
	}
	// The sender reports before it cancels, so that when its error ends
	// the call, the error is there to be read when the events end.
	sendErr := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				sendErr <- fmt.Errorf("grpcsh internal error while sending: %v", r)
				stream.Cancel()
			}
		}()
		for {
			msg, err := next()
			if errors.Is(err, io.EOF) {
				sendErr <- stream.CloseSend()
				return
			}
			if err != nil {
				sendErr <- err
				stream.Cancel()
				return
			}
			if err := stream.Send(msg); err != nil {
				sendErr <- nil // the server ended the call: its status says why
				return
			}
		}
	}()
	var end dynamic.EndEvent
	for ev := range stream.Events() {
		if e, ok := ev.(dynamic.EndEvent); ok {
			end = e
		}
		if perr := out.Event(s, ev); perr != nil {
			stream.Cancel()
			for range stream.Events() {
				// Let the receiver finish: it ends once cancelled.
			}
			return perr
		}
	}
	select {
	case err := <-sendErr:
		if err != nil {
			return err
		}
	default:
		// The call ended while the sender still waits for input (a live
		// pipe, a terminal): the server has finished, and what is left of
		// the input cannot be sent. Don't wait for it.
	}
	if !end.Status.OK() {
		return &RPCError{Status: end.Status, Method: m}
	}
	return nil
}

// callOne runs a call that takes one request on this goroutine, printing
// its events as they come (see dynamic.Client.InvokeOne).
func (s *Session) callOne(ctx context.Context, m protoreflect.MethodDescriptor, req proto.Message, out *Output) error {
	client, call, err := s.prepare(ctx, m)
	if err != nil {
		return err
	}
	// out prints the reply and a script's let and expect read it as a
	// proto.Message: it may stay in its wire form.
	call.WireReplies = true
	var end dynamic.EndEvent
	err = client.InvokeOne(ctx, call, req, func(ev dynamic.Event) error {
		if e, ok := ev.(dynamic.EndEvent); ok {
			end = e
		}
		return out.Event(s, ev)
	})
	if err != nil {
		return err
	}
	if !end.Status.OK() {
		return &RPCError{Status: end.Status, Method: m}
	}
	return nil
}

// Explain builds the learner's lesson for calling m with the JSON request
// data: .proto source, codegen commands, client snippets, wire bytes and
// the equivalent grpcurl command (headers included, secrets redacted).
func (s *Session) Explain(m protoreflect.MethodDescriptor, data []byte) (*dynamic.Lesson, error) {
	target := dynamic.CallTarget{Address: "127.0.0.1:8888", Plaintext: true}
	if conn := s.Conn(); conn != nil {
		target = dynamic.CallTarget{Address: s.Target(), Plaintext: !conn.TLS()}
	}
	return s.explainFor(m, data, target)
}

func (s *Session) explainFor(m protoreflect.MethodDescriptor, data []byte, target dynamic.CallTarget) (*dynamic.Lesson, error) {
	req, err := s.ParseRequest(m, data)
	if err != nil {
		return nil, err
	}
	md := dynamic.Redact(s.Header())
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range md[k] {
			target.Flags = append(target.Flags, "-H", shellWord(k+": "+v))
		}
	}
	target.Header = s.Header()
	reqJSON := strings.TrimSpace(string(data))
	if reqJSON == "" {
		reqJSON = "{}"
	}
	return dynamic.Explain(m, req, reqJSON, target)
}

// ExplainSend builds the lesson and makes the call on a connection of its
// own, configured as the session's, whose HTTP/2 frames are captured (see
// dynamic.SendCaptured).
func (s *Session) ExplainSend(ctx context.Context, m protoreflect.MethodDescriptor, data []byte) (*dynamic.Lesson, error) {
	if s.Conn() == nil {
		lesson, err := s.Explain(m, data)
		if err != nil {
			return nil, err
		}
		lesson.SendErr = errors.New("not connected: give a target (or `connect TARGET`) to send the call")
		return lesson, nil
	}
	return s.ExplainSendTo(ctx, s.ConnConfig(), m, data)
}

// ExplainSendTo is ExplainSend to the server cfg names, which need not be
// the session's (a session on -proto files has none). The lesson comes
// back even when sending fails: its SendErr says why, and the static
// sections still stand.
func (s *Session) ExplainSendTo(ctx context.Context, cfg dynamic.ConnConfig, m protoreflect.MethodDescriptor, data []byte) (*dynamic.Lesson, error) {
	lesson, err := s.explainFor(m, data, dynamic.CallTarget{Address: cfg.Target, Plaintext: !dynamic.WouldUseTLS(cfg)})
	if err != nil {
		return nil, err
	}
	req, err := s.ParseRequest(m, data)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	header, deadline := s.header.Copy(), s.settings.Deadline
	s.mu.Unlock()
	call, err := dynamic.SendCaptured(ctx, cfg, s.Types(), dynamic.Call{Method: m, Header: header, Timeout: deadline}, []proto.Message{req})
	if err != nil {
		lesson.SendErr = err
		return lesson, nil
	}
	lesson.Call = call
	return lesson, nil
}

// shellWord quotes s for a POSIX shell.
func shellWord(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ServiceNames lists the services by full name, sorted.
func (s *Session) ServiceNames() ([]string, error) {
	names, err := s.Source().ListServices()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	slices.Sort(out)
	return out, nil
}

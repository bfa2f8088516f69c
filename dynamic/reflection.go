package dynamic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jhump/protoreflect/v2/grpcreflect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// DefaultReflectionTimeout bounds each reflection lookup when neither
// -max-time nor -connect-timeout is given.
const DefaultReflectionTimeout = 10 * time.Second

// ReflectionOptions configure a ReflectionSource.
type ReflectionOptions struct {
	// Header is sent with every reflection request.
	Header metadata.MD
	// Context is the parent of every lookup: cancelling it (Ctrl-C) ends
	// any lookup at once. Nil means context.Background().
	Context context.Context
	// Timeout bounds each lookup (all the requests one FindSymbol or
	// ListServices takes); 0 means DefaultReflectionTimeout.
	Timeout time.Duration
	// TimeoutFlag names where Timeout came from ("-max-time",
	// "-connect-timeout"), for the message when it passes.
	TimeoutFlag string
	// ParentDeadline describes the deadline Context may carry, for the
	// message when it passes first: "2s (-max-time)". Empty means "the
	// deadline of the operation".
	ParentDeadline string
	// Target names the server in messages ("server reflection on
	// 127.0.0.1:8888 did not answer…").
	Target string
	// Ready, when set, runs before each lookup with the lookup's context:
	// (*Conn).Ready, which reconnects at once when the server came back.
	Ready func(ctx context.Context) error
}

// ReflectionSource asks the server, over gRPC server reflection. It is lazy
// (fetches only what is asked) and caches what it fetched for its lifetime.
//
// Every lookup is bounded (ReflectionOptions.Timeout, and its context), so
// a server whose reflection never answers cannot hang grpcsh; and the
// reflection stream is closed after each lookup, so that an idle session
// holds no stream open: a server's GracefulStop is not held up by it, and
// the lookup after a server restart opens a fresh stream at once.
type ReflectionSource struct {
	opts   ReflectionOptions
	client *grpcreflect.Client
	// mu makes lookups take turns: the stream the client opens belongs to
	// the lookup that holds it, and is bounded by that lookup's context.
	mu     sync.Mutex
	lookup context.Context
}

// NewReflectionSource uses reflection v1 and falls back to v1alpha when the
// server lacks v1. header is sent with every reflection request. Lookups
// take at most DefaultReflectionTimeout each.
func NewReflectionSource(cc grpc.ClientConnInterface, header metadata.MD) *ReflectionSource {
	return NewReflectionSourceWith(cc, ReflectionOptions{Header: header})
}

// NewReflectionSourceWith is NewReflectionSource with options.
func NewReflectionSourceWith(cc grpc.ClientConnInterface, opts ReflectionOptions) *ReflectionSource {
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultReflectionTimeout
		opts.TimeoutFlag = ""
	}
	r := &ReflectionSource{opts: opts}
	r.client = grpcreflect.NewClientAuto(context.Background(), &lookupConn{cc: cc, r: r})
	return r
}

// Reflection is the reflection source of this connection: each lookup
// first makes sure the connection is up (see Ready), and is bounded by
// opts.Timeout, or the -connect-timeout when that is 0. Target and Ready
// are the connection's.
func (c *Conn) Reflection(opts ReflectionOptions) *ReflectionSource {
	if opts.Timeout <= 0 {
		opts.Timeout, opts.TimeoutFlag = c.settings.cfg.ConnectTimeout, "-connect-timeout"
	}
	opts.Target = c.settings.target.display
	opts.Ready = c.Ready
	return NewReflectionSourceWith(c.Transport(), opts)
}

// Close ends the reflection stream, if a lookup has one open.
func (r *ReflectionSource) Close() { r.client.Reset() }

// WithContext is the source with ctx as the parent of its lookups, instead
// of ReflectionOptions.Context: the TUI ends a lookup when the user quits.
func (r *ReflectionSource) WithContext(ctx context.Context) Source {
	return reflectionView{r: r, ctx: ctx}
}

func (r *ReflectionSource) ListServices() ([]protoreflect.FullName, error) {
	return r.listServices(r.opts.Context)
}

func (r *ReflectionSource) FindSymbol(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	return r.findSymbol(r.opts.Context, name)
}

func (r *ReflectionSource) FindExtensions(message protoreflect.FullName) ([]protoreflect.ExtensionDescriptor, error) {
	return r.findExtensions(r.opts.Context, message)
}

// reflectionView is a ReflectionSource whose lookups run under ctx.
type reflectionView struct {
	r   *ReflectionSource
	ctx context.Context
}

func (v reflectionView) ListServices() ([]protoreflect.FullName, error) {
	return v.r.listServices(v.ctx)
}

func (v reflectionView) FindSymbol(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	return v.r.findSymbol(v.ctx, name)
}

func (v reflectionView) FindExtensions(message protoreflect.FullName) ([]protoreflect.ExtensionDescriptor, error) {
	return v.r.findExtensions(v.ctx, message)
}

func (v reflectionView) WithContext(ctx context.Context) Source { return v.r.WithContext(ctx) }

// WithContext returns src with ctx bounding its lookups, for sources that
// ask a server (reflection, and composites holding it); file sources come
// back as they are.
func WithContext(ctx context.Context, src Source) Source {
	if c, ok := src.(interface {
		WithContext(context.Context) Source
	}); ok {
		return c.WithContext(ctx)
	}
	return src
}

// do runs one lookup: it takes its turn, connects if need be, bounds the
// lookup, and closes the stream afterwards. what says what was asked, for
// errors.
func (r *ReflectionSource) do(ctx context.Context, what string, f func() error) error {
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		return r.interrupted(what, err)
	} else if err != nil {
		return r.silent(what, ctx, 0)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	lctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	if len(r.opts.Header) > 0 {
		lctx = metadata.NewOutgoingContext(lctx, r.opts.Header)
	}
	start := time.Now()
	var err error
	if r.opts.Ready != nil {
		// Waiting for the connection counts against the lookup's bound, and
		// its failures are worded like the lookup's own (a loaded machine
		// can spend the whole bound here).
		err = r.opts.Ready(lctx)
		if err != nil && lctx.Err() == nil && status.Code(err) != codes.DeadlineExceeded {
			return err // the connection's own explained failure
		}
	}
	if err == nil {
		r.lookup = lctx
		err = f()
		// No stream stays open between lookups (see ReflectionSource).
		r.client.Reset()
		r.lookup = nil
	}
	if err == nil {
		return nil
	}
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		return r.interrupted(what, ctx.Err())
	case lctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded:
		// The server may end the stream at the deadline (grpc sends it
		// along) a moment before the client's own timer fires.
		return r.silent(what, ctx, time.Since(start))
	}
	return r.explain(what, err)
}

// server names the server in messages.
func (r *ReflectionSource) server() string {
	if r.opts.Target == "" {
		return "server reflection"
	}
	return "server reflection on " + SafeLine(r.opts.Target)
}

func (r *ReflectionSource) interrupted(what string, err error) error {
	return &ReflectionError{msg: fmt.Sprintf("%s (%s): interrupted", r.server(), what), code: codes.Canceled, cause: err}
}

// silent explains a lookup that ran out of time: its own bound, or the
// deadline of the operation it is part of.
func (r *ReflectionSource) silent(what string, parent context.Context, waited time.Duration) error {
	within := r.opts.Timeout.String()
	if r.opts.TimeoutFlag != "" {
		within += " (" + r.opts.TimeoutFlag + ")"
	}
	if parent.Err() != nil {
		within = r.opts.ParentDeadline
		if within == "" {
			within = "the deadline of the operation (" + waited.Round(time.Millisecond).String() + ")"
		}
	}
	return &ReflectionError{
		msg:   fmt.Sprintf("%s did not answer within %s (%s); pass -proto or -protoset files to describe the API without reflection", r.server(), within, what),
		code:  codes.DeadlineExceeded,
		cause: context.DeadlineExceeded,
	}
}

// explain words the other failures of a lookup.
func (r *ReflectionSource) explain(what string, err error) error {
	st, isStatus := status.FromError(err)
	code := st.Code()
	switch {
	case code == codes.Unimplemented:
		return ErrNoReflection
	case code == codes.ResourceExhausted && strings.Contains(st.Message(), "received message larger than max"):
		return &ReflectionError{
			msg:  fmt.Sprintf("%s (%s): the reply is larger than grpcsh accepts (%s): raise grpcsh's limit with -max-msg-sz BYTES", r.server(), what, SafeLine(st.Message())),
			code: code, cause: err,
		}
	}
	if missing := missingImport(err); missing != "" {
		return &ReflectionError{
			msg:  fmt.Sprintf("%s (%s): its file imports %s, which the server does not serve", r.server(), what, SafeLine(missing)),
			code: codes.NotFound, cause: err,
		}
	}
	if !isStatus {
		// Not a status: the server's reply could not be used (bad
		// descriptor bytes, an import cycle, a file that does not build).
		return &ReflectionError{
			msg:  fmt.Sprintf("%s (%s): the server's descriptors are broken: %s", r.server(), what, SafeLine(err.Error())),
			code: codes.Internal, cause: err,
		}
	}
	return &ReflectionError{msg: fmt.Sprintf("%s (%s): %s", r.server(), what, SafeLine(err.Error())), code: code, cause: err}
}

// missingImport names the file a "symbol not found … caused by: file not
// found: F" error lacks: the symbol exists, an import of its file does not.
// (grpcreflect's error type is unexported; its text is the interface.)
func missingImport(err error) string {
	if !grpcreflect.IsElementNotFoundError(err) {
		return ""
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) < 2 {
		return ""
	}
	f, ok := strings.CutPrefix(lines[len(lines)-1], "caused by: file not found: ")
	if !ok {
		return ""
	}
	return f
}

// ReflectionError is a reflection lookup that failed: the server did not
// answer in time, the lookup was interrupted, or its reply was unusable.
// Its message names the server and what was asked.
type ReflectionError struct {
	msg   string
	code  codes.Code
	cause error
}

func (e *ReflectionError) Error() string              { return e.msg }
func (e *ReflectionError) Unwrap() error              { return e.cause }
func (e *ReflectionError) GRPCStatus() *status.Status { return status.New(e.code, e.msg) }

func (r *ReflectionSource) listServices(ctx context.Context) ([]protoreflect.FullName, error) {
	var names []protoreflect.FullName
	err := r.do(ctx, "listing services", func() error {
		var err error
		names, err = r.client.ListServices()
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

func (r *ReflectionSource) findSymbol(ctx context.Context, name protoreflect.FullName) (protoreflect.Descriptor, error) {
	var fd protoreflect.FileDescriptor
	notFound := false
	err := r.do(ctx, "looking up "+SafeLine(string(name)), func() error {
		var err error
		fd, err = r.client.FileContainingSymbol(name)
		if err != nil && grpcreflect.IsElementNotFoundError(err) && missingImport(err) == "" {
			notFound = true
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !notFound {
		if d := findInFile(fd, name); d != nil {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%s: %w on the server", SafeLine(string(name)), ErrNotFound)
}

func (r *ReflectionSource) findExtensions(ctx context.Context, message protoreflect.FullName) ([]protoreflect.ExtensionDescriptor, error) {
	var exts []protoreflect.ExtensionDescriptor
	err := r.do(ctx, "listing the extensions of "+SafeLine(string(message)), func() error {
		nums, err := r.client.AllExtensionNumbersForType(message)
		if err != nil {
			if grpcreflect.IsElementNotFoundError(err) || status.Code(err) == codes.NotFound {
				return nil
			}
			return err
		}
		for _, n := range nums {
			fd, err := r.client.FileContainingExtension(message, n)
			if err != nil {
				return err
			}
			exts = append(exts, extensionsOf(fd, message, n)...)
		}
		return nil
	})
	return exts, err
}

// ErrNoReflection is wrapped when the server offers no reflection service.
var ErrNoReflection = errors.New("the server does not offer reflection (tried v1 and v1alpha): describe its API with -proto FILE or -protoset FILE")

// lookupConn opens the reflection streams of a ReflectionSource under the
// context of the lookup that runs (grpcreflect keeps the context it was
// made with for every stream it opens).
type lookupConn struct {
	cc grpc.ClientConnInterface
	r  *ReflectionSource
}

func (l *lookupConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	return l.cc.Invoke(l.ctx(ctx), method, args, reply, opts...)
}

func (l *lookupConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	sctx, cancel := context.WithCancel(l.ctx(ctx))
	// The stream ends with whichever ends first: the lookup, or the reset
	// grpcreflect does by cancelling its own context.
	stop := context.AfterFunc(ctx, cancel)
	cs, err := l.cc.NewStream(sctx, desc, method, opts...)
	if err != nil {
		stop()
		cancel()
		return nil, err
	}
	return cs, nil
}

// ctx is the running lookup's context (the caller holds r.mu), or ctx
// outside a lookup (Close's reset, which opens nothing).
func (l *lookupConn) ctx(ctx context.Context) context.Context {
	if l.r.lookup != nil {
		return l.r.lookup
	}
	return ctx
}

package dynamic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Client invokes methods over one connection, with the descriptors of one
// source. It is safe for concurrent use.
type Client struct {
	CC    grpc.ClientConnInterface
	Types *Types
	// Explain, when set, rewords a call's error when the connection is to
	// blame (see Conn.Explain), so that a connection breaking during a call
	// says what happened and what to do.
	Explain func(error) error
	// Calls, when set, keeps the HTTP/2 frames of the calls started (see
	// CallCapture, Stream.Wire); it must be the connection's.
	Calls *CallCapture
}

// Call is one RPC to start.
type Call struct {
	Method  protoreflect.MethodDescriptor
	Header  metadata.MD   // request metadata
	Timeout time.Duration // 0: no deadline beyond ctx's
	// CallOptions are passed to grpc as they are (compression, sizes...).
	CallOptions []grpc.CallOption
	// WireReplies lets InvokeOne keep a unary call's reply of a plain
	// shape in its wire form: its MessageEvent has Wire set, not Message
	// (see MessageEvent.Proto). For a caller that prints the reply or
	// looks at it through proto.Message: a script's call, not the TUI.
	WireReplies bool
}

// Event is what a running call reports, in order: one HeaderEvent (unless
// the call failed before the server answered), MessageEvents, one EndEvent.
type Event interface{ isEvent() }

// HeaderEvent carries the response headers.
type HeaderEvent struct {
	Header  metadata.MD
	Elapsed time.Duration // since the call started
}

// MessageEvent carries one response message: Message, or Wire for a
// reply kept in its wire form (Call.WireReplies).
type MessageEvent struct {
	Message *dynamicpb.Message
	Wire    *WireMessage
	Index   int // from 1
	Elapsed time.Duration
}

// Proto is the message, whichever form it came in.
func (e MessageEvent) Proto() proto.Message {
	if e.Wire != nil {
		return e.Wire
	}
	return e.Message
}

// EndEvent is the last event: the status, with decoded details, and the
// trailers.
type EndEvent struct {
	Status   *Status
	Trailer  metadata.MD
	Elapsed  time.Duration
	Sent     int // request messages sent
	Received int // response messages received
}

func (HeaderEvent) isEvent()  {}
func (MessageEvent) isEvent() {}
func (EndEvent) isEvent()     {}

// Stream is a running call of any kind. Send request messages (exactly one
// for unary and server-streaming methods), then CloseSend; read Events
// until it is closed after the EndEvent. Cancel ends the call at once.
type Stream struct {
	ctx      context.Context // the call's own: its deadline and cancel
	explain  func(error) error
	timeout  time.Duration
	method   protoreflect.MethodDescriptor
	cs       grpc.ClientStream
	cancel   context.CancelFunc
	events   chan Event
	start    time.Time
	mu       sync.Mutex
	sent     int
	sizes    map[int]bool // of the requests sent, to tell whose size limit a status means
	closed   bool
	sendErr  error
	received int
	openErr  error        // why the stream did not open (cs is nil)
	calls    *CallCapture // with wire, when the call's frames are kept
	wire     *callWire
}

// Wire is the call's HTTP/2 frames so far, with Method set but not its
// status; nil when its client had no CallCapture.
func (s *Stream) Wire() *CapturedCall {
	if s.wire == nil {
		return nil
	}
	c := s.calls.snapshot(s.wire)
	c.Method = s.method
	return c
}

// Start begins a call. It does not wait for the server.
func (c *Client) Start(ctx context.Context, call Call) (*Stream, error) {
	s, err := c.open(ctx, call)
	if err != nil {
		return nil, err
	}
	s.events = make(chan Event, 64)
	if s.cs == nil {
		// The call never started (no connection, deadline...): report it
		// as an ended call so callers have one path.
		go func() {
			s.events <- s.failedToStart(c.Types)
			close(s.events)
		}()
		return s, nil
	}
	go s.receive(c.Types)
	return s, nil
}

// open starts the call's gRPC stream; s.cs is nil (and s.openErr says why)
// when it could not start.
func (c *Client) open(ctx context.Context, call Call) (*Stream, error) {
	m := call.Method
	if m == nil {
		return nil, errors.New("no method")
	}
	var cancel context.CancelFunc
	if call.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, call.Timeout)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	if len(call.Header) > 0 {
		ctx = metadata.NewOutgoingContext(ctx, call.Header)
	}
	desc := &grpc.StreamDesc{
		StreamName:    string(m.Name()),
		ServerStreams: m.IsStreamingServer(),
		ClientStreams: m.IsStreamingClient(),
	}
	s := &Stream{ctx: ctx, timeout: call.Timeout, method: m, cancel: cancel, start: time.Now(), explain: c.Explain}
	var cs grpc.ClientStream
	var err error
	if c.Calls != nil {
		c.Calls.startMu.Lock()
		s.wire, s.calls = c.Calls.expect("/"+MethodPath(m)), c.Calls
		cs, err = c.CC.NewStream(ctx, desc, "/"+MethodPath(m), call.CallOptions...)
		c.Calls.startMu.Unlock()
		if err != nil {
			c.Calls.forget(s.wire)
		}
	} else {
		cs, err = c.CC.NewStream(ctx, desc, "/"+MethodPath(m), call.CallOptions...)
	}
	if err != nil {
		s.openErr = err
		return s, nil
	}
	s.cs = cs
	return s, nil
}

// invokeUnary is InvokeOne for a unary method: grpc's own unary path, as a
// generated stub calls it (one Invoke, headers and trailers through call
// options), which costs less than a stream. The events are a stream's: a
// HeaderEvent when the server sent headers (not for a trailers-only
// failure: grpc gives nil headers then), the MessageEvent, the EndEvent.
func (c *Client) invokeUnary(ctx context.Context, call Call, req proto.Message, onEvent func(Event) error) (emitErr error) {
	m := call.Method
	if got, want := messageType(req).FullName(), m.Input().FullName(); got != want {
		return fmt.Errorf("request is a %s, %s takes a %s", got, m.Name(), want)
	}
	start := time.Now()
	var cancel context.CancelFunc
	if call.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, call.Timeout)
		defer cancel()
	}
	if len(call.Header) > 0 {
		ctx = metadata.NewOutgoingContext(ctx, call.Header)
	}
	// ownEnd words the deadline and cancels grpcsh caused.
	words := &Stream{ctx: ctx, timeout: call.Timeout}
	// A bug here must end the call with an error, not the process.
	defer func() {
		if r := recover(); r != nil {
			emitErr = onEvent(EndEvent{Status: DecodeStatusWith(c.Types, status.Newf(codes.Internal, "grpcsh internal error: %v", r)), Elapsed: time.Since(start)})
		}
	}()
	// The metadata grpc fills in and the call's options, in one
	// allocation rather than three (BenchmarkScriptVsStub).
	mdOpts := &unaryMD{}
	opts := append(append(mdOpts.opts[:0], call.CallOptions...), grpc.Header(&mdOpts.header), grpc.Trailer(&mdOpts.trailer))
	var reply any
	var wire *WireMessage
	if _, grpcConn := c.CC.(*grpc.ClientConn); call.WireReplies && grpcConn && plainShapeOf(m.Output()) != nil {
		wire = &WireMessage{md: m.Output(), types: c.Types}
		reply = wire
	} else {
		reply = c.Types.New(m.Output())
	}
	err := c.CC.Invoke(ctx, rpcPath(m), req, reply, opts...)
	header, trailer := mdOpts.header, mdOpts.trailer
	if header != nil {
		if err := onEvent(HeaderEvent{Header: header, Elapsed: time.Since(start)}); err != nil {
			return err
		}
	}
	received := 0
	if err == nil {
		received = 1
		ev := MessageEvent{Index: 1, Elapsed: time.Since(start)}
		switch {
		case wire == nil:
			ev.Message = reply.(*dynamicpb.Message)
		case wire.msg.Load() != nil: // the codec decoded it (see unmarshalWire)
			ev.Message = wire.msg.Load()
		default:
			ev.Wire = wire
		}
		if err := onEvent(ev); err != nil {
			return err
		}
	}
	if err != nil && c.Explain != nil && status.Code(err) == codes.Unavailable {
		err = c.Explain(err)
	}
	st := words.ownEnd(status.Convert(err))
	if st.Code() == codes.ResourceExhausted && strings.Contains(st.Message(), "received message larger than max") {
		// Whose limit it was: the server's when the size is the request's.
		st = status.New(st.Code(), st.Message()+sizeLimitHint(st.Message(), func(n int) bool { return n == messageSize(req) }))
	}
	sent := 1
	if err != nil && header == nil && st.Code() == codes.Unavailable {
		sent = 0 // no connection: the request did not go out
	}
	return onEvent(EndEvent{Status: DecodeStatusWith(c.Types, st), Trailer: trailer, Elapsed: time.Since(start), Sent: sent, Received: received})
}

// messageType is m's type, without decoding a WireMessage.
func messageType(m proto.Message) protoreflect.MessageDescriptor {
	if w, ok := m.(*WireMessage); ok {
		return w.md
	}
	return m.ProtoReflect().Descriptor()
}

// messageSize is proto.Size(m), without decoding a WireMessage.
func messageSize(m proto.Message) int {
	if w, ok := m.(*WireMessage); ok {
		if wire, ok := w.undecoded(); ok {
			return len(wire)
		}
	}
	return proto.Size(m)
}

// unaryMD is what invokeUnary asks grpc to fill in, and room for the
// call's options: its own (the session's codec and sizes are the dial's
// defaults, not these) and the two here.
type unaryMD struct {
	header, trailer metadata.MD
	opts            [6]grpc.CallOption
}

// failedToStart is the EndEvent of a call whose stream did not open.
func (s *Stream) failedToStart(types *Types) EndEvent {
	defer s.cancel()
	return EndEvent{Status: DecodeStatusWith(types, s.ownEnd(status.Convert(s.openErr))), Elapsed: time.Since(s.start)}
}

// InvokeOne runs a call that takes one request (unary or server stream)
// on the calling goroutine, handing its events to onEvent as they come:
// the same events, in the same order, as Start and Events give, without
// the goroutines and channel a call with a request stream needs. For a
// script's unary call those were most of the cost over a generated stub
// (bench/run, BenchmarkScriptVsStub). An error from onEvent cancels the
// call and is returned.
func (c *Client) InvokeOne(ctx context.Context, call Call, req proto.Message, onEvent func(Event) error) error {
	if call.Method != nil && call.Method.IsStreamingClient() {
		return fmt.Errorf("%s is a %s method: InvokeOne sends one request", call.Method.Name(), MethodKind(call.Method))
	}
	if call.Method != nil && !call.Method.IsStreamingServer() {
		return c.invokeUnary(ctx, call, req, onEvent)
	}
	s, err := c.open(ctx, call)
	if err != nil {
		return err
	}
	if s.cs == nil {
		return onEvent(s.failedToStart(c.Types))
	}
	if err := s.Send(req); err != nil {
		s.mu.Lock()
		local := s.sendErr == nil // refused before it reached gRPC
		s.mu.Unlock()
		if local {
			s.cancel()
			return err
		}
		// Otherwise the server ended the call: its status says why.
	} else if err := s.CloseSend(); err != nil {
		s.cancel()
		return err
	}
	return s.receiveAll(c.Types, onEvent)
}

// Method is the method being called.
func (s *Stream) Method() protoreflect.MethodDescriptor { return s.method }

// Events delivers the call's events; it is closed after the EndEvent.
func (s *Stream) Events() <-chan Event { return s.events }

// Send sends one request message. For unary and server-streaming methods
// only one may be sent.
func (s *Stream) Send(msg proto.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cs == nil {
		return errors.New("the call did not start")
	}
	if s.closed {
		return errors.New("the request stream is already closed")
	}
	if !s.method.IsStreamingClient() && s.sent == 1 {
		return fmt.Errorf("%s is a %s method: it takes exactly one request message", s.method.Name(), MethodKind(s.method))
	}
	if got, want := messageType(msg).FullName(), s.method.Input().FullName(); got != want {
		return fmt.Errorf("request is a %s, %s takes a %s", got, s.method.Name(), want)
	}
	if s.sizes == nil {
		s.sizes = map[int]bool{}
	}
	s.sizes[messageSize(msg)] = true
	if err := s.cs.SendMsg(msg); err != nil {
		// io.EOF means the server ended the call; its status arrives as the
		// EndEvent, so the send error itself says nothing more.
		if errors.Is(err, io.EOF) {
			err = errors.New("the server ended the call")
		}
		s.sendErr = err
		return err
	}
	s.sent++
	return nil
}

// CloseSend says no more requests will be sent. For unary and
// server-streaming methods it is an error to close without sending the one
// request.
func (s *Stream) CloseSend() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cs == nil || s.closed {
		return nil
	}
	if !s.method.IsStreamingClient() && s.sent == 0 {
		return fmt.Errorf("%s is a %s method: send its request before closing", s.method.Name(), MethodKind(s.method))
	}
	s.closed = true
	return s.cs.CloseSend()
}

// Cancel ends the call; the EndEvent reports CANCELLED.
func (s *Stream) Cancel() { s.cancel() }

// Sent counts the request messages sent so far.
func (s *Stream) Sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}

func (s *Stream) receive(types *Types) {
	defer close(s.events)
	s.receiveAll(types, func(ev Event) error {
		s.events <- ev
		return nil
	})
}

// receiveAll reads the call to its end, handing each event to emit. An
// error from emit cancels the call and is returned.
func (s *Stream) receiveAll(types *Types, emit func(Event) error) (emitErr error) {
	defer s.cancel()
	if s.wire != nil {
		defer s.calls.settle(s.wire)
	}
	// A bug here must end the call with an error, not the process.
	defer func() {
		if r := recover(); r != nil {
			emitErr = emit(EndEvent{Status: DecodeStatusWith(types, status.Newf(codes.Internal, "grpcsh internal error: %v", r)), Elapsed: time.Since(s.start)})
		}
	}()
	header, err := s.cs.Header()
	// A trailers-only answer (a call that failed at once) has no headers:
	// grpc gives nil then, and no HeaderEvent is sent.
	if err == nil && header != nil {
		if err := emit(HeaderEvent{Header: header, Elapsed: time.Since(s.start)}); err != nil {
			return err
		}
	}
	var endErr error
	for err == nil {
		msg := types.New(s.method.Output())
		if err = s.cs.RecvMsg(msg); err != nil {
			if !errors.Is(err, io.EOF) {
				endErr = err
			}
			break
		}
		s.received++
		if err := emit(MessageEvent{Message: msg, Index: s.received, Elapsed: time.Since(s.start)}); err != nil {
			return err
		}
		if !s.method.IsStreamingServer() {
			// grpc has already checked that nothing follows the one
			// response; the status is final.
			break
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		endErr = err
	}
	if endErr != nil && s.explain != nil && status.Code(endErr) == codes.Unavailable {
		endErr = s.explain(endErr)
	}
	st := s.ownEnd(status.Convert(endErr))
	if st.Code() == codes.ResourceExhausted && strings.Contains(st.Message(), "received message larger than max") {
		st = status.New(st.Code(), st.Message()+s.whoseLimit(st.Message()))
	}
	return emit(EndEvent{
		Status:   DecodeStatusWith(types, st),
		Trailer:  s.cs.Trailer(),
		Elapsed:  time.Since(s.start),
		Sent:     s.Sent(),
		Received: s.received,
	})
}

// deadlinePassed says the call's own deadline is over. grpc's streams
// run on contexts derived from the call's, whose timers may fire a moment
// before the call's own: the clock decides, not which timer fired first.
func (s *Stream) deadlinePassed() bool {
	if errors.Is(s.ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	deadline, ok := s.ctx.Deadline()
	return ok && !time.Now().Before(deadline)
}

// whoseLimit is sizeLimitHint for the requests of this stream.
func (s *Stream) whoseLimit(msg string) string {
	return sizeLimitHint(msg, func(size int) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.sizes[size]
	})
}

// sizeLimitHint is what to add to a "received message larger than max
// (SIZE vs. LIMIT)" status to say whose receive limit it is: the server's
// when SIZE is that of a request grpcsh sent (grpc words both sides'
// refusals alike), else grpcsh's own, which -max-msg-sz raises. sent says
// whether a request of that many bytes was sent.
func sizeLimitHint(msg string, sent func(size int) bool) string {
	var size, limit int
	if i := strings.Index(msg, "larger than max ("); i >= 0 {
		fmt.Sscanf(msg[i+len("larger than max ("):], "%d vs. %d", &size, &limit)
	}
	if size > 0 && sent(size) {
		return fmt.Sprintf(": the server's receive limit (%d bytes) refused a request of %d bytes; -max-msg-sz raises grpcsh's limit, not the server's: send a smaller request, or raise the limit on the server", limit, size)
	}
	return "; raise grpcsh's limit with -max-msg-sz BYTES"
}

// ownEnd words a status that grpcsh itself caused, its deadline or a
// cancel, the same way every time: grpc reports those either as the
// context's error or as the stream reset that followed, depending on which
// it noticed first.
func (s *Stream) ownEnd(st *status.Status) *status.Status {
	switch {
	case st.Code() == codes.DeadlineExceeded && s.timeout > 0 && s.deadlinePassed():
		return status.Newf(codes.DeadlineExceeded, "the call's deadline of %s passed before it ended", s.timeout)
	case st.Code() == codes.Canceled && errors.Is(s.ctx.Err(), context.Canceled):
		return status.New(codes.Canceled, "cancelled by grpcsh")
	}
	return st
}

// Invoke runs a whole call: it sends every request that next yields (next
// returns io.EOF after the last), then closes, and hands every event to
// onEvent as it happens. It returns the final status. It is how one-shot
// calls and scripts call; the TUI drives a Stream itself.
func (c *Client) Invoke(ctx context.Context, call Call, next func() (proto.Message, error), onEvent func(Event)) (*Status, error) {
	s, err := c.Start(ctx, call)
	if err != nil {
		return nil, err
	}
	sendDone := make(chan error, 1)
	go func() {
		sendDone <- func() error {
			for {
				msg, err := next()
				if errors.Is(err, io.EOF) {
					return s.CloseSend()
				}
				if err != nil {
					s.Cancel()
					return err
				}
				if err := s.Send(msg); err != nil {
					// The server ended the call early: its status says why.
					return nil
				}
			}
		}()
	}()
	var end *Status
	for ev := range s.Events() {
		if e, ok := ev.(EndEvent); ok {
			end = e.Status
		}
		if onEvent != nil {
			onEvent(ev)
		}
	}
	if err := <-sendDone; err != nil {
		return end, err
	}
	return end, nil
}

// Status is a call's final status with its details decoded.
type Status struct {
	*status.Status
	Details []Detail
}

// OK says the call succeeded.
func (s *Status) OK() bool { return s == nil || s.Status == nil || s.Code() == 0 }

// Detail is one status detail. Message is nil when its type is unknown to
// both the source and grpcsh; TypeURL and Value are always kept.
type Detail struct {
	TypeURL string
	Value   []byte
	Message proto.Message
}

// DecodeStatus decodes the details of st with the client's types.
func (c *Client) DecodeStatus(st *status.Status) *Status {
	return DecodeStatusWith(c.Types, st)
}

// DecodeStatusWith decodes the details of st: google.rpc.* and any type
// types can resolve (the server's own detail types, through reflection).
func DecodeStatusWith(types *Types, st *status.Status) *Status {
	out := &Status{Status: st}
	if types == nil {
		types = NewTypes(nil)
	}
	for _, a := range st.Proto().GetDetails() {
		d := Detail{TypeURL: a.GetTypeUrl(), Value: a.GetValue()}
		if mt, err := types.FindMessageByURL(a.GetTypeUrl()); err == nil {
			m := mt.New().Interface()
			opts := proto.UnmarshalOptions{Resolver: types}
			if opts.Unmarshal(a.GetValue(), m) == nil {
				d.Message = m
			}
		}
		out.Details = append(out.Details, d)
	}
	return out
}

package dynamic

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Protocol is the RPC protocol calls speak (-protocol): gRPC through
// grpc-go, or gRPC-Web and Connect through connect-go. The names are buf
// curl's.
type Protocol int

const (
	ProtocolGRPC Protocol = iota
	ProtocolGRPCWeb
	ProtocolConnect
)

func (p Protocol) String() string {
	switch p {
	case ProtocolGRPCWeb:
		return "grpcweb"
	case ProtocolConnect:
		return "connect"
	}
	return "grpc"
}

// title is the protocol's name in messages.
func (p Protocol) title() string {
	switch p {
	case ProtocolGRPCWeb:
		return "gRPC-Web"
	case ProtocolConnect:
		return "Connect"
	}
	return "gRPC"
}

// ParseProtocol reads a -protocol value.
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "grpc", "":
		return ProtocolGRPC, nil
	case "grpcweb", "grpc-web":
		return ProtocolGRPCWeb, nil
	case "connect":
		return ProtocolConnect, nil
	}
	return 0, fmt.Errorf("unknown protocol %q: use grpc, grpcweb or connect", s)
}

// HTTPVersion is -http1 / -http2 for gRPC-Web and Connect (gRPC is always
// HTTP/2). HTTPAuto negotiates with ALPN over TLS and speaks HTTP/2 without
// TLS (h2c with prior knowledge, as gRPC itself does), so that bidi streams
// and server reflection, which need HTTP/2, work by default.
type HTTPVersion int

const (
	HTTPAuto HTTPVersion = iota
	HTTP1
	HTTP2
)

// connectTransport makes calls with connect-go over net/http. It is a
// grpc.ClientConnInterface so that the engine (Client, ReflectionSource)
// runs unchanged over it: every status, header and trailer comes back the
// way grpc-go reports them.
type connectTransport struct {
	protocol Protocol
	baseURL  string
	http     *http.Client
	http1    bool // the connection is known to be HTTP/1.1 (-http1)
	addr     string
	network  string
	timeout  time.Duration
	opts     []connect.ClientOption
	agent    string
	tls      *tls.Config // nil for plaintext
	clients  sync.Map    // clientKey → *connect.Client
	proxy    *connProxy  // -proxy or the environment's, as for gRPC
}

// dialServer opens a connection to the server, through the proxy when one
// applies (-proxy, HTTPS_PROXY…: the same choice and CONNECT as gRPC's).
func (t *connectTransport) dialServer(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: t.timeout}
	if t.network == "tcp" && t.proxy != nil {
		if u := t.proxy.forAddr(t.addr); u != nil {
			return proxyDial(ctx, d, u, t.proxy.from, t.addr)
		}
	}
	return d.DialContext(ctx, t.network, t.addr)
}

// newConnectTransport builds the HTTP client the ConnConfig describes.
func newConnectTransport(s connSettings) (*connectTransport, error) {
	cfg := s.cfg
	t := &connectTransport{protocol: cfg.Protocol, timeout: cfg.ConnectTimeout, agent: cfg.UserAgent + " connect-go/" + connect.Version, network: "tcp", proxy: s.proxy}
	switch {
	case s.target.unix && len(s.target.addrs) == 1:
		t.network, t.addr = "unix", s.target.addrs[0]
	case len(s.target.addrs) > 0:
		// A failover list: connect-go has no balancer; the first address.
		t.addr = s.target.addrs[0]
	default:
		return nil, fmt.Errorf("target %q: -protocol %s needs host:port or a unix socket", cfg.Target, cfg.Protocol)
	}
	host := t.addr
	if t.network == "unix" {
		host = "localhost"
	}
	if cfg.Authority != "" {
		host = cfg.Authority
	}
	scheme := "http"
	protocols := new(http.Protocols)
	switch {
	case cfg.HTTP == HTTP1:
		protocols.SetHTTP1(true)
		t.http1 = true
	case s.useTLS && cfg.HTTP == HTTPAuto:
		protocols.SetHTTP1(true)
		protocols.SetHTTP2(true)
	case s.useTLS:
		protocols.SetHTTP2(true)
	default:
		protocols.SetUnencryptedHTTP2(true)
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return t.dialServer(ctx)
		},
		Protocols:           protocols,
		MaxIdleConnsPerHost: 4,
		// Responses are decompressed by connect-go, which asks for gzip.
		DisableCompression: true,
	}
	if s.useTLS {
		scheme = "https"
		tc := s.tls.Clone()
		tc.NextProtos = nil // net/http offers h2 and/or http/1.1 from Protocols
		if tc.ServerName == "" {
			// As grpc does: the authority's host, else the target's.
			tc.ServerName = host
			if h, _, err := net.SplitHostPort(host); err == nil {
				tc.ServerName = h
			}
		}
		tr.TLSClientConfig = tc
		t.tls = tc
	}
	t.http = &http.Client{Transport: tr}
	t.baseURL = scheme + "://" + host
	switch cfg.Protocol {
	case ProtocolGRPCWeb:
		t.opts = append(t.opts, connect.WithGRPCWeb())
	case ProtocolGRPC:
		t.opts = append(t.opts, connect.WithGRPC())
	}
	// gRPC's default receive limit, so that -max-msg-sz means the same.
	limit := 4 << 20
	if cfg.MaxMsgSize > 0 {
		limit = cfg.MaxMsgSize
		t.opts = append(t.opts, connect.WithSendMaxBytes(limit))
	}
	t.opts = append(t.opts, connect.WithReadMaxBytes(limit))
	if cfg.Gzip {
		t.opts = append(t.opts, connect.WithSendGzip())
	}
	return t, nil
}

// ready checks that the server's address takes connections, so that a
// wrong address is reported at once as with gRPC; HTTP itself is spoken at
// the first call.
func (t *connectTransport) ready(ctx context.Context, display string) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	c, err := t.dialServer(ctx)
	if err != nil {
		code := codes.Unavailable
		if ctx.Err() != nil {
			code = status.FromContextError(ctx.Err()).Code()
		}
		return &connError{msg: fmt.Sprintf("cannot connect to %s (%s over HTTP): %v", display, t.protocol.title(), err), code: code, cause: err}
	}
	defer c.Close()
	if t.tls != nil {
		// The handshake too, so that a certificate grpcsh cannot trust is
		// reported now, as gRPC's Dial does.
		tc := tls.Client(c, t.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			msg := fmt.Sprintf("cannot connect to %s (%s over HTTPS): %v", display, t.protocol.title(), err)
			var rh tls.RecordHeaderError
			if errors.As(err, &rh) {
				msg += fmt.Sprintf(": %s speaks plaintext, not TLS: pass -plaintext (and drop -tls, -insecure, -cacert)", display)
			}
			return &connError{msg: msg, code: codes.Unavailable, cause: err}
		}
		tc.Close()
	}
	return nil
}

func (t *connectTransport) close() { t.http.CloseIdleConnections() }

// client is the connect-go client of one method. It is cheap (no
// connection of its own), so each call makes one.
func (t *connectTransport) client(method string, reply proto.Message, opts []grpc.CallOption) *connect.Client[dynamicpb.Message, dynamicpb.Message] {
	out := rawDescriptor
	if reply != nil {
		out = reply.ProtoReflect().Descriptor()
	}
	key := clientKey{method, out}
	plain := true
	for _, o := range opts {
		switch o.(type) {
		case grpc.MaxRecvMsgSizeCallOption, grpc.CompressorCallOption:
			plain = false
		}
	}
	if plain {
		if c, ok := t.clients.Load(key); ok {
			return c.(*connect.Client[dynamicpb.Message, dynamicpb.Message])
		}
	}
	c := t.newClient(method, out, opts)
	if plain {
		t.clients.Store(key, c)
	}
	return c
}

// clientKey is what a connect-go client is made for: a cached client is
// reused by the calls of a script or a TUI session.
type clientKey struct {
	method string
	out    protoreflect.MessageDescriptor
}

func (t *connectTransport) newClient(method string, out protoreflect.MessageDescriptor, opts []grpc.CallOption) *connect.Client[dynamicpb.Message, dynamicpb.Message] {
	copts := t.opts
	for _, o := range opts {
		switch o := o.(type) {
		case grpc.MaxRecvMsgSizeCallOption:
			copts = append(copts[:len(copts):len(copts)], connect.WithReadMaxBytes(o.MaxRecvMsgSize))
		case grpc.CompressorCallOption:
			if o.CompressorType == "gzip" {
				copts = append(copts[:len(copts):len(copts)], connect.WithSendGzip())
			}
		}
	}
	// Without the reply's type (a unary call started as a stream), the
	// answer is kept as raw bytes, in an Empty's unknown fields, until
	// RecvMsg says what it is.
	{
		copts = append(copts[:len(copts):len(copts)], connect.WithResponseInitializer(func(_ connect.Spec, msg any) error {
			*msg.(*dynamicpb.Message) = *dynamicpb.NewMessage(out)
			return nil
		}))
	}
	return connect.NewClient[dynamicpb.Message, dynamicpb.Message](t.http, t.baseURL+method, copts...)
}

var rawDescriptor = (&emptypb.Empty{}).ProtoReflect().Descriptor()

// Invoke is a unary call.
func (t *connectTransport) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	req, err := asDynamic(args)
	if err != nil {
		return err
	}
	out, ok := reply.(proto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "grpcsh: reply %T is not a proto message", reply)
	}
	r := connect.NewRequest(req)
	t.setHeader(ctx, r.Header())
	resp, err := t.client(method, out, opts).CallUnary(ctx, r)
	var header, trailer metadata.MD
	if err != nil {
		header, trailer, err = t.errorMD(err, nil)
	} else {
		header, trailer = fromHTTPHeader(resp.Header()), fromHTTPHeader(resp.Trailer())
		err = copyMessage(out, resp.Msg)
	}
	for _, o := range opts {
		switch o := o.(type) {
		case grpc.HeaderCallOption:
			*o.HeaderAddr = header
		case grpc.TrailerCallOption:
			*o.TrailerAddr = trailer
		}
	}
	return err
}

// NewStream starts a call of any kind, as a grpc.ClientStream.
func (t *connectTransport) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s := &connectStream{t: t, ctx: ctx, method: method, opts: opts, desc: *desc, ready: make(chan struct{})}
	if desc.ClientStreams {
		if desc.ServerStreams && t.http1 {
			return nil, &protocolError{msg: t.bidiOverHTTP1(method), code: codes.FailedPrecondition}
		}
		c := t.client(method, nil, opts)
		var conn connect.StreamingClientConn
		if desc.ServerStreams {
			conn, _ = c.CallBidiStream(ctx).Conn()
		} else {
			conn, _ = c.CallClientStream(ctx).Conn()
		}
		t.setHeader(ctx, conn.RequestHeader())
		s.conn = conn
		close(s.ready)
	}
	return s, nil
}

// bidiOverHTTP1 says why a bidi stream cannot run on this connection.
func (t *connectTransport) bidiOverHTTP1(method string) string {
	what := "bidi streaming method " + strings.TrimPrefix(method, "/")
	fix := "drop -http1 (the server must then speak HTTP/2)"
	if strings.Contains(method, ".ServerReflection/") {
		what = "server reflection (a bidi stream)"
		fix = "drop -http1, or pass -proto or -protoset files"
	}
	return fmt.Sprintf("%s cannot run over %s on HTTP/1.1: a bidi stream sends and receives at once, which needs HTTP/2; %s", what, t.protocol.title(), fix)
}

// protocolError is a call the protocol cannot make, found before sending:
// its text is the whole explanation, its status the code calls end with.
type protocolError struct {
	msg  string
	code codes.Code
}

func (e *protocolError) Error() string              { return e.msg }
func (e *protocolError) GRPCStatus() *status.Status { return status.New(e.code, e.msg) }

// setHeader copies the call's outgoing metadata into the request headers:
// -bin values are base64 on the wire, as gRPC sends them.
func (t *connectTransport) setHeader(ctx context.Context, h http.Header) {
	h.Set("User-Agent", t.agent)
	md, _ := metadata.FromOutgoingContext(ctx)
	for k, vs := range md {
		for _, v := range vs {
			if strings.HasSuffix(k, "-bin") {
				v = connect.EncodeBinaryHeader([]byte(v))
			}
			h.Add(k, v)
		}
	}
}

// errorMD turns a connect-go error into a gRPC status error, and its
// metadata into what grpc-go would give for a call that failed: with no
// headers of its own (a trailers-only answer) everything is a trailer.
func (t *connectTransport) errorMD(err error, header metadata.MD) (metadata.MD, metadata.MD, error) {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return header, nil, t.statusErr(err)
	}
	trailer := fromHTTPHeader(ce.Meta())
	for k := range header {
		delete(trailer, k)
	}
	return header, trailer, t.statusErr(err)
}

// statusErr is toStatusErr, saying what to do when the failure looks like
// a TLS server spoken to in plaintext (it answers HTTP/2's preface, or an
// HTTP/1.1 request, with garbage or a 400).
func (t *connectTransport) statusErr(err error) error {
	serr := toStatusErr(err)
	st, ok := status.FromError(serr)
	if !ok || t.tls != nil || (st.Code() != codes.Unavailable && st.Code() != codes.Internal) {
		return serr
	}
	if !connProbeTLS(context.Background(), connAttempt{network: t.network, addr: t.addr}) {
		return serr
	}
	p := st.Proto()
	p.Message += "; the server speaks TLS, and grpcsh spoke plaintext: drop -plaintext (or pass -tls)"
	return status.ErrorProto(p)
}

// toStatusErr is a connect-go error as the gRPC status it stands for,
// details kept (the codes are the same numbers).
func toStatusErr(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return status.FromContextError(err).Err()
		}
		return status.Error(codes.Unknown, err.Error())
	}
	msg, code := ce.Message(), codes.Code(ce.Code())
	if code == codes.Canceled && (strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset by peer")) {
		// connect-go calls a connection the server broke "canceled"; to
		// gRPC (and the user) that is the server being unavailable.
		code = codes.Unavailable
	}
	if ce.Code() == connect.CodeResourceExhausted {
		// Worded as grpc-go does, so that the hint on whose limit it was
		// (-max-msg-sz) applies alike.
		var size, limit int
		if i := strings.Index(msg, "message size "); i >= 0 {
			if n, _ := fmt.Sscanf(msg[i:], "message size %d is larger than configured max %d", &size, &limit); n == 2 {
				msg = fmt.Sprintf("grpc: received message larger than max (%d vs. %d)", size, limit)
			}
		}
	}
	p := &spb.Status{Code: int32(code), Message: msg}
	for _, d := range ce.Details() {
		p.Details = append(p.Details, &anypb.Any{TypeUrl: "type.googleapis.com/" + d.Type(), Value: d.Bytes()})
	}
	return status.ErrorProto(p)
}

// fromHTTPHeader is an HTTP header as gRPC metadata: lower-case keys,
// -bin values decoded, and without what only the HTTP exchange or the
// protocol itself needs (grpc-go leaves those out of its metadata too).
func fromHTTPHeader(h http.Header) metadata.MD {
	md := metadata.MD{}
	for k, vs := range h {
		k = strings.ToLower(k)
		if transportHeader(k) {
			continue
		}
		for _, v := range vs {
			if strings.HasSuffix(k, "-bin") {
				if b, err := connect.DecodeBinaryHeader(v); err == nil {
					v = string(b)
				} else if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					v = string(b)
				}
			}
			md[k] = append(md[k], v)
		}
	}
	return md
}

func transportHeader(k string) bool {
	switch k {
	case "date", "content-length", "content-encoding", "accept-encoding", "transfer-encoding",
		"connection", "keep-alive", "trailer", "te", "vary", "server", "alt-svc":
		return true
	}
	return strings.HasPrefix(k, "grpc-") || strings.HasPrefix(k, "connect-")
}

// asDynamic is a request as the *dynamicpb.Message connect's client takes.
func asDynamic(m any) (*dynamicpb.Message, error) {
	switch m := m.(type) {
	case *dynamicpb.Message:
		return m, nil
	case proto.Message:
		d := dynamicpb.NewMessage(m.ProtoReflect().Descriptor())
		b, err := proto.Marshal(m)
		if err == nil {
			err = proto.Unmarshal(b, d)
		}
		return d, err
	}
	return nil, status.Errorf(codes.Internal, "grpcsh: request %T is not a proto message", m)
}

// copyMessage puts a received message into the one the caller gave.
func copyMessage(dst proto.Message, src *dynamicpb.Message) error {
	if d, ok := dst.(*dynamicpb.Message); ok && d.Descriptor() == src.Descriptor() {
		*d = *src
		return nil
	}
	b, err := proto.Marshal(src)
	if err != nil {
		return status.Errorf(codes.Internal, "grpcsh: %v", err)
	}
	return proto.Unmarshal(b, dst)
}

// connectStream is a call as a grpc.ClientStream. Unary and server
// streaming calls start when their one request is sent (connect-go takes
// it with the call); client and bidi streams start at once.
type connectStream struct {
	t      *connectTransport
	ctx    context.Context
	method string
	opts   []grpc.CallOption
	desc   grpc.StreamDesc

	ready chan struct{} // closed once the call started (conn or unary set)
	conn  connect.StreamingClientConn
	sent  bool
	// unary: the answer, once done is closed.
	done     chan struct{}
	resp     *connect.Response[dynamicpb.Message]
	unaryErr error
	given    bool

	// The first message, read by Header so that headers of a call that
	// failed before answering can be told from a real answer's.
	headerOnce sync.Once
	header     metadata.MD
	peeked     *emptypb.Empty
	peekErr    error
	endErr     error // the status the call ended with
	sendErr    error // why a send failed, if the response says nothing better
	trailer    metadata.MD
}

func (s *connectStream) Context() context.Context { return s.ctx }

func (s *connectStream) SendMsg(m any) error {
	if s.desc.ClientStreams {
		if err := s.conn.Send(m); err != nil {
			// As grpc-go does: io.EOF, and the status comes from RecvMsg
			// (connect-go's send errors are mostly the response's).
			s.sendErr = err
			return io.EOF
		}
		return nil
	}
	if s.sent {
		return status.Error(codes.Internal, "grpcsh: a second request on a single-request call")
	}
	s.sent = true
	req, err := asDynamic(m)
	if err != nil {
		return err
	}
	r := connect.NewRequest(req)
	s.t.setHeader(s.ctx, r.Header())
	if !s.desc.ServerStreams {
		s.done = make(chan struct{})
		close(s.ready)
		go func() {
			defer close(s.done)
			s.resp, s.unaryErr = s.t.client(s.method, nil, s.opts).CallUnary(s.ctx, r)
		}()
		return nil
	}
	defer close(s.ready)
	ss, err := s.t.client(s.method, nil, s.opts).CallServerStream(s.ctx, r)
	if err != nil {
		s.peekErr = err
		return nil // reported by RecvMsg, as grpc reports a failed call
	}
	s.conn, _ = ss.Conn()
	return nil
}

func (s *connectStream) CloseSend() error {
	if s.desc.ClientStreams {
		return toStatusErr(s.conn.CloseRequest())
	}
	return nil
}

// wait is until the call started.
func (s *connectStream) wait() error {
	select {
	case <-s.ready:
		return nil
	case <-s.ctx.Done():
		return status.FromContextError(s.ctx.Err()).Err()
	}
}

func (s *connectStream) Header() (metadata.MD, error) {
	if err := s.wait(); err != nil {
		return nil, err
	}
	if s.done != nil {
		<-s.done
		if s.unaryErr != nil {
			return nil, nil // trailers-only, as gRPC reports a failed unary call
		}
		return fromHTTPHeader(s.resp.Header()), nil
	}
	s.headerOnce.Do(func() {
		if s.conn == nil {
			return
		}
		s.peeked = &emptypb.Empty{}
		if err := s.conn.Receive(s.peeked); err != nil {
			s.peeked, s.peekErr = nil, err
		}
		h := fromHTTPHeader(s.conn.ResponseHeader())
		if s.peekErr != nil && !errors.Is(s.peekErr, io.EOF) && onlyContentType(h) {
			return // failed before answering: trailers-only, as gRPC says
		}
		s.header = h
	})
	return s.header, nil
}

func onlyContentType(h metadata.MD) bool {
	_, ok := h["content-type"]
	return len(h) == 0 || len(h) == 1 && ok
}

func (s *connectStream) RecvMsg(m any) error {
	if _, err := s.Header(); err != nil {
		return err
	}
	if s.done != nil {
		if s.unaryErr != nil {
			_, s.trailer, s.endErr = s.t.errorMD(s.unaryErr, nil)
			return s.endErr
		}
		if s.given {
			return io.EOF
		}
		s.given = true
		s.trailer = fromHTTPHeader(s.resp.Trailer())
		out, ok := m.(proto.Message)
		if !ok {
			return status.Errorf(codes.Internal, "grpcsh: reply %T is not a proto message", m)
		}
		return proto.Unmarshal(s.resp.Msg.GetUnknown(), out)
	}
	var err error
	switch {
	case s.peeked != nil:
		err = proto.Unmarshal(s.peeked.ProtoReflect().GetUnknown(), m.(proto.Message))
		s.peeked = nil
	case s.peekErr != nil:
		err, s.peekErr = s.peekErr, nil
	case s.endErr != nil:
		return s.endErr
	default:
		err = s.conn.Receive(m)
	}
	if err == nil && !s.desc.ServerStreams {
		// One response: what follows must be the end, as grpc-go checks.
		if extra := s.conn.Receive(&emptypb.Empty{}); !errors.Is(extra, io.EOF) {
			if extra == nil {
				extra = connect.NewError(connect.CodeInternal, errors.New("the server sent more than one response to a call that takes one"))
			}
			s.end(extra)
			return s.endErr
		}
		s.end(io.EOF)
	}
	if err != nil {
		s.end(err)
		return s.endErr
	}
	return nil
}

// end records how the call ended: its status and trailers.
func (s *connectStream) end(err error) {
	if s.conn != nil {
		s.trailer = fromHTTPHeader(s.conn.ResponseTrailer())
	}
	if errors.Is(err, io.EOF) && s.sendErr != nil && !errors.Is(s.sendErr, io.EOF) {
		err = s.sendErr
	}
	if errors.Is(err, io.EOF) {
		s.endErr = io.EOF
		return
	}
	var ce *connect.Error
	if len(s.trailer) == 0 && errors.As(err, &ce) {
		_, s.trailer, _ = s.t.errorMD(err, s.header)
	}
	s.endErr = s.t.statusErr(err)
	if s.conn != nil {
		s.conn.CloseResponse()
	}
}

func (s *connectStream) Trailer() metadata.MD { return s.trailer }

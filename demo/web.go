package demo

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The demo answers gRPC-Web and Connect (Options.Web) on its one port:
// net/http serves HTTP/1.1 and HTTP/2 (h2c, or ALPN with TLS); gRPC
// requests go to grpc-go's own handler (ServeHTTP), everything else to
// connect-go handlers built from the services' descriptors. Those handlers
// do not reimplement the demo: each forwards its call, over an in-memory
// connection, to the same grpc-go server, so streams, metadata both ways,
// deadlines and errors with details behave exactly as they do over gRPC
// (and the demo's logging and OnCall see every call).
type webServer struct {
	http   *http.Server
	bridge *grpc.ClientConn
	mem    *bufconn.Listener
}

// startWeb serves lis with net/http. s.grpc must have no credentials of its
// own: TLS, when asked, is net/http's.
func (s *Server) startWeb(lis net.Listener, tlsConf *tls.Config) {
	w := &webServer{mem: bufconn.Listen(1 << 20)}
	go s.grpc.Serve(w.mem)
	cc, err := grpc.NewClient("passthrough:///demo-bridge",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return w.mem.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err) // a constant target: cannot fail
	}
	w.bridge = cc
	mux := http.NewServeMux()
	for name, info := range s.grpc.GetServiceInfo() {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			continue
		}
		sd := d.(protoreflect.ServiceDescriptor)
		for _, m := range info.Methods {
			md := sd.Methods().ByName(protoreflect.Name(m.Name))
			if md != nil {
				path, h := w.handler(md)
				mux.Handle(path, h)
			}
		}
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	w.http = &http.Server{
		Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			ct := r.Header.Get("Content-Type")
			if r.ProtoMajor == 2 && strings.HasPrefix(ct, "application/grpc") && !strings.HasPrefix(ct, "application/grpc-web") {
				fix := &trailerFix{ResponseWriter: rw}
				s.grpc.ServeHTTP(fix, r)
				fix.done()
				return
			}
			mux.ServeHTTP(rw, r)
		}),
		Protocols: protocols,
		TLSConfig: tlsConf,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.conns.Add(1)
			}
		},
		ReadHeaderTimeout: 10 * time.Second,
		// net/http's own complaints (a client that hung up mid-handshake)
		// must not reach the terminal: grpcsh --demo runs the TUI on it.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	s.web = w
	go func() {
		if tlsConf != nil {
			s.err = w.http.ServeTLS(lis, "", "")
		} else {
			s.err = w.http.Serve(lis)
		}
		if errors.Is(s.err, http.ErrServerClosed) {
			s.err = nil
		}
		close(s.done)
	}()
}

// stop ends the web server: graceful lets calls in flight finish, for at
// most grace.
func (w *webServer) stop(grpcStop func(), grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := w.http.Shutdown(ctx); err != nil {
		w.http.Close()
	}
	w.bridge.Close()
	grpcStop()
}

// handler is the connect-go handler of one method, forwarding to grpc-go.
func (w *webServer) handler(md protoreflect.MethodDescriptor) (string, http.Handler) {
	path := "/" + string(md.Parent().FullName()) + "/" + string(md.Name())
	init := connect.WithRequestInitializer(func(_ connect.Spec, msg any) error {
		*msg.(*dynamicpb.Message) = *dynamicpb.NewMessage(md.Input())
		return nil
	})
	opts := []connect.HandlerOption{connect.WithSchema(md), init}
	desc := &grpc.StreamDesc{StreamName: string(md.Name()), ServerStreams: md.IsStreamingServer(), ClientStreams: md.IsStreamingClient()}
	newOut := func() *dynamicpb.Message { return dynamicpb.NewMessage(md.Output()) }
	switch {
	case desc.ClientStreams && desc.ServerStreams:
		return path, connect.NewBidiStreamHandler(path, func(ctx context.Context, st *connect.BidiStream[dynamicpb.Message, dynamicpb.Message]) error {
			return w.forward(ctx, desc, path, st.RequestHeader(), st.ResponseHeader(), st.ResponseTrailer(), func() (any, error) { return st.Receive() },
				func(m *dynamicpb.Message) error { return st.Send(m) }, newOut)
		}, opts...)
	case desc.ClientStreams:
		return path, connect.NewClientStreamHandler(path, func(ctx context.Context, st *connect.ClientStream[dynamicpb.Message]) (*connect.Response[dynamicpb.Message], error) {
			var out *dynamicpb.Message
			resp := connect.NewResponse(newOut())
			err := w.forward(ctx, desc, path, st.RequestHeader(), resp.Header(), resp.Trailer(), func() (any, error) {
				if !st.Receive() {
					if err := st.Err(); err != nil {
						return nil, err
					}
					return nil, io.EOF
				}
				return st.Msg(), nil
			}, func(m *dynamicpb.Message) error { out = m; return nil }, newOut)
			if err != nil {
				return nil, err
			}
			resp.Msg = out
			return resp, nil
		}, opts...)
	case desc.ServerStreams:
		return path, connect.NewServerStreamHandler(path, func(ctx context.Context, req *connect.Request[dynamicpb.Message], st *connect.ServerStream[dynamicpb.Message]) error {
			return w.forward(ctx, desc, path, req.Header(), st.ResponseHeader(), st.ResponseTrailer(), once(req.Msg),
				func(m *dynamicpb.Message) error { return st.Send(m) }, newOut)
		}, opts...)
	}
	return path, connect.NewUnaryHandler(path, func(ctx context.Context, req *connect.Request[dynamicpb.Message]) (*connect.Response[dynamicpb.Message], error) {
		var out *dynamicpb.Message
		resp := connect.NewResponse(newOut())
		err := w.forward(ctx, desc, path, req.Header(), resp.Header(), resp.Trailer(), once(req.Msg),
			func(m *dynamicpb.Message) error { out = m; return nil }, newOut)
		if err != nil {
			return nil, err
		}
		resp.Msg = out
		return resp, nil
	}, opts...)
}

func once(m *dynamicpb.Message) func() (any, error) {
	sent := false
	return func() (any, error) {
		if sent {
			return nil, io.EOF
		}
		sent = true
		return m, nil
	}
}

// forward runs one call on the grpc-go server: the requests recv yields
// go out, each response goes to send; response headers and trailers are
// copied to header and trailer. A gRPC status comes back as a connect
// error with its details and the trailers as its metadata.
func (w *webServer) forward(ctx context.Context, desc *grpc.StreamDesc, path string, in, header, trailer http.Header,
	recv func() (any, error), send func(*dynamicpb.Message) error, newOut func() *dynamicpb.Message) error {
	ctx, cancel := context.WithCancel(metadata.NewOutgoingContext(ctx, toMD(in)))
	defer cancel()
	cs, err := w.bridge.NewStream(ctx, desc, path)
	if err != nil {
		return toConnectErr(err, nil)
	}
	sendErr := make(chan error, 1)
	go func() {
		sendErr <- func() error {
			for {
				m, err := recv()
				if errors.Is(err, io.EOF) {
					return cs.CloseSend()
				}
				if err != nil {
					cancel()
					return err
				}
				if err := cs.SendMsg(m); err != nil {
					return nil // the call ended: RecvMsg has its status
				}
			}
		}()
	}()
	if md, err := cs.Header(); err == nil {
		copyMD(header, md)
	}
	for {
		out := newOut()
		err := cs.RecvMsg(out)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return toConnectErr(err, cs.Trailer())
		}
		if err := send(out); err != nil {
			return err
		}
	}
	copyMD(trailer, cs.Trailer())
	if err := <-sendErr; err != nil {
		return err
	}
	return nil
}

// toMD is the request's HTTP headers as the metadata a gRPC client sends:
// what net/http and the protocols use themselves stays behind.
func toMD(h http.Header) metadata.MD {
	md := metadata.MD{}
	for k, vs := range h {
		k = strings.ToLower(k)
		switch {
		case strings.HasPrefix(k, "connect-"), strings.HasPrefix(k, "grpc-"), k == "content-type", k == "content-length",
			k == "accept-encoding", k == "content-encoding", k == "te", k == "connection", k == "x-user-agent":
			continue
		}
		for _, v := range vs {
			if strings.HasSuffix(k, "-bin") {
				b, err := connect.DecodeBinaryHeader(v)
				if err != nil {
					continue
				}
				v = string(b)
			}
			md[k] = append(md[k], v)
		}
	}
	return md
}

func copyMD(h http.Header, md metadata.MD) {
	for k, vs := range md {
		if k == "content-type" {
			continue // connect-go sets its own
		}
		for _, v := range vs {
			if strings.HasSuffix(k, "-bin") {
				v = connect.EncodeBinaryHeader([]byte(v))
			}
			h.Add(k, v)
		}
	}
}

// toConnectErr is a gRPC status as connect-go's error, details kept.
func toConnectErr(err error, trailer metadata.MD) error {
	st := status.Convert(err)
	ce := connect.NewError(connect.Code(st.Code()), errors.New(st.Message()))
	for _, a := range st.Proto().GetDetails() {
		if d, derr := connect.NewErrorDetail(a); derr == nil {
			ce.AddDetail(d)
		}
	}
	copyMD(ce.Meta(), trailer)
	return ce
}

// trailerFix makes grpc-go's ServeHTTP answer as its own server does.
// It announces its trailers ("Trailer: Grpc-Status, …"), which clients
// would show as a response header: the announcement is taken out, and the
// trailers go the way net/http sends unannounced ones (http.TrailerPrefix).
// And a call that fails before any message has only trailers
// ("trailers-only", which grpc-go's server sends and ServeHTTP never
// does): the headers wait for the first message, and a call that ends
// without one gets its status in its only HEADERS frame.
type trailerFix struct {
	http.ResponseWriter
	announced []string
	code      int  // WriteHeader's, held back until the first message
	sent      bool // the headers went
}

func (t *trailerFix) take() {
	h := t.ResponseWriter.Header()
	for _, v := range h.Values("Trailer") {
		for _, k := range strings.Split(v, ",") {
			t.announced = append(t.announced, http.CanonicalHeaderKey(strings.TrimSpace(k)))
		}
	}
	h.Del("Trailer")
}

// send lets the held headers go.
func (t *trailerFix) send() {
	if t.sent {
		return
	}
	t.sent = true
	t.take()
	if t.code == 0 {
		t.code = http.StatusOK
	}
	t.ResponseWriter.WriteHeader(t.code)
}

func (t *trailerFix) WriteHeader(code int) {
	if t.code == 0 {
		t.code = code
	}
}

func (t *trailerFix) Write(b []byte) (int, error) { t.send(); return t.ResponseWriter.Write(b) }

func (t *trailerFix) Flush() {
	if t.sent {
		t.ResponseWriter.(http.Flusher).Flush()
	}
}

// done runs when ServeHTTP has returned: the status is in the header map.
func (t *trailerFix) done() {
	h := t.ResponseWriter.Header()
	if !t.sent {
		// Trailers-only: the status and trailers are the headers.
		t.take()
		for k, vs := range h {
			if name, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
				delete(h, k)
				h[http.CanonicalHeaderKey(name)] = append(h[http.CanonicalHeaderKey(name)], vs...)
			}
		}
		// net/http would add "Content-Length: 0" to a bodiless answer,
		// which grpc-go's server never sends: a key without values is
		// "given" to net/http and writes nothing.
		h["Content-Length"] = []string{}
		t.send()
		return
	}
	for _, k := range t.announced {
		if vs, ok := h[k]; ok {
			delete(h, k)
			h[http.TrailerPrefix+k] = vs
		}
	}
}

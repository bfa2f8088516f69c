// Package demo implements the services grpcsh's demo server offers: the seed
// document's helloworld.Greeter and TestServer, and showcase.Showcase, which
// has a field of every kind and a method of every RPC kind. The server also
// serves reflection (v1 and v1alpha) and the standard health service, so any
// client can discover it.
//
// cmd/demo-server is a thin main over this package; tests and `grpcsh --demo`
// start it in-process with Start.
package demo

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	_ "google.golang.org/grpc/encoding/gzip" // clients may compress requests (grpcsh -gzip)
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"github.com/grpcsh/grpcsh/protos/testserverpb"
)

// DefaultAddr is the seed document's address: loopback only.
const DefaultAddr = "127.0.0.1:8888"

// Options configure a demo server. The zero value is a quiet plaintext server.
type Options struct {
	// Log receives one line per call (method, peer, duration, status code)
	// and the ids GetRandom is sent. Nil means quiet.
	Log io.Writer
	// TLS, when set, makes the server speak TLS (and mTLS when it asks for
	// client certificates).
	TLS *tls.Config
	// NoReflectionV1 serves only the v1alpha reflection service, as older
	// servers do; tests use it to check clients fall back.
	NoReflectionV1 bool
	// NoReflection serves no reflection at all, as many production servers
	// do: clients need -proto or -protoset files.
	NoReflection bool
	// OnCall, when set, sees the method and request metadata of every call,
	// reflection included, so tests can check which headers went where.
	OnCall func(method string, md metadata.MD)
	// Web also answers gRPC-Web and Connect on the same port (see web.go).
	Web bool
}

// Server is a running demo server.
type Server struct {
	grpc   *grpc.Server
	health *health.Server
	addr   net.Addr
	logMu  sync.Mutex
	log    io.Writer
	onCall func(string, metadata.MD)
	conns  atomic.Int64
	done   chan struct{}
	web    *webServer // with Options.Web
	err    error
}

// Start serves the demo services on lis until Stop is called.
func Start(lis net.Listener, opts Options) *Server {
	s := &Server{log: opts.Log, onCall: opts.OnCall, addr: lis.Addr(), done: make(chan struct{})}
	serverOpts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(s.logUnary),
		grpc.ChainStreamInterceptor(s.logStream),
	}
	if !opts.Web {
		// With Web, net/http counts the connections: grpc-go's ServeHTTP
		// would count every request as one.
		serverOpts = append(serverOpts, grpc.StatsHandler(connCounter{&s.conns}))
	}
	if opts.TLS != nil && !opts.Web {
		serverOpts = append(serverOpts, grpc.Creds(credentials.NewTLS(opts.TLS)))
	}
	s.grpc = grpc.NewServer(serverOpts...)
	helloworldpb.RegisterGreeterServer(s.grpc, greeter{})
	testserverpb.RegisterTestServerServer(s.grpc, &testServer{logf: s.logf})
	showcasepb.RegisterShowcaseServer(s.grpc, showcase{})
	s.health = health.NewServer()
	healthpb.RegisterHealthServer(s.grpc, s.health)
	if !opts.NoReflection {
		registerReflection(s.grpc, !opts.NoReflectionV1)
	}
	if opts.Web {
		s.startWeb(lis, opts.TLS)
		return s
	}
	go func() {
		s.err = s.grpc.Serve(lis)
		close(s.done)
	}()
	return s
}

// Listen opens a listener for addr: "host:port" (port 0 picks a free port),
// "unix:///path" or "unix:path".
func Listen(addr string) (net.Listener, error) {
	if path, ok := strings.CutPrefix(addr, "unix://"); ok {
		return net.Listen("unix", path)
	}
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		return net.Listen("unix", path)
	}
	return net.Listen("tcp", addr)
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.addr }

// Target is the address as a gRPC client dials it.
func (s *Server) Target() string {
	if s.addr.Network() == "unix" {
		return "unix://" + s.addr.String()
	}
	return s.addr.String()
}

// Connections counts the client connections the server has accepted, so
// tests can check that a client reuses one connection.
func (s *Server) Connections() int64 { return s.conns.Load() }

// Stop lets in-flight calls finish for at most grace, then closes every
// connection. It reports health as NOT_SERVING first so that load balancers
// stop sending new calls.
func (s *Server) Stop(grace time.Duration) {
	s.health.Shutdown()
	if s.web != nil {
		s.web.stop(s.grpc.Stop, grace)
		<-s.done
		return
	}
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(grace):
		s.grpc.Stop()
		<-stopped
	}
	<-s.done
}

// GracefulStop waits for every call and stream to end, with no force-stop
// after a grace period, as many servers stop: tests use it to check that an
// idle client holds nothing open.
func (s *Server) GracefulStop() {
	s.health.Shutdown()
	if s.web != nil {
		s.web.stop(s.grpc.GracefulStop, time.Hour)
		<-s.done
		return
	}
	s.grpc.GracefulStop()
	<-s.done
}

func (s *Server) logf(format string, args ...any) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, format+"\n", args...)
}

func (s *Server) observe(ctx context.Context, method string) {
	if s.onCall != nil {
		md, _ := metadata.FromIncomingContext(ctx)
		s.onCall(method, md.Copy())
	}
}

func (s *Server) logCall(ctx context.Context, method string, start time.Time, err error) {
	if s.log == nil {
		return
	}
	from := "?"
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		from = p.Addr.String()
	}
	s.logf("%s %s peer=%s duration=%s code=%s", time.Now().Format("15:04:05.000"), method, from,
		time.Since(start).Round(time.Microsecond), status.Code(err))
}

func (s *Server) logUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	s.observe(ctx, info.FullMethod)
	resp, err := handler(ctx, req)
	s.logCall(ctx, info.FullMethod, start, err)
	return resp, err
}

func (s *Server) logStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	s.observe(ss.Context(), info.FullMethod)
	err := handler(srv, ss)
	s.logCall(ss.Context(), info.FullMethod, start, err)
	return err
}

// connCounter counts connections as the transport opens them.
type connCounter struct{ n *atomic.Int64 }

func (c connCounter) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (c connCounter) HandleRPC(context.Context, stats.RPCStats)                         {}
func (c connCounter) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (c connCounter) HandleConn(_ context.Context, st stats.ConnStats) {
	if _, ok := st.(*stats.ConnBegin); ok {
		c.n.Add(1)
	}
}

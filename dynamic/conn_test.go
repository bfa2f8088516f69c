package dynamic

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/testcerts"
	"github.com/grpcsh/grpcsh/internal/testnet"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// connStartDemo serves the demo on addr ("127.0.0.1:0", "[::1]:0",
// "unix:///path") until the test ends.
func connStartDemo(t *testing.T, addr string, opts demo.Options) *demo.Server {
	t.Helper()
	lis, err := demo.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	s := demo.Start(lis, opts)
	t.Cleanup(func() { s.Stop(time.Second) })
	return s
}

func connDial(t *testing.T, cfg ConnConfig) (*Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

func connMustDial(t *testing.T, cfg ConnConfig) *Conn {
	t.Helper()
	c, err := connDial(t, cfg)
	if err != nil {
		t.Fatalf("Dial(%+v): %v", cfg, err)
	}
	return c
}

// connHello calls Greeter.SayHello after Ready, as grpcsh does before each
// call.
func connHello(t *testing.T, c *Conn) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Ready(ctx); err != nil {
		return err
	}
	reply, err := helloworldpb.NewGreeterClient(c.ClientConn()).SayHello(ctx, &helloworldpb.HelloRequest{Name: "grpcsh"})
	if err != nil {
		return err
	}
	if got := reply.GetMessage(); got != "Hello grpcsh" {
		t.Fatalf("SayHello answered %q", got)
	}
	return nil
}

// connWantErr checks err says every one of wants.
func connWantErr(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one saying %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q\n  does not say %q", err, w)
		}
	}
	t.Logf("error: %v", err)
}

// connWaitLeaveReady waits until c has seen its server go: a server's Stop
// returns once it closed its side, and the client notices the closed
// connection a moment later. Until then c is still READY, Ready returns at
// once, and the call that follows fails with grpc's own words ("transport:
// Error while dialing ...") rather than Ready's explanation.
func connWaitLeaveReady(t *testing.T, c *Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for c.State() == connectivity.Ready {
		if !c.ClientConn().WaitForStateChange(ctx, connectivity.Ready) {
			t.Fatalf("the connection stayed READY after its server stopped")
		}
	}
}

func TestConnRefused(t *testing.T) {
	addr := testnet.HoldPort(t).Addr // held, never listening: refused
	_, err := connDial(t, ConnConfig{Target: addr})
	connWantErr(t, err, "nothing listens on "+addr+" (connection refused)")
	if status.Code(err) != codes.Unavailable {
		t.Errorf("code %s, want Unavailable", status.Code(err))
	}
}

func TestConnDNSFailure(t *testing.T) {
	// .invalid never resolves (RFC 2606). No server is contacted.
	_, err := connDial(t, ConnConfig{Target: "nosuchhost.invalid:443", Security: SecurityPlaintext, ConnectTimeout: 5 * time.Second})
	connWantErr(t, err, "cannot resolve nosuchhost.invalid")
}

// TestConnDeadlineOnSilentServer: a server that accepts and never speaks
// makes Dial wait ConnectTimeout, then say so, rather than the opaque
// "context deadline exceeded".
func TestConnDeadlineOnSilentServer(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	addr := lis.Addr().String()
	_, err = connDial(t, ConnConfig{Target: addr, ConnectTimeout: 300 * time.Millisecond})
	connWantErr(t, err, "could not connect to "+addr+" within 300ms (-connect-timeout)",
		addr+" accepted the connection but never answered the HTTP/2 handshake: is it a gRPC server? If it speaks TLS, pass -tls")
	if strings.Contains(err.Error(), "context deadline exceeded") {
		t.Errorf("error is still opaque: %v", err)
	}

	// The caller's own deadline is reported as such.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = Dial(ctx, ConnConfig{Target: addr})
	connWantErr(t, err, "could not connect to "+addr+" within", "(the deadline of the call)")
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("code %s, want DeadlineExceeded", status.Code(err))
	}
}

func TestConnUnix(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	connStartDemo(t, "unix://"+sock, demo.Options{})
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, sock)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []ConnConfig{
		{Target: "unix://" + sock},
		{Target: "unix:" + rel},
		{Target: sock, Unix: true},
		{Target: "unix:" + sock, Unix: true},
	} {
		t.Run(cfg.Target, func(t *testing.T) {
			c := connMustDial(t, cfg)
			if err := connHello(t, c); err != nil {
				t.Fatal(err)
			}
			if d := c.Describe(); !strings.HasPrefix(d, "unix:") || !strings.HasSuffix(d, " plaintext") {
				t.Errorf("Describe() = %q, want unix:PATH plaintext", d)
			}
		})
	}
	// A socket file nobody listens on any more.
	stale := filepath.Join(dir, "stale.sock")
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	ul.Close()
	_, err = connDial(t, ConnConfig{Target: stale, Unix: true})
	connWantErr(t, err, "nothing listens on the socket "+stale+" (connection refused)")

	missing := filepath.Join(dir, "missing.sock")
	_, err = connDial(t, ConnConfig{Target: "unix://" + missing})
	connWantErr(t, err, "there is no socket at "+missing+" (no such file or directory)")
}

func TestConnIPv6Loopback(t *testing.T) {
	lis, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("this machine has no IPv6 loopback (%v): the [::1] target is not tested here", err)
	}
	srv := demo.Start(lis, demo.Options{})
	t.Cleanup(func() { srv.Stop(time.Second) })
	addr := srv.Addr().String() // [::1]:port
	_, port, _ := net.SplitHostPort(addr)
	for _, target := range []string{addr, "ipv6:" + addr, "ipv6:[::1]:" + port + ",[::1]:" + port} {
		t.Run(target, func(t *testing.T) {
			c := connMustDial(t, ConnConfig{Target: target})
			if err := connHello(t, c); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(c.Describe(), " plaintext") {
				t.Errorf("Describe() = %q: [::1] is loopback, so plaintext", c.Describe())
			}
		})
	}
}

// connLogCounter counts the calls a demo server logs.
type connLogCounter struct {
	mu sync.Mutex
	n  int
}

func (c *connLogCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += bytes.Count(p, []byte("/helloworld.Greeter/SayHello"))
	return len(p), nil
}

func (c *connLogCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func TestConnFailover(t *testing.T) {
	var logA, logB connLogCounter
	// B stops and comes back on the same address: its port stays held.
	portA, portB := testnet.HoldPort(t), testnet.HoldPort(t)
	a := demo.Start(portA.Listen(t), demo.Options{Log: &logA})
	b := demo.Start(portB.Listen(t), demo.Options{Log: &logB})
	addrA, addrB := portA.Addr, portB.Addr
	stopped := map[*demo.Server]bool{}
	stop := func(s *demo.Server) { s.Stop(time.Second); stopped[s] = true }
	t.Cleanup(func() {
		for _, s := range []*demo.Server{a, b} {
			if !stopped[s] {
				s.Stop(time.Second)
			}
		}
	})

	c := connMustDial(t, ConnConfig{Target: "ipv4:" + addrA + "," + addrB})
	if got, want := c.Describe(), "ipv4:"+addrA+","+addrB+" plaintext"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	for range 3 {
		if err := connHello(t, c); err != nil {
			t.Fatal(err)
		}
	}
	if logA.count() != 3 || logB.count() != 0 {
		t.Fatalf("pick_first: calls A=%d B=%d, want all 3 on the first address", logA.count(), logB.count())
	}

	stop(a)
	connWaitLeaveReady(t, c)
	for i := range 3 {
		if err := connHello(t, c); err != nil {
			t.Fatalf("call %d after stopping %s: %v", i, addrA, err)
		}
	}
	if logB.count() != 3 {
		t.Fatalf("after failover B served %d calls, want 3", logB.count())
	}

	stop(b)
	connWaitLeaveReady(t, c)
	err := connHello(t, c)
	connWantErr(t, err, "nothing listens on "+addrA+" (connection refused); nothing listens on "+addrB+" (connection refused): check the address, and that the server is running")
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("code %s, want Unavailable", status.Code(err))
	}
	// Again from TRANSIENT_FAILURE, where the state alone says nothing new.
	err = connHello(t, c)
	connWantErr(t, err, "nothing listens on "+addrA+" (connection refused); nothing listens on "+addrB+" (connection refused)")

	// B comes back on the same port: the same Conn works on the next call.
	b2 := demo.Start(portB.Listen(t), demo.Options{Log: &logB})
	t.Cleanup(func() { b2.Stop(time.Second) })
	if err := connHello(t, c); err != nil {
		t.Fatalf("after %s came back: %v", addrB, err)
	}
	if logB.count() != 4 {
		t.Errorf("B served %d calls, want 4", logB.count())
	}
}

func TestConnFailoverRoundRobin(t *testing.T) {
	var logA, logB connLogCounter
	a := connStartDemo(t, "127.0.0.1:0", demo.Options{Log: &logA})
	b := connStartDemo(t, "127.0.0.1:0", demo.Options{Log: &logB})
	c := connMustDial(t, ConnConfig{Target: "ipv4:" + a.Addr().String() + "," + b.Addr().String(), RoundRobin: true})
	// Round robin picks among the addresses whose connection is up; the
	// second may come up a little after the first. Call until both have
	// served, which they do once both are up.
	for i := 0; logA.count() == 0 || logB.count() == 0; i++ {
		if i == 1000 {
			t.Fatalf("1000 calls: A served %d, B %d; want both to serve", logA.count(), logB.count())
		}
		if err := connHello(t, c); err != nil {
			t.Fatal(err)
		}
	}
	// With both up, calls alternate.
	a0, b0 := logA.count(), logB.count()
	for range 20 {
		if err := connHello(t, c); err != nil {
			t.Fatal(err)
		}
	}
	gotA, gotB := logA.count()-a0, logB.count()-b0
	t.Logf("20 calls with both up: A=%d B=%d; connections A=%d B=%d", gotA, gotB, a.Connections(), b.Connections())
	if gotA < 5 || gotB < 5 {
		t.Errorf("round robin: of 20 calls A served %d, B %d; want both to serve a share", gotA, gotB)
	}
	if a.Connections() != 1 || b.Connections() != 1 {
		t.Errorf("connections A=%d B=%d, want one each", a.Connections(), b.Connections())
	}
	if !strings.HasSuffix(c.Describe(), ", round robin") {
		t.Errorf("Describe() = %q", c.Describe())
	}
}

// TestConnDeadline: a 200ms deadline on a 5s Sleep ends the call with
// DeadlineExceeded. How close to 200ms it ends is a timing figure, which a
// loaded machine can spoil: BenchmarkConnDeadline measures it, and bench/run
// prints it beside its limit.
func TestConnDeadline(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	c := connMustDial(t, ConnConfig{Target: srv.Addr().String()})
	client := showcasepb.NewShowcaseClient(c.ClientConn())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := client.Sleep(ctx, &showcasepb.SleepRequest{Duration: durationpb.New(5 * time.Second)})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("Sleep(5s) with a 200ms deadline: %v, want DeadlineExceeded", err)
	}
	// The server's timer (grpc-timeout, sent as what is left of the 200ms)
	// may fire a moment before the client's own, so ctx.Err() can still be
	// nil here: what must not happen is ending well before the deadline. A
	// loaded machine only makes the call end later, so this cannot flake.
	if deadline, _ := ctx.Deadline(); time.Until(deadline) > 50*time.Millisecond {
		t.Fatalf("the call ended with DeadlineExceeded %v before its deadline", time.Until(deadline))
	}
}

// BenchmarkConnDeadline runs a 5s Sleep under a 200ms deadline b.N times and
// reports the median time the call took (median-ms), which should be within
// 10% of 200ms; bench/run checks it.
func BenchmarkConnDeadline(b *testing.B) {
	lis, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{})
	defer srv.Stop(time.Second)
	c, err := Dial(context.Background(), ConnConfig{Target: srv.Addr().String()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	client := showcasepb.NewShowcaseClient(c.ClientConn())
	const deadline = 200 * time.Millisecond
	var took []time.Duration
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		start := time.Now()
		_, err := client.Sleep(ctx, &showcasepb.SleepRequest{Duration: durationpb.New(5 * time.Second)})
		took = append(took, time.Since(start))
		cancel()
		if status.Code(err) != codes.DeadlineExceeded {
			b.Fatalf("Sleep(5s) with a %s deadline: %v, want DeadlineExceeded", deadline, err)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "median-ms")
	b.ReportMetric(float64(deadline)/float64(time.Millisecond), "deadline-ms")
}

func TestConnWatchState(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{})
	addr := srv.Addr().String()
	c := connMustDial(t, ConnConfig{Target: addr})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	states := c.WatchState(ctx)
	// until reads states until one satisfies ok, and returns it.
	until := func(what string, ok func(connectivity.State) bool) connectivity.State {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case st, open := <-states:
				if !open {
					t.Fatalf("WatchState closed while waiting for %s", what)
				}
				if ok(st) {
					return st
				}
			case <-timeout:
				t.Fatalf("no %s state within 10s", what)
			}
		}
	}
	until("READY", func(st connectivity.State) bool { return st == connectivity.Ready })

	// The server goes away: the status bar sees the connection drop.
	srv.Stop(time.Second)
	dropped := until("non-READY", func(st connectivity.State) bool { return st != connectivity.Ready })
	t.Logf("after the server stopped: %s", dropped)

	// It comes back: the next Ready reconnects, and the watcher sees it.
	srv2 := connStartDemo(t, addr, demo.Options{})
	_ = srv2
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	until("READY again", func(st connectivity.State) bool { return st == connectivity.Ready })

	c.Close()
	until("SHUTDOWN", func(st connectivity.State) bool { return st == connectivity.Shutdown })
	if _, open := <-states; open {
		t.Error("WatchState did not close its channel after SHUTDOWN")
	}
	if c.State() != connectivity.Shutdown {
		t.Errorf("State() = %s", c.State())
	}
	connWantErr(t, c.Ready(context.Background()), "the connection is closed")
}

// TestConnFailoverTLS: each address of an ipv4: list is verified by its own
// IP, and failover works over TLS too.
func TestConnFailoverTLS(t *testing.T) {
	certs := connNewCerts(t)
	cfg := testcerts.ServerConfig(certs.server, nil)
	lisA, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := demo.Start(lisA, demo.Options{TLS: cfg})
	aStopped := false
	t.Cleanup(func() {
		if !aStopped {
			a.Stop(time.Second)
		}
	})
	b := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: cfg})
	c := connMustDial(t, ConnConfig{Target: "ipv4:" + a.Addr().String() + "," + b.Addr().String(), CACert: certs.caFile})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	a.Stop(time.Second)
	aStopped = true
	if err := connHello(t, c); err != nil {
		t.Fatalf("after stopping the first server: %v", err)
	}
	if b.Connections() != 1 {
		t.Errorf("second server has %d connections, want 1", b.Connections())
	}
}

// connCompression records the compression of the requests a server gets.
type connCompression struct {
	mu   sync.Mutex
	seen []string
	ua   []string
}

func (h *connCompression) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return ctx
}
func (h *connCompression) HandleRPC(_ context.Context, s stats.RPCStats) {
	if in, ok := s.(*stats.InHeader); ok {
		h.mu.Lock()
		h.seen = append(h.seen, in.Compression)
		h.ua = append(h.ua, in.Header.Get("user-agent")...)
		h.mu.Unlock()
	}
}
func (h *connCompression) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (h *connCompression) HandleConn(context.Context, stats.ConnStats) {}

type connGreeter struct {
	helloworldpb.UnimplementedGreeterServer
}

func (connGreeter) SayHello(_ context.Context, r *helloworldpb.HelloRequest) (*helloworldpb.HelloReply, error) {
	return &helloworldpb.HelloReply{Message: "Hello " + r.GetName()}, nil
}

func TestConnOptions(t *testing.T) {
	h := &connCompression{}
	gs := grpc.NewServer(grpc.StatsHandler(h))
	helloworldpb.RegisterGreeterServer(gs, connGreeter{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)

	plain := connMustDial(t, ConnConfig{Target: lis.Addr().String()})
	zipped := connMustDial(t, ConnConfig{Target: lis.Addr().String(), Gzip: true, UserAgent: "probe/1", KeepaliveTime: 30 * time.Second})
	if err := connHello(t, plain); err != nil {
		t.Fatal(err)
	}
	if err := connHello(t, zipped); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	seen, ua := h.seen, h.ua
	h.mu.Unlock()
	if !slices.Equal(seen, []string{"", "gzip"}) {
		t.Errorf("request compression %q, want none then gzip", seen)
	}
	if len(ua) != 2 || !strings.HasPrefix(ua[0], "grpcsh/dev ") || !strings.HasPrefix(ua[1], "probe/1 ") {
		t.Errorf("user agents %q, want grpcsh/dev then probe/1", ua)
	}

	// MaxMsgSize bounds responses.
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	small := connMustDial(t, ConnConfig{Target: srv.Addr().String(), MaxMsgSize: 1000})
	sc := showcasepb.NewShowcaseClient(small.ClientConn())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := sc.Big(ctx, &showcasepb.BigRequest{Size: 500}); err != nil {
		t.Fatalf("Big(500) under a 1000-byte limit: %v", err)
	}
	if _, err := sc.Big(ctx, &showcasepb.BigRequest{Size: 5000}); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("Big(5000) under a 1000-byte limit: %v, want ResourceExhausted", err)
	}
	if _, err := sc.Metadata(ctx, &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
}

func TestConnConfigErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	certs := connNewCerts(t)
	missing := filepath.Join(dir, "missing.pem")
	for _, tc := range []struct {
		cfg  ConnConfig
		want string
	}{
		{ConnConfig{Target: "api:443", Cert: certs.clientCert}, "-cert needs -key"},
		{ConnConfig{Target: "api:443", Key: certs.clientKey}, "-key needs -cert"},
		{ConnConfig{Target: "api:443", Security: SecurityPlaintext, Insecure: true, CACert: certs.caFile}, "-plaintext cannot be combined with -insecure, -cacert, which configure TLS"},
		{ConnConfig{Target: "api:443", Insecure: true, CACert: certs.caFile}, "-insecure and -cacert contradict each other"},
		{ConnConfig{Target: "api:443", CACert: missing}, "-cacert: cannot read " + missing + ": no such file or directory"},
		{ConnConfig{Target: "api:443", CACert: garbage}, "-cacert " + garbage + " holds no PEM certificate"},
		{ConnConfig{Target: "api:443", Cert: missing, Key: certs.clientKey}, "-cert: cannot read " + missing},
		{ConnConfig{Target: "api:443", Cert: certs.clientCert, Key: garbage}, "loading the client certificate (-cert " + certs.clientCert + ", -key " + garbage + ")"},
		{ConnConfig{Target: "api:443", Cert: certs.clientCert, Key: certs.strangeKey}, "private key does not match public key"},
		{ConnConfig{Target: ""}, "no target"},
		{ConnConfig{Target: "api:443", ConnectTimeout: -1}, "-connect-timeout must not be negative"},
		{ConnConfig{Target: "api:443", MaxMsgSize: -1}, "-max-msg-sz must not be negative"},
		{ConnConfig{Target: "ipv4:127.0.0.1:1,::1:2"}, `"::1:2" is not an IPv4 address`},
		{ConnConfig{Target: "ipv6:127.0.0.1:1"}, `"127.0.0.1:1" is not an IPv6 address`},
		{ConnConfig{Target: "ipv4:localhost:1"}, `"localhost:1" is not an IP address`},
		{ConnConfig{Target: "unix://relative.sock"}, "unix:// needs an absolute path"},
		{ConnConfig{Target: "api:"}, `missing port in "api:"`},
		{ConnConfig{Target: "a:b:c"}, "want host:port: too many colons"},
		{ConnConfig{Target: "api:nosuchservice"}, `"nosuchservice" is not a port`},
		{ConnConfig{Target: "api:0"}, `"0" is not a port`},
		{ConnConfig{Target: "api:70000"}, `"70000" is not a port`},
	} {
		_, err := Dial(context.Background(), tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Dial(%+v) = %v, want an error saying %q", tc.cfg, err, tc.want)
		}
	}
}

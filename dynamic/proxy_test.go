package dynamic

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/testcerts"
	"github.com/grpcsh/grpcsh/internal/testnet"
	"github.com/grpcsh/grpcsh/internal/testproxy"
)

func TestProxyExplicit(t *testing.T) {
	testproxy.ClearEnv(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	p := testproxy.Start(t, &testproxy.Proxy{})
	c := connMustDial(t, ConnConfig{Target: srv.Target(), Proxy: p.URL("", "")})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if p.Tunnels() != 1 || !slices.Equal(p.Asked(), []string{srv.Target()}) {
		t.Fatalf("the proxy tunnelled %d, asked %q; want 1 CONNECT to %s", p.Tunnels(), p.Asked(), srv.Target())
	}
	if d := c.Describe(); !strings.Contains(d, "via proxy http://"+p.Addr) {
		t.Errorf("Describe() = %q; want it to name the proxy", d)
	}
}

func TestProxyAuth(t *testing.T) {
	testproxy.ClearEnv(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	p := testproxy.Start(t, &testproxy.Proxy{User: "ann", Pass: "s3cr3t-pw"})

	c := connMustDial(t, ConnConfig{Target: srv.Target(), Proxy: p.URL("ann", "s3cr3t-pw")})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if p.Tunnels() != 1 {
		t.Fatalf("tunnels = %d, want 1", p.Tunnels())
	}
	if d := c.Describe(); strings.Contains(d, "s3cr3t-pw") || !strings.Contains(d, "ann:xxxxx@") {
		t.Errorf("Describe() = %q; want the password redacted", d)
	}

	_, err := connDial(t, ConnConfig{Target: srv.Target(), Proxy: p.URL("", "")})
	connWantErr(t, err, "proxy http://"+p.Addr, "asks for authentication", "407")

	_, err = connDial(t, ConnConfig{Target: srv.Target(), Proxy: p.URL("ann", "wrong-pw")})
	connWantErr(t, err, "proxy http://ann:xxxxx@"+p.Addr, "rejected the credentials", "407")
	if strings.Contains(err.Error(), "wrong-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
	if p.Tunnels() != 1 {
		t.Errorf("tunnels = %d after the failures, want still 1", p.Tunnels())
	}
}

func TestProxyFailures(t *testing.T) {
	testproxy.ClearEnv(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})

	deny := testproxy.Start(t, &testproxy.Proxy{Deny: http.StatusForbidden})
	_, err := connDial(t, ConnConfig{Target: srv.Target(), Proxy: deny.URL("", "")})
	connWantErr(t, err, "proxy http://"+deny.Addr, "answered 403 Forbidden to CONNECT "+srv.Target())

	held := testnet.HoldPort(t).Addr // nothing listens there
	_, err = connDial(t, ConnConfig{Target: srv.Target(), Proxy: "http://bob:pw123456@" + held})
	connWantErr(t, err, "connection refused to proxy http://bob:xxxxx@"+held)
	if strings.Contains(err.Error(), "pw123456") {
		t.Errorf("the error shows the password: %v", err)
	}

	_, err = connDial(t, ConnConfig{Target: srv.Target(), Proxy: "http://no-such-proxy.invalid:3128"})
	connWantErr(t, err, "proxy http://no-such-proxy.invalid:3128", "is not there", "no such host")

	for _, bad := range []string{"socks5://h:1", "http://u:hunter22@h:1/path", "http://"} {
		_, err := connDial(t, ConnConfig{Target: srv.Target(), Proxy: bad})
		connWantErr(t, err, "-proxy")
		if strings.Contains(err.Error(), "hunter22") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	_, err = connDial(t, ConnConfig{Target: "unix:///tmp/x.sock", Proxy: deny.URL("", "")})
	connWantErr(t, err, "unix socket target is never reached through a proxy")
}

// TestProxyEnv: a target named so that only the proxy can resolve it goes
// through HTTP_PROXY (plaintext) unresolved; -proxy none beats the
// environment; loopback targets skip environment proxies.
func TestProxyEnv(t *testing.T) {
	testproxy.ClearEnv(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	p := testproxy.Start(t, &testproxy.Proxy{Hosts: map[string]string{"demo.grpcsh.invalid": srv.Target()}})
	t.Setenv("HTTP_PROXY", p.URL("", ""))

	c := connMustDial(t, ConnConfig{Target: "demo.grpcsh.invalid:50051", Security: SecurityPlaintext})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Asked(), []string{"demo.grpcsh.invalid:50051"}) {
		t.Fatalf("the proxy was asked %q; want the name, unresolved", p.Asked())
	}
	if d := c.Describe(); !strings.Contains(d, "via proxy") {
		t.Errorf("Describe() = %q; want it to name the proxy", d)
	}

	// A loopback target skips the environment's proxy (net/http's rule)...
	c = connMustDial(t, ConnConfig{Target: srv.Target()})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	// ...and -proxy none skips it for any target: the name does not resolve.
	_, err := connDial(t, ConnConfig{Target: "demo.grpcsh.invalid:50051", Security: SecurityPlaintext, Proxy: ProxyNone})
	connWantErr(t, err, "demo.grpcsh.invalid")
	if n := len(p.Asked()); n != 1 {
		t.Errorf("the proxy was asked %d times, want 1 (loopback and -proxy none go direct)", n)
	}
}

// TestProxyEnvSelection checks which variable applies, as net/http reads them.
func TestProxyEnvSelection(t *testing.T) {
	testproxy.ClearEnv(t)
	t.Setenv("HTTPS_PROXY", "http://tls-proxy:3128")
	t.Setenv("HTTP_PROXY", "http://u:topsecret@plain-proxy:3128")
	t.Setenv("NO_PROXY", "internal.example,.corp.example")
	for _, tc := range []struct {
		cfg         ConnConfig
		proxy, from string
	}{
		{ConnConfig{Target: "api.example:443"}, "http://tls-proxy:3128", "HTTPS_PROXY"},
		{ConnConfig{Target: "api.example:80", Security: SecurityPlaintext}, "http://u:xxxxx@plain-proxy:3128", "HTTP_PROXY"},
		{ConnConfig{Target: "internal.example:443"}, "", ""},
		{ConnConfig{Target: "a.corp.example:443"}, "", ""},
		{ConnConfig{Target: "127.0.0.1:8888"}, "", ""},
		{ConnConfig{Target: "localhost:8888"}, "", ""},
		{ConnConfig{Target: "127.0.0.1:8888", Proxy: "http://p:1"}, "http://p:1", "-proxy"},
		{ConnConfig{Target: "api.example:443", Proxy: "none"}, "", ""},
		{ConnConfig{Target: "unix:///tmp/s.sock"}, "", ""},
	} {
		proxy, from := proxyFor(tc.cfg)
		if proxy != tc.proxy || from != tc.from {
			t.Errorf("proxyFor(%+v) = %q, %q; want %q, %q", tc.cfg, proxy, from, tc.proxy, tc.from)
		}
	}
	if got := RedactProxy("u:pw@h:1"); got != "u:xxxxx@h:1" {
		t.Errorf("RedactProxy = %q", got)
	}
}

// TestProxySilent: a proxy that accepts and never answers the CONNECT is
// named when the connect timeout passes.
func TestProxySilent(t *testing.T) {
	testproxy.ClearEnv(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	_, err = connDial(t, ConnConfig{Target: "127.0.0.1:50051", Proxy: "http://" + lis.Addr().String(), ConnectTimeout: 300 * time.Millisecond})
	connWantErr(t, err, "proxy http://"+lis.Addr().String()+" (from -proxy)", "CONNECT to 127.0.0.1:50051", "timeout")
}

// TestProxyEnvTLS: a TLS target goes through HTTPS_PROXY (HTTP_PROXY is
// for plaintext ones), and TLS runs end to end inside the tunnel, checking
// the server's name.
func TestProxyEnvTLS(t *testing.T) {
	testproxy.ClearEnv(t)
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.named, nil)})
	wrong := testproxy.Start(t, &testproxy.Proxy{Deny: http.StatusForbidden})
	p := testproxy.Start(t, &testproxy.Proxy{Hosts: map[string]string{"grpcsh.test": srv.Target()}})
	t.Setenv("HTTPS_PROXY", p.URL("", ""))
	t.Setenv("HTTP_PROXY", wrong.URL("", ""))
	c := connMustDial(t, ConnConfig{Target: "grpcsh.test:443", CACert: certs.caFile})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if p.Tunnels() != 1 || len(wrong.Asked()) != 0 {
		t.Errorf("HTTPS_PROXY tunnelled %d, HTTP_PROXY was asked %d times; want 1 and 0", p.Tunnels(), len(wrong.Asked()))
	}
	if d := c.Describe(); !strings.Contains(d, "TLS, via proxy http://"+p.Addr+" (HTTPS_PROXY)") {
		t.Errorf("Describe() = %q", d)
	}
}

// TestProxyKeepsBufferedBytes: bytes a proxy sends in the same packet as
// its answer (the server speaking first) reach the caller.
func TestProxyKeepsBufferedBytes(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() {
		c, err := lis.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 4096)
		n, _ := c.Read(buf) // the CONNECT request (small: one read)
		if !strings.HasPrefix(string(buf[:n]), "CONNECT api.example:443 HTTP/1.1\r\n") || !strings.Contains(string(buf[:n]), "\r\nProxy-Authorization: Basic YW5uOnB3\r\n") {
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			return
		}
		c.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\nfirst bytes"))
		c.Read(buf) // until the client hangs up
	}()
	u, _ := ParseProxyURL("http://ann:pw@" + lis.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := proxyDial(ctx, &net.Dialer{}, u, "-proxy", "api.example:443")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // lost bytes fail, not hang
	got := make([]byte, len("first bytes"))
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "first bytes" {
		t.Fatalf("read %q, %v; want the bytes after the proxy's answer", got, err)
	}
}

// TestProxyServerGone: when the server behind the proxy goes away, the
// next call reconnects through the proxy and says what the proxy answered.
func TestProxyServerGone(t *testing.T) {
	testproxy.ClearEnv(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{})
	p := testproxy.Start(t, &testproxy.Proxy{})
	c := connMustDial(t, ConnConfig{Target: srv.Target(), Proxy: p.URL("", "")})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	srv.Stop(time.Second)
	connWaitLeaveReady(t, c)
	err = connHello(t, c)
	connWantErr(t, err, "proxy http://"+p.Addr+" (from -proxy) answered 502 Bad Gateway to CONNECT "+srv.Target())
}

// TestProxyErrorAsCallText: grpc's text of a proxy failure, as a call sees
// it, is explained with the proxy's message, not as the server refusing.
func TestProxyErrorAsCallText(t *testing.T) {
	st := status.Error(codes.Unavailable, `connection error: desc = "transport: Error while dialing: connection refused to proxy http://ann:xxxxx@127.0.0.1:9 (from -proxy): check the proxy address and that the proxy is running"`)
	err := ExplainConnError(st, ConnConfig{Target: "127.0.0.1:8888"})
	if got := err.Error(); got != "connection refused to proxy http://ann:xxxxx@127.0.0.1:9 (from -proxy): check the proxy address and that the proxy is running" {
		t.Errorf("explained as %q", got)
	}
	if status.Code(err) != codes.Unavailable {
		t.Errorf("code %v", status.Code(err))
	}
}

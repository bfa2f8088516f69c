// Package testproxy is a real HTTP CONNECT proxy on loopback for tests: it
// tunnels CONNECT requests to wherever they ask, counts them, and can ask
// for Basic credentials or refuse every tunnel with a status.
package testproxy

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy is a running CONNECT proxy.
type Proxy struct {
	Addr string // host:port it listens on
	// User and Pass, when User is set, are the Basic credentials it wants.
	User, Pass string
	// Deny, when not 0, is the status every CONNECT gets.
	Deny int
	// Hosts maps host names to the host:port the proxy dials for them
	// (its own /etc/hosts), so that a test can name a target that only
	// the proxy can resolve.
	Hosts map[string]string

	tunnels atomic.Int64 // CONNECTs tunnelled
	mu      sync.Mutex
	asked   []string // the host:port of every CONNECT, tunnelled or not
}

// Start runs p on 127.0.0.1 at a free port until t ends (set User, Pass
// and Deny before calling it).
func Start(t testing.TB, p *Proxy) *Proxy {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Addr = lis.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(lis)
	t.Cleanup(func() { srv.Close() })
	return p
}

// URL is the proxy's http:// URL, with user:pass@ when user is not "".
func (p *Proxy) URL(user, pass string) string {
	if user == "" {
		return "http://" + p.Addr
	}
	return "http://" + user + ":" + pass + "@" + p.Addr
}

// Tunnels is how many CONNECTs it tunnelled.
func (p *Proxy) Tunnels() int64 { return p.tunnels.Load() }

// Asked lists the targets of every CONNECT received.
func (p *Proxy) Asked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.asked...)
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "only CONNECT", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.asked = append(p.asked, r.Host)
	p.mu.Unlock()
	if p.User != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User+":"+p.Pass))
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusProxyAuthRequired)
			return
		}
	}
	if p.Deny != 0 {
		w.WriteHeader(p.Deny)
		return
	}
	dest := r.Host
	if host, _, err := net.SplitHostPort(r.Host); err == nil && p.Hosts[host] != "" {
		dest = p.Hosts[host]
	}
	up, err := net.DialTimeout("tcp", dest, 5*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	p.tunnels.Add(1)
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, buf); done <- struct{}{} }() // buf holds what came after the request
	go func() { io.Copy(conn, up); done <- struct{}{} }()
	<-done
	conn.Close()
	up.Close()
}

// ClearEnv empties the proxy variables for the test, whatever the
// machine's are, so that only what the test sets applies.
func ClearEnv(t testing.TB) {
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}

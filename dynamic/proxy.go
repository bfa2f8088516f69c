package dynamic

// HTTP CONNECT proxies. grpcsh dials with a dialer of its own (conntrack.go),
// which switches grpc-go's proxy support off, so the proxy is chosen and the
// CONNECT handshake done here: -proxy URL for every target (loopback
// included), -proxy none for none, and otherwise HTTPS_PROXY / HTTP_PROXY /
// NO_PROXY read as net/http reads them (golang.org/x/net/http/httpproxy, whose
// rules never send a loopback target to an environment proxy).

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/net/http/httpproxy"
)

// ProxyNone is the -proxy value that turns proxies off, the environment's
// included.
const ProxyNone = "none"

// connProxy is the proxy choice of one connection.
type connProxy struct {
	explicit *url.URL // -proxy URL; nil when none was given
	from     string   // where the proxy came from: "-proxy" or the variable
	env      func(*url.URL) (*url.URL, error)
	scheme   string // the scheme environment lookups use: https with TLS, else http
	off      bool   // -proxy none
}

// ParseProxyURL checks a -proxy value: "none", or http://[user:pass@]host[:port]
// (the scheme may be left out). Only HTTP CONNECT proxies are spoken.
func ParseProxyURL(v string) (*url.URL, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == ProxyNone {
		return nil, nil
	}
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v", redactProxyText(v), connUnwrapURLErr(err))
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("%s: only http:// proxies (HTTP CONNECT) are supported, not %s://", u.Redacted(), u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%s: no proxy host: want http://[user:pass@]host:port", u.Redacted())
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, fmt.Errorf("%s: a proxy URL has no path or query: want http://[user:pass@]host:port", u.Redacted())
	}
	return u, nil
}

func connUnwrapURLErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactProxyText hides the password of a URL that did not parse: the
// part between "://user:" and "@".
func redactProxyText(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, hasPass := strings.Cut(rest[:at], ":"); hasPass {
			return scheme + "://" + user + ":xxxxx" + rest[at:]
		}
	}
	return s
}

// RedactProxy is a -proxy value fit to show: the password replaced.
func RedactProxy(v string) string {
	if u, err := ParseProxyURL(v); err == nil && u != nil {
		if strings.Contains(v, "://") {
			return u.Redacted()
		}
		return strings.TrimPrefix(u.Redacted(), "http://")
	}
	return redactProxyText(v)
}

// connNewProxy makes the choice for cfg (validated) and target t.
func connNewProxy(cfg ConnConfig, t connTarget, useTLS bool) (*connProxy, error) {
	p := &connProxy{scheme: "http"}
	if useTLS {
		p.scheme = "https"
	}
	switch strings.TrimSpace(cfg.Proxy) {
	case ProxyNone:
		p.off = true
		return p, nil
	case "":
		if t.unix {
			p.off = true
			return p, nil
		}
		env := httpproxy.FromEnvironment()
		p.env = env.ProxyFunc()
		p.from = "HTTP_PROXY"
		if useTLS {
			p.from = "HTTPS_PROXY"
		}
		return p, nil
	}
	u, err := ParseProxyURL(cfg.Proxy)
	if err != nil {
		return nil, fmt.Errorf("-proxy %w", err)
	}
	if t.unix {
		return nil, fmt.Errorf("-proxy %s: a unix socket target is never reached through a proxy", u.Redacted())
	}
	p.explicit, p.from = u, "-proxy"
	return p, nil
}

// forAddr is the proxy to reach addr (host:port) through; nil for none.
func (p *connProxy) forAddr(addr string) *url.URL {
	if p == nil || p.off {
		return nil
	}
	if p.explicit != nil {
		return p.explicit
	}
	u, err := p.env(&url.URL{Scheme: p.scheme, Host: addr})
	if err != nil || u == nil {
		return nil // a malformed variable is net/http's "no proxy" too
	}
	return u
}

// proxyFor says which proxy a connection made with cfg would go through:
// "" for none, else the proxy's URL with its password redacted and where it
// came from ("-proxy", "HTTPS_PROXY"). It reads the environment as Dial does.
func proxyFor(cfg ConnConfig) (proxy, from string) {
	t, err := connParseTarget(cfg.Target, cfg.Unix)
	if err != nil {
		return "", ""
	}
	p, err := connNewProxy(cfg, t, connUseTLS(cfg, t))
	if err != nil || len(t.addrs) == 0 {
		return "", ""
	}
	if u := p.forAddr(t.addrs[0]); u != nil {
		return u.Redacted(), p.from
	}
	return "", ""
}

// ProxyError is a connection attempt that failed at the proxy: it names
// the proxy (password redacted) and what it answered.
type ProxyError struct {
	Proxy  string // redacted URL
	From   string // -proxy, HTTPS_PROXY or HTTP_PROXY
	Target string // host:port asked for
	Msg    string
	Err    error // the network error, if any
}

func (e *ProxyError) Error() string { return e.Msg }
func (e *ProxyError) Unwrap() error { return e.Err }

// proxyDial connects to addr through the proxy u with an HTTP CONNECT and
// returns the tunnel. Bytes the proxy sent after its answer (the server's
// first, when it is quick) are kept for the first reads.
func proxyDial(ctx context.Context, d *net.Dialer, u *url.URL, from, addr string) (net.Conn, error) {
	shown := u.Redacted()
	perr := func(err error, format string, args ...any) error {
		return &ProxyError{Proxy: shown, From: from, Target: addr, Msg: fmt.Sprintf(format, args...), Err: err}
	}
	proxyAddr := u.Host
	if u.Port() == "" {
		proxyAddr = net.JoinHostPort(u.Hostname(), "80")
	}
	raw, err := d.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		var dnsErr *net.DNSError
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return nil, perr(err, "connection refused to proxy %s (from %s): check the proxy address and that the proxy is running", shown, from)
		case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
			return nil, perr(err, "proxy %s (from %s) is not there: no such host %s", shown, from, u.Hostname())
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			return nil, perr(err, "proxy %s (from %s) is not there: no answer to connect (timeout)", shown, from)
		}
		return nil, perr(err, "cannot reach proxy %s (from %s): %v", shown, from, connOpCause(err, "dial"))
	}
	// The handshake is bounded by ctx, as the dial is.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	req := &http.Request{
		Method: http.MethodConnect,
		URL:    &url.URL{Opaque: addr},
		Host:   addr,
		Header: http.Header{},
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		cred := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pass))
		req.Header.Set("Proxy-Authorization", "Basic "+cred)
	}
	if err := req.Write(raw); err != nil {
		stop()
		raw.Close()
		return nil, perr(err, "proxy %s (from %s) hung up on CONNECT %s: %v", shown, from, addr, connOpCause(err, "write"))
	}
	br := bufio.NewReader(raw)
	resp, err := http.ReadResponse(br, req)
	if !stop() || ctx.Err() != nil {
		raw.Close()
		return nil, perr(ctx.Err(), "proxy %s (from %s) did not answer CONNECT %s in time (timeout)", shown, from, addr)
	}
	if err != nil {
		raw.Close()
		return nil, perr(err, "proxy %s (from %s) sent no HTTP answer to CONNECT %s: %v (is it an HTTP proxy?)", shown, from, addr, connOpCause(err, "read"))
	}
	resp.Body.Close() // a CONNECT answer's body is empty for 2xx; others are not read
	switch {
	case resp.StatusCode == http.StatusProxyAuthRequired && u.User == nil:
		raw.Close()
		return nil, perr(nil, "proxy %s (from %s) asks for authentication (%s): give http://user:password@host:port", shown, from, resp.Status)
	case resp.StatusCode == http.StatusProxyAuthRequired:
		raw.Close()
		return nil, perr(nil, "proxy %s (from %s) rejected the credentials (%s)", shown, from, resp.Status)
	case resp.StatusCode/100 != 2:
		raw.Close()
		return nil, perr(nil, "proxy %s (from %s) answered %s to CONNECT %s", shown, from, SafeText(resp.Status), addr)
	}
	if br.Buffered() > 0 {
		return &proxyConn{Conn: raw, r: br}, nil
	}
	return raw, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// proxyConn reads what the proxy's answer left in the buffer first.
type proxyConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *proxyConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// urlPassword is the password of a URL in free text: "scheme://user:PASS@".
var urlPassword = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:@/]*:)[^\s@/]+@`)

// quotedPassword is the password of a quoted URL, scheme optional, up to
// the "@": the flag package quotes a -proxy value that did not parse
// ("invalid value %q"), and such a value may hold a space.
var quotedPassword = regexp.MustCompile(`("(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?[^\s:@/"]*:)[^"@\s][^"@]*@`)

// barePassword is the password of "user:pass@host" without a scheme, as
// -proxy takes it, at the start of a word or after "=".
var barePassword = regexp.MustCompile(`((?:^|[\s=])[^\s:@/"'=]+:)[^\s@/]+@`)

// RedactURLPasswords hides the passwords of the URLs in s (a command line,
// an error quoting one), as url.URL.Redacted does: "http://ann:xxxxx@h".
func RedactURLPasswords(s string) string {
	s = quotedPassword.ReplaceAllString(s, "${1}xxxxx@")
	s = urlPassword.ReplaceAllString(s, "${1}xxxxx@")
	return barePassword.ReplaceAllString(s, "${1}xxxxx@")
}

// proxyMsgInText finds a ProxyError's message in grpc's text of a failed
// dial ("transport: Error while dialing: proxy http://p:3128 (from -proxy)
// answered 403 Forbidden…"); "" when there is none.
func proxyMsgInText(text string) string {
	_, rest, ok := strings.Cut(text, "Error while dialing: ")
	if !ok || !strings.Contains(rest, "proxy ") || !strings.Contains(rest, " (from ") {
		return ""
	}
	return strings.TrimRight(rest, `"`)
}

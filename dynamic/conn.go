package dynamic

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/keepalive"
)

// Version is grpcsh's version, sent in the user agent; the build sets it
// with -ldflags "-X github.com/grpcsh/grpcsh/dynamic.Version=...".
var Version = "dev"

// Security chooses between plaintext and TLS.
type Security int

const (
	// SecurityAuto uses plaintext for local targets (loopback IPs,
	// localhost, unix sockets), where dev servers usually run without TLS,
	// and TLS for everything else. Any TLS flag (-insecure, -cacert, -cert)
	// means TLS even for local targets.
	SecurityAuto Security = iota
	// SecurityPlaintext is grpcurl's -plaintext.
	SecurityPlaintext
	// SecurityTLS is -tls: TLS even for local targets.
	SecurityTLS
)

func (s Security) String() string {
	switch s {
	case SecurityAuto:
		return "auto"
	case SecurityPlaintext:
		return "plaintext"
	case SecurityTLS:
		return "tls"
	}
	return fmt.Sprintf("Security(%d)", int(s))
}

// ConnConfig says how to connect. Field comments name the grpcurl-style
// flag each one backs; error messages refer to those flags.
type ConnConfig struct {
	// Target is host:port (port 443 when absent), dns:///host:port,
	// [::1]:8888, unix:///abs/path, unix:rel/path, ipv4:ip:port,ip:port or
	// ipv6:[ip]:port,[ip]:port (several addresses fail over, see RoundRobin).
	Target string
	// Unix is grpcurl's -unix: Target is a socket path.
	Unix bool
	// Security is -plaintext / -tls; SecurityAuto when neither is given.
	Security Security
	// Insecure is -insecure: TLS without verifying the server certificate.
	Insecure bool
	// CACert (-cacert) is a PEM file of the CA(s) to trust instead of the
	// system roots; Cert and Key (-cert, -key) are the PEM client
	// certificate and key for mTLS.
	CACert, Cert, Key string
	// Authority (-authority) is the :authority header and the name the
	// server certificate is checked against.
	Authority string
	// ConnectTimeout (-connect-timeout) bounds Dial and each Ready; 0 means
	// 10s.
	ConnectTimeout time.Duration
	// KeepaliveTime (-keepalive-time) sends HTTP/2 pings after this much
	// silence during calls; 0 is off. gRPC raises values under 10s to 10s.
	KeepaliveTime time.Duration
	// MaxMsgSize (-max-msg-sz) bounds received and sent messages, in
	// bytes; 0 keeps gRPC's defaults (4 MiB received, unlimited sent).
	MaxMsgSize int
	// Gzip compresses requests (responses are decompressed regardless).
	Gzip bool
	// RoundRobin spreads calls over every address of a multi-address
	// target; otherwise pick_first uses the first that works and moves on
	// when it fails.
	RoundRobin bool
	// UserAgent prefixes gRPC's own user agent; default "grpcsh/"+Version.
	UserAgent string
	// Proxy (-proxy) is an HTTP CONNECT proxy, http://[user:pass@]host:port,
	// used for every target, loopback included; "none" uses none; "" reads
	// HTTPS_PROXY (TLS) or HTTP_PROXY (plaintext) and NO_PROXY as net/http
	// does, which never proxies loopback targets (see proxy.go).
	Proxy string
	// Calls, when set, keeps the frames of the latest calls started with
	// it (see CallCapture): the TUI's session connection sets it.
	Calls *CallCapture
	// Protocol (-protocol) is gRPC (grpc-go), or gRPC-Web or Connect
	// (connect-go over net/http, see transport_connect.go); HTTP (-http1,
	// -http2) is the HTTP version those two use.
	Protocol Protocol
	HTTP     HTTPVersion
}

const connDefaultTimeout = 10 * time.Second

// Conn is a connection to a server: a *grpc.ClientConn, plus what grpcsh
// needs to explain failures and to recover after the server comes back.
type Conn struct {
	cc       *grpc.ClientConn
	settings connSettings
	track    *connTracker
	closed   atomic.Bool
	web      *connectTransport // for -protocol grpcweb and connect; nil for gRPC
}

// Dial validates cfg, connects, and waits until the connection is up (at
// most ConnectTimeout), so that a wrong address or a TLS mistake is reported
// at once, explained, rather than at the first call. Configuration errors
// name the flag at fault.
func Dial(ctx context.Context, cfg ConnConfig) (*Conn, error) {
	c, err := connNew(cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Ready(ctx); err != nil {
		c.cc.Close()
		return nil, err
	}
	return c, nil
}

// connValidate applies defaults and checks cfg.
func connValidate(cfg ConnConfig) (ConnConfig, error) {
	if cfg.Security == SecurityPlaintext {
		var tlsFlags []string
		if cfg.Insecure {
			tlsFlags = append(tlsFlags, "-insecure")
		}
		if cfg.CACert != "" {
			tlsFlags = append(tlsFlags, "-cacert")
		}
		if cfg.Cert != "" {
			tlsFlags = append(tlsFlags, "-cert")
		}
		if len(tlsFlags) > 0 {
			return cfg, fmt.Errorf("-plaintext cannot be combined with %s, which configure TLS", strings.Join(tlsFlags, ", "))
		}
	}
	switch {
	case cfg.Security < SecurityAuto || cfg.Security > SecurityTLS:
		return cfg, fmt.Errorf("unknown security mode %d", int(cfg.Security))
	case cfg.Cert != "" && cfg.Key == "":
		return cfg, errors.New("-cert needs -key (the client certificate's private key)")
	case cfg.Key != "" && cfg.Cert == "":
		return cfg, errors.New("-key needs -cert (the client certificate)")
	case cfg.Insecure && cfg.CACert != "":
		return cfg, errors.New("-insecure and -cacert contradict each other: -insecure skips the verification -cacert is for; pass one of them")
	case cfg.ConnectTimeout < 0:
		return cfg, fmt.Errorf("-connect-timeout must not be negative, got %s", cfg.ConnectTimeout)
	case cfg.KeepaliveTime < 0:
		return cfg, fmt.Errorf("-keepalive-time must not be negative, got %s", cfg.KeepaliveTime)
	case cfg.MaxMsgSize < 0:
		return cfg, fmt.Errorf("-max-msg-sz must not be negative, got %d", cfg.MaxMsgSize)
	}
	if cfg.Protocol == ProtocolGRPC && cfg.HTTP != HTTPAuto {
		return cfg, errors.New("-http1 and -http2 are for -protocol grpcweb or connect: gRPC is always HTTP/2")
	}
	if err := CheckAuthority(cfg.Authority); err != nil {
		return cfg, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connDefaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "grpcsh/" + Version
	}
	return cfg, nil
}

// connUseTLS decides plaintext or TLS (see Security).
func connUseTLS(cfg ConnConfig, t connTarget) bool {
	switch cfg.Security {
	case SecurityPlaintext:
		return false
	case SecurityTLS:
		return true
	}
	return !t.loopback || cfg.Insecure || cfg.CACert != "" || cfg.Cert != ""
}

// WouldUseTLS says whether a connection made with cfg would use TLS,
// without connecting; false for a cfg that cannot work.
func WouldUseTLS(cfg ConnConfig) bool {
	cfg, err := connValidate(cfg)
	if err != nil {
		return false
	}
	t, err := connParseTarget(cfg.Target, cfg.Unix)
	if err != nil {
		return false
	}
	return connUseTLS(cfg, t)
}

// ConfigError is a connection configuration that cannot work (a flag
// missing its partner, a malformed target, an unreadable certificate):
// the user's to fix, found before any connection is tried.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// connNew builds the ClientConn without connecting.
func connNew(cfg ConnConfig) (*Conn, error) {
	cfg, err := connValidate(cfg)
	if err != nil {
		return nil, &ConfigError{err}
	}
	target, err := connParseTarget(cfg.Target, cfg.Unix)
	if err != nil {
		return nil, &ConfigError{err}
	}
	s := connSettings{cfg: cfg, target: target, useTLS: connUseTLS(cfg, target)}
	creds := insecure.NewCredentials()
	if s.useTLS {
		if s.tls, err = tlsBuildConfig(cfg); err != nil {
			return nil, &ConfigError{err}
		}
		creds = credentials.NewTLS(s.tls)
	}
	track := newConnTracker()
	if track.proxy, err = connNewProxy(cfg, target, s.useTLS); err != nil {
		return nil, &ConfigError{err}
	}
	s.proxy = track.proxy
	dialTarget := target.dial
	if target.host != "" && strings.HasPrefix(target.dial, "dns:///") && track.proxy.forAddr(target.addrs[0]) != nil {
		// The proxy resolves the name, as a browser's does: the dialer
		// gets host:port and asks the proxy for it.
		dialTarget = "passthrough:///" + target.addrs[0]
	}
	lb := "pick_first"
	if cfg.RoundRobin {
		lb = "round_robin"
	}
	// Large responses are read with one copy fewer (see bigCodec).
	callOpts := []grpc.CallOption{grpc.ForceCodecV2(bigCodec{})}
	if cfg.MaxMsgSize > 0 {
		callOpts = append(callOpts, grpc.MaxCallRecvMsgSize(cfg.MaxMsgSize), grpc.MaxCallSendMsgSize(cfg.MaxMsgSize))
	}
	if cfg.Gzip {
		callOpts = append(callOpts, grpc.UseCompressor(gzip.Name))
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(&connCreds{TransportCredentials: creds, track: track, plaintext: !s.useTLS, calls: cfg.Calls}),
		// The dialer records why each attempt failed: grpc keeps that to
		// itself until a call fails, and Ready must explain before then.
		// (A custom dialer turns off grpc's HTTPS_PROXY support.)
		grpc.WithContextDialer(track.dial),
		grpc.WithUserAgent(cfg.UserAgent),
		// One attempt may take the whole ConnectTimeout, no longer, so that
		// an address that hangs does not hold up the next try.
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: backoff.DefaultConfig, MinConnectTimeout: cfg.ConnectTimeout}),
		// A debugging client does what its flags say: a service config
		// published in DNS must not switch the balancer or add retries.
		grpc.WithDisableServiceConfig(),
		grpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"` + lb + `":{}}]}`),
	}
	if len(callOpts) > 0 {
		opts = append(opts, grpc.WithDefaultCallOptions(callOpts...))
	}
	if cfg.Authority != "" {
		opts = append(opts, grpc.WithAuthority(cfg.Authority))
	}
	if cfg.KeepaliveTime > 0 {
		opts = append(opts, grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: cfg.KeepaliveTime, Timeout: cfg.KeepaliveTime}))
	}
	cc, err := grpc.NewClient(dialTarget, opts...)
	if err != nil {
		return nil, fmt.Errorf("target %q: %v", cfg.Target, err)
	}
	conn := &Conn{cc: cc, settings: s, track: track}
	if cfg.Protocol != ProtocolGRPC {
		if conn.web, err = newConnectTransport(s); err != nil {
			cc.Close()
			return nil, &ConfigError{err}
		}
	}
	return conn, nil
}

// ClientConn is the underlying connection, for generated stubs and for
// grpc.ClientConnInterface users.
func (c *Conn) ClientConn() *grpc.ClientConn { return c.cc }

// Transport is what calls and reflection go over: the gRPC connection, or
// connect-go's for -protocol grpcweb and connect.
func (c *Conn) Transport() grpc.ClientConnInterface {
	if c.web != nil {
		return c.web
	}
	return c.cc
}

// Explain rewords err when it comes from this connection failing (see
// ExplainConnError); other errors come back unchanged.
func (c *Conn) Explain(err error) error { return ExplainConnError(err, c.settings.cfg) }

// Calls is the connection's call capture, nil when it has none.
func (c *Conn) Calls() *CallCapture {
	if c.web != nil {
		return nil // it keeps gRPC's HTTP/2 frames, which connect-go's calls have none of
	}
	return c.settings.cfg.Calls
}

// TLS says whether the connection is secured with TLS (else plaintext).
func (c *Conn) TLS() bool { return c.settings.useTLS }

// State is the connectivity state, for status displays.
func (c *Conn) State() connectivity.State {
	if c.web != nil && !c.closed.Load() {
		return connectivity.Ready // HTTP connections come and go per call
	}
	return c.cc.GetState()
}

// errConnClosed is what Ready says after Close.
var errConnClosed = &connError{msg: "the connection is closed", code: codes.Canceled}

// Ready makes sure the connection is up before a call. A connection whose
// server went away is IDLE or in TRANSIENT_FAILURE, and gRPC would wait out
// its reconnect backoff (up to two minutes); Ready reconnects at once, so a
// server that came back works on the next call without restarting grpcsh.
// It waits at most ConnectTimeout (or until ctx ends) and returns early,
// with an explanation, once every address has failed.
//
// The error is explained (see ExplainConnError) and carries codes.Unavailable
// (DeadlineExceeded or Canceled when ctx ended first).
func (c *Conn) Ready(ctx context.Context) error {
	if c.closed.Load() {
		return errConnClosed
	}
	if c.web != nil {
		return c.web.ready(ctx, c.settings.target.display)
	}
	st := c.cc.GetState()
	if st == connectivity.Ready {
		return nil
	}
	start := time.Now()
	timeout := c.settings.cfg.ConnectTimeout
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	mark := c.track.mark()
	// pick_first stays in TRANSIENT_FAILURE while it retries, so from there
	// the state does not show when the new attempts have failed: count the
	// attempts instead. From any other state, reaching TRANSIENT_FAILURE
	// means a fresh pass over the addresses failed.
	fromFailure := st == connectivity.TransientFailure
	c.cc.Connect()
	if fromFailure {
		c.cc.ResetConnectBackoff()
	}
	for {
		wake := c.track.changed()
		st = c.cc.GetState()
		switch st {
		case connectivity.Ready:
			return nil
		case connectivity.Shutdown:
			return errConnClosed
		case connectivity.Idle:
			c.cc.Connect()
		case connectivity.TransientFailure:
			if !fromFailure || c.track.allFailedSince(mark) || !c.track.anyAttempt() {
				return c.explainFailure(ctx, mark)
			}
		}
		stateChanged := make(chan struct{})
		wctx, wcancel := context.WithCancel(cctx)
		go func(from connectivity.State) {
			if c.cc.WaitForStateChange(wctx, from) {
				close(stateChanged)
			}
		}(st)
		select {
		case <-stateChanged:
		case <-wake:
		case <-cctx.Done():
		}
		wcancel()
		if cctx.Err() != nil && c.cc.GetState() != connectivity.Ready {
			return c.explainTimeout(ctx, mark, time.Since(start))
		}
	}
}

// WatchState sends the connectivity state now and on every change until ctx
// ends or the connection is closed, then closes the channel. A slow reader
// gets the newest state, not a backlog.
func (c *Conn) WatchState(ctx context.Context) <-chan connectivity.State {
	ch := make(chan connectivity.State, 1)
	if c.web != nil {
		ch <- c.State()
		go func() {
			<-ctx.Done()
			close(ch)
		}()
		return ch
	}
	go func() {
		defer close(ch)
		st := c.cc.GetState()
		for {
			select { // drop a state the reader has not taken yet
			case <-ch:
			default:
			}
			ch <- st // cannot block: this goroutine is the only sender
			if st == connectivity.Shutdown || !c.cc.WaitForStateChange(ctx, st) {
				return
			}
			st = c.cc.GetState()
		}
	}()
	return ch
}

// Describe says what the connection is, for banners and status bars:
// "127.0.0.1:8888 plaintext", "api:443 TLS", "api:443 TLS (insecure: not
// verified)", "api:443 mTLS", plus the authority and balancing when set.
func (c *Conn) Describe() string {
	s := c.settings
	mode := "plaintext"
	if s.useTLS {
		mode = "TLS"
		if s.cfg.Cert != "" {
			mode = "mTLS"
		}
		if s.cfg.Insecure {
			mode += " (insecure: not verified)"
		}
	}
	d := s.target.display + " " + mode
	if s.cfg.Authority != "" {
		d += ", authority " + s.cfg.Authority
	}
	if s.cfg.RoundRobin {
		d += ", round robin"
	}
	if s.cfg.Protocol != ProtocolGRPC {
		d += ", " + s.cfg.Protocol.title()
		if s.cfg.HTTP == HTTP1 {
			d += " over HTTP/1.1"
		}
	}
	if len(s.target.addrs) > 0 {
		if u := s.proxy.forAddr(s.target.addrs[0]); u != nil {
			d += ", via proxy " + u.Redacted() // never the password
			if s.proxy.from != "-proxy" {
				d += " (" + s.proxy.from + ")"
			}
		}
	}
	return d
}

// Close closes the connection; calls in flight fail with Canceled.
func (c *Conn) Close() error {
	c.closed.Store(true)
	if c.web != nil {
		c.web.close()
	}
	return c.cc.Close()
}

// explainFailure explains why every address failed since mark.
func (c *Conn) explainFailure(ctx context.Context, mark uint64) error {
	failed := c.track.failedSince(mark)
	if len(failed) == 0 {
		// The pass that failed began before Ready did.
		failed = c.track.failedSince(0)
	}
	if len(failed) == 0 {
		// No attempt at all: the name did not resolve.
		return &connError{msg: c.explainResolution(ctx), code: codes.Unavailable}
	}
	// Report addresses in the order the target lists them.
	order := func(a connAttempt) int {
		if i := slices.Index(c.settings.target.addrs, a.addr); i >= 0 {
			return i
		}
		return len(c.settings.target.addrs)
	}
	slices.SortStableFunc(failed, func(a, b connAttempt) int { return order(a) - order(b) })
	msgs := make([]string, 0, len(failed))
	for _, a := range failed {
		msgs = append(msgs, c.explainAttempt(ctx, a))
	}
	return &connError{msg: connJoinExplanations(msgs), code: codes.Unavailable, cause: failed[len(failed)-1].err}
}

// connJoinExplanations joins the explanations of several addresses, giving
// the advice once when they all end with the same one: "nothing listens on
// A (connection refused); nothing listens on B (connection refused): check
// the address, and that the server is running".
func connJoinExplanations(msgs []string) string {
	if len(msgs) < 2 {
		return strings.Join(msgs, "; ")
	}
	advice := func(m string) (string, string) {
		i := strings.LastIndex(m, "): ")
		if i < 0 {
			return m, ""
		}
		return m[:i+1], m[i+3:]
	}
	heads := make([]string, len(msgs))
	_, common := advice(msgs[0])
	for i, m := range msgs {
		h, a := advice(m)
		if a != common || a == "" {
			return strings.Join(msgs, "; ")
		}
		heads[i] = h
	}
	return strings.Join(heads, "; ") + ": " + common
}

// explainTimeout explains a Ready that ran out of time (its own
// ConnectTimeout, or ctx).
func (c *Conn) explainTimeout(ctx context.Context, mark uint64, waited time.Duration) error {
	s := c.settings
	var msg string
	code := codes.Unavailable
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return &connError{msg: fmt.Sprintf("connecting to %s: canceled", s.target.display), code: codes.Canceled, cause: ctx.Err()}
	case ctx.Err() != nil:
		msg = fmt.Sprintf("could not connect to %s within %s (the deadline of the call)", s.target.display, waited.Round(time.Millisecond))
		code = codes.DeadlineExceeded
	default:
		msg = fmt.Sprintf("could not connect to %s within %s (-connect-timeout)", s.target.display, s.cfg.ConnectTimeout)
	}
	// Say how far the attempts got.
	var cause error
	if failed := c.track.failedSince(mark); len(failed) > 0 {
		last := failed[len(failed)-1]
		msg += "; last error: " + c.explainAttempt(ctx, last)
		cause = last.err
	} else if pending := c.track.pendingSince(mark); len(pending) > 0 {
		a := pending[len(pending)-1]
		switch a.stage {
		case connDialing:
			if u := s.proxy.forAddr(a.addr); u != nil {
				msg += fmt.Sprintf("; proxy %s (from %s) did not answer the CONNECT to %s (timeout)", u.Redacted(), s.proxy.from, a.display())
				break
			}
			msg += fmt.Sprintf("; the connection to %s did not complete", a.display())
		case connHandshaking:
			msg += fmt.Sprintf("; %s accepted the connection but did not complete the TLS handshake", a.display())
		case connAwaitingServer:
			msg += fmt.Sprintf("; %s accepted the connection but never answered the HTTP/2 handshake: is it a gRPC server?", a.display())
			if !s.useTLS {
				msg += " If it speaks TLS, " + connUseTLSFlags(s.cfg)
			}
		}
	} else if len(c.track.failedSince(0)) == 0 && s.target.host != "" {
		msg += "; " + c.explainResolution(ctx)
	}
	return &connError{msg: msg, code: code, cause: cause}
}

// explainAttempt explains one failed attempt. A plaintext attempt the server
// hung up on is probed with TLS, so that grpcsh can say "speaks TLS" only
// when it does.
func (c *Conn) explainAttempt(ctx context.Context, a connAttempt) string {
	s := c.settings
	err := a.err
	var spk *connSpeaksTLSError
	switch {
	case a.stage != connFailedAwaitingServer || errors.Is(err, connErrGaveUp), s.proxy.forAddr(a.addr) != nil:
		// (Through a proxy the probes, which dial directly, would test another path.)
	case !s.useTLS && !errors.As(err, &spk) && connProbeTLS(ctx, a):
		err = &connSpeaksTLSError{err}
	case s.useTLS && s.tls != nil && !strings.Contains(err.Error(), "remote error: tls:"):
		// In TLS 1.3 a server that rejects the client certificate says
		// so with an alert after the handshake, then hangs up; when
		// grpc's preface write hits the closed socket first, the
		// reset can discard the alert. A second handshake that sends
		// nothing afterwards reads it.
		if alert := connProbeTLSAlert(ctx, a, s.tls); alert != nil {
			err = fmt.Errorf("error reading server preface: %w", alert)
		}
	}
	if msg := connExplain(err, a.display(), s); msg != "" {
		return msg
	}
	return fmt.Sprintf("cannot connect to %s: %v", a.display(), err)
}

// explainResolution says why no address was tried: for a host name, a DNS
// lookup tells whether it resolves at all.
func (c *Conn) explainResolution(ctx context.Context) string {
	s := c.settings
	if s.target.host == "" {
		return fmt.Sprintf("the name resolver found no address for %s: check the target", s.target.display)
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	if _, err := net.DefaultResolver.LookupHost(lctx, s.target.host); err != nil {
		if msg := connExplain(err, s.target.display, s); msg != "" {
			return msg
		}
		return fmt.Sprintf("cannot resolve %s: %v", s.target.host, err)
	}
	return fmt.Sprintf("the name resolver found no usable address for %s, though %s resolves here: check the target", s.target.display, s.target.host)
}

// connProbeTLS says whether the server of a speaks TLS: it completes a
// handshake, or answers with a TLS alert. Verification is skipped: the
// question is only which protocol it speaks.
func connProbeTLS(ctx context.Context, a connAttempt) bool {
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(pctx, a.network, a.addr)
	if err != nil {
		return false
	}
	defer raw.Close()
	host, _, err := net.SplitHostPort(a.addr)
	if err != nil || a.network == "unix" {
		host = "localhost"
	}
	conn := tls.Client(raw, &tls.Config{ServerName: host, InsecureSkipVerify: true, NextProtos: []string{"h2"}}) // a protocol probe: nothing is sent over it
	err = conn.HandshakeContext(pctx)
	return err == nil || strings.Contains(err.Error(), "remote error: tls:")
}

// connProbeTLSAlert repeats the TLS handshake of a with the same client
// certificate, sends nothing, and returns the alert the server sends, if
// any. The server certificate is not verified again: the failed attempt got
// past that already; only the server's verdict on the client matters here.
func connProbeTLSAlert(ctx context.Context, a connAttempt, tc *tls.Config) error {
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(pctx, a.network, a.addr)
	if err != nil {
		return nil
	}
	defer raw.Close()
	cfg := tc.Clone()
	cfg.InsecureSkipVerify = true
	cfg.NextProtos = []string{"h2"}
	if cfg.ServerName == "" {
		cfg.ServerName = "localhost"
		if host, _, err := net.SplitHostPort(a.addr); err == nil && a.network != "unix" {
			cfg.ServerName = host
		}
	}
	conn := tls.Client(raw, cfg)
	err = conn.HandshakeContext(pctx)
	if err == nil {
		if dl, ok := pctx.Deadline(); ok {
			_ = conn.SetReadDeadline(dl)
		}
		_, err = conn.Read(make([]byte, 1))
	}
	if err != nil && strings.Contains(err.Error(), "remote error: tls:") {
		return err
	}
	return nil
}

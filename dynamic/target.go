package dynamic

import (
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc/resolver"
)

// connTarget is a parsed ConnConfig.Target: what grpc.NewClient is given,
// plus what grpcsh knows about the addresses without resolving anything, for
// SecurityAuto, Describe and error messages.
type connTarget struct {
	// dial is the target handed to grpc.NewClient. Plain "host:port" targets
	// get an explicit "dns:///" so that a host that happens to be called like
	// a resolver scheme cannot be misread.
	dial string
	// display names the target in messages: "127.0.0.1:8888", "api:443",
	// "unix:/tmp/s.sock", "ipv4:127.0.0.1:1,127.0.0.1:2".
	display string
	// host is the name to look up when a dns target fails to resolve; empty
	// for targets that need no lookup.
	host string
	// addrs are the literal addresses, when the target spells them out
	// (host:port for TCP, the path for unix sockets).
	addrs []string
	// unix says the target is a unix socket (including unix-abstract).
	unix bool
	// loopback says every address is local: a loopback IP, localhost, or a
	// unix socket. SecurityAuto uses plaintext for these.
	loopback bool
}

// connDefaultPort is the port grpc's dns resolver assumes when the target has
// none; grpcsh uses the same so that Describe shows the port really dialled.
const connDefaultPort = "443"

// connParseTarget parses the spellings ConnConfig.Target documents. unix is
// grpcurl's -unix flag: the target is a socket path.
func connParseTarget(target string, unix bool) (connTarget, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return connTarget{}, fmt.Errorf("no target: give host:port, unix:///path/to/socket, or ipv4:host:port,host:port")
	}
	if unix {
		path := target
		if p, ok := strings.CutPrefix(path, "unix://"); ok {
			path = p
		} else if p, ok := strings.CutPrefix(path, "unix:"); ok {
			path = p
		}
		return connUnixTarget(path)
	}
	scheme, rest, hasScheme := strings.Cut(target, ":")
	if hasScheme {
		switch strings.ToLower(scheme) {
		case "unix":
			if p, ok := strings.CutPrefix(rest, "//"); ok {
				if !strings.HasPrefix(p, "/") {
					return connTarget{}, fmt.Errorf("target %q: unix:// needs an absolute path (unix:///tmp/grpc.sock); write unix:%s for a relative one", target, p)
				}
				rest = p
			}
			return connUnixTarget(rest)
		case "unix-abstract":
			name := strings.TrimPrefix(rest, "//")
			if name == "" {
				return connTarget{}, fmt.Errorf("target %q: unix-abstract: needs a socket name", target)
			}
			return connTarget{dial: target, display: target, addrs: []string{"@" + name}, unix: true, loopback: true}, nil
		case "ipv4", "ipv6":
			addrs, err := connParseAddrList(strings.ToLower(scheme), rest)
			if err != nil {
				return connTarget{}, fmt.Errorf("target %q: %w", target, err)
			}
			t := connTarget{dial: target, display: target, addrs: addrs, loopback: true}
			if len(addrs) == 1 {
				t.display = addrs[0]
			}
			for _, a := range addrs {
				host, _, _ := net.SplitHostPort(a)
				t.loopback = t.loopback && connIsLoopbackHost(host)
			}
			return t, nil
		case "dns":
			// dns:host:port, dns:///host:port or dns://resolver-addr/host:port.
			hostport := rest
			if p, ok := strings.CutPrefix(rest, "//"); ok {
				_, hostport, _ = strings.Cut(p, "/")
			}
			t, err := connHostPortTarget(hostport)
			if err != nil {
				return connTarget{}, fmt.Errorf("target %q: %w", target, err)
			}
			t.dial = target
			return t, nil
		case "passthrough":
			hostport := strings.TrimPrefix(strings.TrimPrefix(rest, "//"), "/")
			t, err := connHostPortTarget(hostport)
			if err != nil {
				return connTarget{}, fmt.Errorf("target %q: %w", target, err)
			}
			t.dial = target
			return t, nil
		}
		// Another registered scheme (xds, or one a plugin registered):
		// hand it to grpc as it is; grpcsh knows nothing of its addresses.
		if strings.HasPrefix(rest, "//") && resolver.Get(strings.ToLower(scheme)) != nil {
			return connTarget{dial: target, display: target}, nil
		}
		if strings.HasPrefix(rest, "//") {
			// scheme://... is a URL, never host:port: name the scheme
			// rather than complain about colons.
			return connTarget{}, fmt.Errorf("target %q: unknown scheme %q: use host:port, dns:///host:port, unix:///path, unix:path, ipv4:host:port or ipv6:[host]:port", target, scheme)
		}
	}
	t, err := connHostPortTarget(target)
	if err != nil {
		return connTarget{}, fmt.Errorf("target %q: %w", target, err)
	}
	return t, nil
}

// connUnixTarget is a target for the socket at path (absolute or relative).
func connUnixTarget(path string) (connTarget, error) {
	if path == "" {
		return connTarget{}, fmt.Errorf("no socket path: give unix:///absolute/path or unix:relative/path")
	}
	dial := "unix:" + path
	if filepath.IsAbs(path) {
		dial = "unix://" + path
	}
	return connTarget{dial: dial, display: "unix:" + path, addrs: []string{path}, unix: true, loopback: true}, nil
}

// connHostPortTarget parses host:port, host, [v6]:port or a bare IPv6
// address, defaulting the port to 443 as grpc's dns resolver does.
func connHostPortTarget(s string) (connTarget, error) {
	if s == "" {
		return connTarget{}, fmt.Errorf("missing host:port")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		switch {
		case connIsIP(strings.Trim(s, "[]")):
			host, port = strings.Trim(s, "[]"), connDefaultPort
		case !strings.Contains(s, ":"):
			host, port = s, connDefaultPort
		default:
			return connTarget{}, fmt.Errorf("want host:port: %v", connNetErrText(err))
		}
	}
	if host == "" {
		return connTarget{}, fmt.Errorf("missing host in %q", s)
	}
	if port == "" {
		return connTarget{}, fmt.Errorf("missing port in %q", s)
	}
	if strings.ContainsAny(host, "/ ,") {
		return connTarget{}, fmt.Errorf("%q is not a host name or IP address", host)
	}
	// A number, or a service name from /etc/services (no network needed).
	if p, err := net.LookupPort("tcp", port); err != nil || p == 0 {
		return connTarget{}, fmt.Errorf("%q is not a port", port)
	}
	hp := net.JoinHostPort(host, port)
	t := connTarget{dial: "dns:///" + hp, display: hp, addrs: []string{hp}, loopback: connIsLoopbackHost(host)}
	if !connIsIP(host) {
		t.host = host
	}
	return t, nil
}

// connParseAddrList parses what follows "ipv4:" or "ipv6:" as grpc C-core
// does: comma-separated IP literals, each with an optional port (443 when
// absent); IPv6 addresses with a port are bracketed.
func connParseAddrList(scheme, list string) ([]string, error) {
	list = strings.TrimPrefix(list, "//") // ipv4:///1.2.3.4:5 is accepted too
	list = strings.TrimPrefix(list, "/")
	if list == "" {
		return nil, fmt.Errorf("%s: needs at least one address", scheme)
	}
	var addrs []string
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			host, port = strings.Trim(a, "[]"), connDefaultPort
		}
		ip, perr := netip.ParseAddr(host)
		if perr != nil || ip.Zone() != "" && scheme == "ipv4" {
			return nil, fmt.Errorf("%q is not an IP address (%s: takes IP literals; use host:port or dns:///host:port for names)", a, scheme)
		}
		if scheme == "ipv4" && !ip.Is4() {
			return nil, fmt.Errorf("%q is not an IPv4 address (use ipv6: for IPv6)", a)
		}
		if scheme == "ipv6" && !ip.Is6() {
			return nil, fmt.Errorf("%q is not an IPv6 address (use ipv4: for IPv4)", a)
		}
		if port == "" {
			return nil, fmt.Errorf("missing port in %q", a)
		}
		addrs = append(addrs, net.JoinHostPort(host, port))
	}
	return addrs, nil
}

func connIsIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}

// connIsLoopbackHost says host is local without resolving it: a loopback IP
// literal, "localhost", or a name under .localhost (RFC 6761 reserves them).
func connIsLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// connNetErrText is err's text without the *net.AddrError wrapping noise.
func connNetErrText(err error) string {
	if ae, ok := err.(*net.AddrError); ok {
		return ae.Err
	}
	return err.Error()
}

// The ipv4: and ipv6: schemes come from grpc C-core, where
// "ipv4:127.0.0.1:8888,127.0.0.1:9999" is the usual way to give a channel a
// fixed list of addresses to fail over between. grpc-go has no resolver for
// them, so grpcsh registers one: the addresses become the resolver state,
// and the channel's load-balancing policy (pick_first, or round_robin when
// asked) chooses among them.
func init() {
	resolver.Register(connAddrListBuilder{scheme: "ipv4"})
	resolver.Register(connAddrListBuilder{scheme: "ipv6"})
}

type connAddrListBuilder struct{ scheme string }

func (b connAddrListBuilder) Scheme() string { return b.scheme }

func (b connAddrListBuilder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	addrs, err := connParseAddrList(b.scheme, target.Endpoint())
	if err != nil {
		return nil, err
	}
	state := resolver.State{}
	for _, a := range addrs {
		host, _, _ := net.SplitHostPort(a)
		// ServerName makes TLS verify each address by its own IP rather
		// than by the channel's authority (which is the first address).
		addr := resolver.Address{Addr: a, ServerName: host}
		state.Addresses = append(state.Addresses, addr)
		state.Endpoints = append(state.Endpoints, resolver.Endpoint{Addresses: []resolver.Address{addr}})
	}
	// UpdateState fails only when the balancer rejects the state; the
	// channel then reports that itself, so there is nothing to add here.
	_ = cc.UpdateState(state)
	return connNopResolver{}, nil
}

// OverrideAuthority makes :authority the first address rather than the whole
// comma-separated list, which is not a valid authority.
func (b connAddrListBuilder) OverrideAuthority(target resolver.Target) string {
	addrs, err := connParseAddrList(b.scheme, target.Endpoint())
	if err != nil || len(addrs) == 0 {
		return target.Endpoint()
	}
	return addrs[0]
}

// connNopResolver is a resolver whose addresses never change.
type connNopResolver struct{}

func (connNopResolver) ResolveNow(resolver.ResolveNowOptions) {}
func (connNopResolver) Close()                                {}

// CheckAuthority refuses an -authority that cannot be sent: the
// :authority header is a host name and port, and a control character or a
// space in it makes the server reset the stream (PROTOCOL_ERROR) at the
// first call.
func CheckAuthority(a string) error {
	for i, r := range a {
		if r <= ' ' || r == 0x7f || unsafeRune(r) {
			return fmt.Errorf("-authority %q: the character at byte %d (%s) cannot be in an authority: give host or host:port", a, i, SafeLine(string(r)))
		}
	}
	return nil
}

// CheckDeadline refuses a negative -max-time, as the other durations are.
func CheckDeadline(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("-max-time must not be negative, got %s", d)
	}
	return nil
}

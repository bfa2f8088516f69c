package dynamic

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// connError is a connection failure explained: Error says what failed and
// which flag fixes it. It unwraps to the transport error, and it is still a
// gRPC status (GRPCStatus) with the original code, so callers that map codes
// to exit codes, or print status messages, keep working.
type connError struct {
	msg   string
	code  codes.Code
	cause error
}

func (e *connError) Error() string              { return e.msg }
func (e *connError) Unwrap() error              { return e.cause }
func (e *connError) GRPCStatus() *status.Status { return status.New(e.code, e.msg) }

// connSpeaksTLSError marks a plaintext attempt that failed because the
// server speaks TLS: it answered with a TLS record, or a TLS probe succeeded
// after it hung up on the HTTP/2 preface.
type connSpeaksTLSError struct{ err error }

func (e *connSpeaksTLSError) Error() string { return e.err.Error() }
func (e *connSpeaksTLSError) Unwrap() error { return e.err }

// connSettings is what the explanations need to know of a configuration:
// the flags the user gave and the security grpcsh chose.
type connSettings struct {
	cfg    ConnConfig
	target connTarget
	useTLS bool
	// tls is the client TLS config (nil for plaintext, and in
	// ExplainConnError), for the alert probe.
	tls *tls.Config
	// proxy is the proxy choice (nil in ExplainConnError: none known).
	proxy *connProxy
}

// connSettingsFor derives the settings of cfg without validating it, so
// that ExplainConnError can explain errors of any configuration.
func connSettingsFor(cfg ConnConfig) connSettings {
	t, err := connParseTarget(cfg.Target, cfg.Unix)
	if err != nil {
		t = connTarget{display: cfg.Target}
	}
	return connSettings{cfg: cfg, target: t, useTLS: connUseTLS(cfg, t)}
}

// ExplainConnError turns an error from connecting, or from a call that
// failed because the connection did, into a message that says what failed
// and which flag fixes it (see the cases in connExplain). The result keeps
// the gRPC status code of err and unwraps to it. Errors that are not about
// the connection, and errors already explained, are returned unchanged.
func ExplainConnError(err error, cfg ConnConfig) error {
	if err == nil {
		return nil
	}
	var ce *connError
	if errors.As(err, &ce) {
		return err
	}
	code := codes.Unavailable
	if st, ok := status.FromError(err); ok {
		code = st.Code()
		// Connection failures reach calls as Unavailable; a non-gRPC
		// server answering HTTP comes back as Unimplemented or Unknown.
		if code != codes.Unavailable && !strings.Contains(st.Message(), "unexpected HTTP status code") {
			return err
		}
	} else if !connIsTransportError(err) {
		return err // not from grpc nor the network: leave it alone
	}
	s := connSettingsFor(cfg)
	msg := connExplain(err, s.target.display, s)
	if msg == "" {
		return err
	}
	return &connError{msg: msg, code: code, cause: err}
}

// connExplain explains err, a failure to connect to addr, or returns "" when
// it does not recognise it. It looks at typed errors first (what the dialer
// and credentials see) and falls back to the text (what reaches a call
// through a gRPC status). The texts matched were taken from grpc-go 1.85
// and Go 1.26 against the demo server; connerr_test.go and tls_test.go
// pin them.
func connExplain(err error, addr string, s connSettings) string {
	cause := connCauseText(err)
	text := err.Error()
	st, isStatus := status.FromError(err)
	if isStatus {
		text = st.Message()
	}

	var speaksTLS *connSpeaksTLSError
	var proxyErr *ProxyError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &proxyErr):
		return proxyErr.Msg
	case proxyMsgInText(text) != "":
		// A ProxyError that reached a call as grpc's text.
		return proxyMsgInText(text)
	case errors.As(err, &speaksTLS):
		return connSpeaksTLSMsg(addr, cause, s)

	case strings.Contains(text, "first record does not look like a TLS handshake"):
		return fmt.Sprintf("%s does not speak TLS (%s): pass -plaintext%s", addr, cause, connInsteadOfTLSFlags(s.cfg))

	case errors.As(err, &unknownCA), strings.Contains(text, "certificate signed by unknown authority"):
		issuer := ""
		if unknownCA.Cert != nil {
			issuer = fmt.Sprintf(" %q", unknownCA.Cert.Issuer.String())
		}
		if s.cfg.CACert != "" {
			return fmt.Sprintf("the certificate of %s is not signed by the CA in -cacert %s but by%s (x509: certificate signed by unknown authority): pass the CA that signed it, or -insecure to skip verification", addr, s.cfg.CACert, connOr(issuer, " another authority"))
		}
		return fmt.Sprintf("the certificate of %s is signed by an unknown authority%s (x509: certificate signed by unknown authority): pass -cacert FILE with that CA, or -insecure to skip verification", addr, issuer)

	case errors.As(err, &hostErr):
		return connNameMismatchMsg(addr, hostErr.Host, connCertNames(hostErr.Certificate), hostErr.Certificate, s)
	case strings.Contains(text, "x509: certificate is valid for "):
		// "x509: certificate is valid for a, b, not c"
		rest := text[strings.Index(text, "x509: certificate is valid for ")+len("x509: certificate is valid for "):]
		names, host, _ := strings.Cut(rest, ", not ")
		host, _, _ = strings.Cut(host, "\"")
		return connNameMismatchMsg(addr, host, strings.Split(names, ", "), nil, s)
	case strings.Contains(text, "because it doesn't contain any IP SANs"):
		return fmt.Sprintf("the certificate of %s holds no IP address, so it cannot be verified for an IP address (%s): pass -authority NAME with a host name the certificate is issued for, or -insecure to skip verification", addr, cause)

	case errors.As(err, &invalid) && (invalid.Reason == x509.Expired):
		now := time.Now().UTC().Format(time.RFC3339)
		if c := invalid.Cert; c != nil && time.Now().Before(c.NotBefore) {
			return fmt.Sprintf("the certificate of %s is not valid before %s (it is now %s: is a clock wrong?): pass -insecure to skip verification", addr, c.NotBefore.UTC().Format(time.RFC3339), now)
		}
		if c := invalid.Cert; c != nil {
			return fmt.Sprintf("the certificate of %s expired at %s (it is now %s): the server needs a new certificate; -insecure skips verification meanwhile", addr, c.NotAfter.UTC().Format(time.RFC3339), now)
		}
		return fmt.Sprintf("the certificate of %s has expired or is not yet valid (%s): the server needs a new certificate; -insecure skips verification meanwhile", addr, cause)
	case strings.Contains(text, "certificate has expired or is not yet valid"):
		return fmt.Sprintf("the certificate of %s has expired or is not yet valid (%s): the server needs a new certificate; -insecure skips verification meanwhile", addr, cause)
	case strings.Contains(text, "tls: failed to verify certificate"):
		return fmt.Sprintf("the certificate of %s cannot be verified (%s): pass -cacert FILE with the CA that signed it, or -insecure to skip verification", addr, cause)

	case strings.Contains(text, "remote error: tls: "):
		alert := text[strings.Index(text, "remote error: tls: ")+len("remote error: tls: "):]
		alert, _, _ = strings.Cut(alert, "\"")
		return connAlertMsg(addr, alert, cause, s)

	case strings.Contains(text, "missing selected ALPN property"):
		return fmt.Sprintf("%s speaks TLS but did not agree to HTTP/2 (ALPN h2), which gRPC needs: is it a gRPC server? (a proxy in front of it must pass HTTP/2 through)", addr)

	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(text, "connection refused"):
		if s.target.unix {
			return fmt.Sprintf("nothing listens on the socket %s (connection refused): check the path, and that the server is running", connUnixPath(addr))
		}
		return fmt.Sprintf("nothing listens on %s (connection refused): check the address, and that the server is running", addr)
	case s.target.unix && (errors.Is(err, syscall.ENOENT) || strings.Contains(text, "no such file or directory")):
		return fmt.Sprintf("there is no socket at %s (no such file or directory): check the path, and that the server is running", connUnixPath(addr))
	case errors.Is(err, syscall.EACCES) || strings.Contains(text, "permission denied"):
		return fmt.Sprintf("cannot connect to %s: permission denied", addr)

	case errors.As(err, &dnsErr):
		return connDNSMsg(dnsErr.Name, dnsErr.IsNotFound, cause)
	case strings.Contains(text, "no such host"):
		host := s.target.host
		if i := strings.Index(text, "lookup "); i >= 0 {
			host, _, _ = strings.Cut(text[i+len("lookup "):], " ")
		}
		return connDNSMsg(host, true, cause)
	case strings.Contains(text, "produced zero addresses"):
		if s.target.host != "" {
			return fmt.Sprintf("cannot resolve %s: the name resolver found no address for it: check the host name", s.target.host)
		}
		return fmt.Sprintf("the name resolver found no address for %s: check the target", addr)

	case errors.Is(err, connErrGaveUp):
		msg := fmt.Sprintf("%s accepted the connection but never answered the HTTP/2 handshake: is it a gRPC server?", addr)
		if !s.useTLS {
			msg += " If it speaks TLS, " + connUseTLSFlags(s.cfg)
		}
		return msg
	case strings.Contains(text, "error reading from server"):
		// The connection broke during a call, after it had worked.
		return fmt.Sprintf("the connection to %s broke during the call (%s): the server may have stopped or restarted; the next call reconnects", addr, cause)
	case strings.Contains(text, "error reading server preface"), strings.Contains(text, "connection closed before server preface received"),
		strings.Contains(text, "error writing client preface"),
		// Typed resets come from the tracker, which sees connection
		// attempts only (in a call's status they could be anything).
		!isStatus && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)):
		switch {
		case !s.useTLS:
			return fmt.Sprintf("%s closed the connection without answering in plaintext (%s): if it speaks TLS, %s", addr, cause, connUseTLSFlags(s.cfg))
		case s.cfg.Cert == "":
			return fmt.Sprintf("%s closed the connection after the TLS handshake (%s): is it a gRPC server? If it requires a client certificate, pass -cert FILE and -key FILE", addr, cause)
		}
		return fmt.Sprintf("%s closed the connection after the TLS handshake (%s): is it a gRPC server, and does it accept the client certificate in -cert %s?", addr, cause, s.cfg.Cert)
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH),
		strings.Contains(text, "network is unreachable"), strings.Contains(text, "no route to host"):
		return fmt.Sprintf("%s cannot be reached (%s): check the address and the network", addr, cause)
	case connIsDialTimeout(err), strings.Contains(text, "i/o timeout"):
		return fmt.Sprintf("the TCP connection to %s timed out (%s): is the address right, and does a firewall drop it?", addr, cause)

	case strings.Contains(text, "unexpected HTTP status code received from server"):
		return fmt.Sprintf("%s answered with plain HTTP, not gRPC (%s): is it a gRPC server? (behind a proxy, -authority may be needed)", addr, cause)
	}
	return ""
}

// connNameMismatchMsg explains a certificate that is not issued for the name
// grpcsh checked.
func connNameMismatchMsg(addr, host string, names []string, cert *x509.Certificate, s connSettings) string {
	checked := host
	if s.cfg.Authority != "" {
		checked = host + " (-authority)"
	}
	if len(names) == 0 {
		cn := ""
		if cert != nil && cert.Subject.CommonName != "" {
			cn = fmt.Sprintf(" (only the common name %q, which TLS ignores)", cert.Subject.CommonName)
		}
		return fmt.Sprintf("the certificate of %s names no host or IP address%s, so it cannot be verified for %s: the server needs a certificate with subject alternative names; -insecure skips verification meanwhile", addr, cn, checked)
	}
	fix := names[0]
	if strings.HasPrefix(fix, "*.") {
		fix = "NAME matching " + fix
	}
	return fmt.Sprintf("the certificate of %s is valid for %s, not %s: pass -authority %s (or connect by that name)", addr, strings.Join(names, ", "), checked, fix)
}

// connCertNames lists the names a certificate is valid for.
func connCertNames(c *x509.Certificate) []string {
	if c == nil {
		return nil
	}
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

// connAlertMsg explains a TLS alert the server sent.
func connAlertMsg(addr, alert, cause string, s connSettings) string {
	switch alert {
	case "certificate required":
		if s.cfg.Cert == "" {
			return fmt.Sprintf("%s requires a client certificate (%s): pass -cert FILE and -key FILE", addr, cause)
		}
		return fmt.Sprintf("%s did not receive the client certificate in -cert %s (%s)", addr, s.cfg.Cert, cause)
	case "bad certificate", "unknown certificate authority", "unknown certificate", "expired certificate",
		"revoked certificate", "unsupported certificate", "access denied":
		if s.cfg.Cert == "" {
			return fmt.Sprintf("%s requires a client certificate (%s): pass -cert FILE and -key FILE", addr, cause)
		}
		return fmt.Sprintf("%s rejected the client certificate in -cert %s (%s): use a valid certificate signed by a CA the server trusts", addr, s.cfg.Cert, cause)
	case "handshake failure":
		if s.cfg.Cert == "" {
			return fmt.Sprintf("%s refused the TLS handshake (%s); servers that require a client certificate answer so: pass -cert FILE and -key FILE", addr, cause)
		}
		return fmt.Sprintf("%s refused the TLS handshake (%s): it may reject the client certificate in -cert %s, or share no cipher with grpcsh", addr, cause, s.cfg.Cert)
	case "protocol version not supported":
		return fmt.Sprintf("%s refused the TLS handshake (%s): it supports no TLS version grpcsh accepts (1.2 or later)", addr, cause)
	case "no application protocol":
		return fmt.Sprintf("%s refused the TLS handshake (%s): it does not offer HTTP/2 (ALPN h2), which gRPC needs: is it a gRPC server?", addr, cause)
	}
	return fmt.Sprintf("%s refused the TLS handshake (%s)", addr, cause)
}

// connSpeaksTLSMsg explains a plaintext connection to a TLS server.
func connSpeaksTLSMsg(addr, cause string, s connSettings) string {
	if s.cfg.Security == SecurityPlaintext {
		return fmt.Sprintf("%s speaks TLS but grpcsh connected in plaintext (%s): drop -plaintext (or pass -tls)", addr, cause)
	}
	return fmt.Sprintf("%s speaks TLS but grpcsh connected in plaintext, its default for local addresses (%s): pass -tls (and -cacert FILE or -insecure if its certificate is self-signed)", addr, cause)
}

// connUseTLSFlags is the advice to switch to TLS, given the flags in use.
func connUseTLSFlags(cfg ConnConfig) string {
	if cfg.Security == SecurityPlaintext {
		return "drop -plaintext (or pass -tls)"
	}
	return "pass -tls"
}

// connInsteadOfTLSFlags names the TLS flags to drop along with -plaintext.
func connInsteadOfTLSFlags(cfg ConnConfig) string {
	var flags []string
	if cfg.Security == SecurityTLS {
		flags = append(flags, "-tls")
	}
	if cfg.Insecure {
		flags = append(flags, "-insecure")
	}
	if cfg.CACert != "" {
		flags = append(flags, "-cacert")
	}
	if cfg.Cert != "" {
		flags = append(flags, "-cert", "-key")
	}
	if len(flags) == 0 {
		return ""
	}
	return " instead of " + strings.Join(flags, " ")
}

func connDNSMsg(host string, notFound bool, cause string) string {
	if notFound {
		return fmt.Sprintf("cannot resolve %s: no such host: check the host name", host)
	}
	return fmt.Sprintf("cannot resolve %s (%s): check the host name and the DNS setup", host, cause)
}

// connIsTransportError says err comes from the network or TLS, rather than
// being some other error whose text might happen to match.
func connIsTransportError(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	var spk *connSpeaksTLSError
	var rec tls.RecordHeaderError
	var verify *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var errno syscall.Errno
	return errors.As(err, &op) || errors.As(err, &dns) || errors.As(err, &spk) || errors.As(err, &rec) ||
		errors.As(err, &verify) || errors.As(err, &unknownCA) || errors.As(err, &host) ||
		errors.As(err, &invalid) || errors.As(err, &errno)
}

func connIsDialTimeout(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && op.Timeout()
}

// connUnixPath is the socket path of a unix display address.
func connUnixPath(addr string) string {
	return strings.TrimPrefix(addr, "unix:")
}

func connOr(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// connCauseText is the innermost useful text of err, for the parentheses of
// an explanation: the description inside grpc's "connection error: desc =
// ..." without its "transport: ..." prefixes.
func connCauseText(err error) string {
	text := err.Error()
	var spk *connSpeaksTLSError
	if errors.As(err, &spk) {
		text = spk.err.Error()
	}
	if st, ok := status.FromError(err); ok {
		text = st.Message()
	}
	if i := strings.Index(text, `connection error: desc = `); i >= 0 {
		desc := text[i+len(`connection error: desc = `):]
		if u, err := strconv.Unquote(desc); err == nil {
			desc = u
		}
		text = desc
	}
	for _, p := range []string{"transport: authentication handshake failed: ", "transport: Error while dialing: ", "transport: "} {
		text = strings.TrimPrefix(text, p)
	}
	return text
}

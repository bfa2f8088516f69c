package dynamic

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestConnExplainStatusErrors pins ExplainConnError on the status errors
// calls get; the texts were taken from grpc-go 1.85 against the demo server.
func TestConnExplainStatusErrors(t *testing.T) {
	conn := func(desc string) error {
		return status.Error(codes.Unavailable, `connection error: desc = "`+desc+`"`)
	}
	cfg := ConnConfig{Target: "127.0.0.1:8443"}
	for _, tc := range []struct {
		err  error
		cfg  ConnConfig
		want string
	}{
		{conn("error reading server preface: EOF"), ConnConfig{Target: "127.0.0.1:8443", Security: SecurityPlaintext},
			"127.0.0.1:8443 closed the connection without answering in plaintext (error reading server preface: EOF): if it speaks TLS, drop -plaintext (or pass -tls)"},
		{conn("transport: authentication handshake failed: tls: first record does not look like a TLS handshake"), ConnConfig{Target: "api:443"},
			"api:443 does not speak TLS (tls: first record does not look like a TLS handshake): pass -plaintext"},
		{conn("transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"), ConnConfig{Target: "api:443"},
			"the certificate of api:443 is signed by an unknown authority (x509: certificate signed by unknown authority): pass -cacert FILE with that CA, or -insecure to skip verification"},
		{conn("transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate is valid for grpcsh.test, other.test, not api"), ConnConfig{Target: "api:443"},
			"the certificate of api:443 is valid for grpcsh.test, other.test, not api: pass -authority grpcsh.test"},
		{conn("transport: authentication handshake failed: tls: failed to verify certificate: x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"), ConnConfig{Target: "127.0.0.1:8443", Security: SecurityTLS},
			"the certificate of 127.0.0.1:8443 holds no IP address, so it cannot be verified for an IP address"},
		{conn("transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-24T01:19:56Z is after 2026-11-23T01:19:56Z"), ConnConfig{Target: "api:443"},
			"the certificate of api:443 has expired or is not yet valid (tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-24T01:19:56Z is after 2026-11-23T01:19:56Z)"},
		{conn("error reading server preface: remote error: tls: certificate required"), ConnConfig{Target: "api:443"},
			"api:443 requires a client certificate (error reading server preface: remote error: tls: certificate required): pass -cert FILE and -key FILE"},
		{conn("transport: authentication handshake failed: remote error: tls: handshake failure"), ConnConfig{Target: "api:443"},
			"api:443 refused the TLS handshake (remote error: tls: handshake failure); servers that require a client certificate answer so: pass -cert FILE and -key FILE"},
		{conn("transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"), ConnConfig{Target: "127.0.0.1:1"},
			"nothing listens on 127.0.0.1:1 (connection refused)"},
		{conn("transport: Error while dialing: dial unix /tmp/nonexistent.sock: connect: no such file or directory"), ConnConfig{Target: "unix:///tmp/nonexistent.sock"},
			"there is no socket at /tmp/nonexistent.sock (no such file or directory)"},
		{conn("transport: Error while dialing: dial tcp: lookup nosuchhost.invalid on 10.255.255.53:53: no such host"), ConnConfig{Target: "passthrough:///nosuchhost.invalid:443"},
			"cannot resolve nosuchhost.invalid: no such host: check the host name"},
		{status.Error(codes.Unavailable, "name resolver error: produced zero addresses"), ConnConfig{Target: "nosuchhost.invalid:443"},
			"cannot resolve nosuchhost.invalid: the name resolver found no address for it"},
		{conn("error reading from server: read tcp 127.0.0.1:5->127.0.0.1:8888: read: connection reset by peer"), ConnConfig{Target: "127.0.0.1:8888"},
			"the connection to 127.0.0.1:8888 broke during the call (error reading from server: read tcp 127.0.0.1:5->127.0.0.1:8888: read: connection reset by peer): the server may have stopped or restarted; the next call reconnects"},
		{status.Error(codes.Unimplemented, "unexpected HTTP status code received from server: 404 (Not Found); malformed header: missing HTTP content-type"), ConnConfig{Target: "10.1.1.1:443"},
			"10.1.1.1:443 answered with plain HTTP, not gRPC"},
	} {
		got := ExplainConnError(tc.err, tc.cfg)
		if !strings.Contains(got.Error(), tc.want) {
			t.Errorf("ExplainConnError(%v)\n  = %v\n  want %q", tc.err, got, tc.want)
		}
		if status.Code(got) != status.Code(tc.err) {
			t.Errorf("ExplainConnError(%v) changed the code to %s", tc.err, status.Code(got))
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("ExplainConnError(%v) does not unwrap to the original", tc.err)
		}
	}
	// Typed errors, as the dialer sees them.
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	if got := ExplainConnError(refused, ConnConfig{Target: "127.0.0.1:1"}); !strings.Contains(got.Error(), "nothing listens on 127.0.0.1:1") || status.Code(got) != codes.Unavailable {
		t.Errorf("ExplainConnError(%v) = %v (%s)", refused, got, status.Code(got))
	}
	// Not about the connection: unchanged.
	for _, err := range []error{
		status.Error(codes.NotFound, "no such user"),
		status.Error(codes.Unavailable, "the service is overloaded"),
		context.Canceled,
		errors.New("reading request.json: no such file or directory"),
	} {
		if got := ExplainConnError(err, cfg); got != err {
			t.Errorf("ExplainConnError(%v) = %v, want it unchanged", err, got)
		}
	}
	if ExplainConnError(nil, cfg) != nil {
		t.Error("ExplainConnError(nil) != nil")
	}
}

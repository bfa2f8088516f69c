package dynamic

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/testcerts"
)

// connCerts is a throwaway PKI written to a temp dir.
type connCerts struct {
	ca, other                *testcerts.CA
	server, named, expired   *testcerts.Pair
	client, strangerClient   *testcerts.Pair
	caFile, otherCAFile      string
	clientCert, clientKey    string
	strangerCert, strangeKey string
}

func connNewCerts(t *testing.T) *connCerts {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := &connCerts{}
	var err error
	c.ca, err = testcerts.NewCA("grpcsh test CA")
	must(err)
	c.other, err = testcerts.NewCA("some other CA")
	must(err)
	c.server, err = c.ca.Issue(testcerts.Loopback())
	must(err)
	c.named, err = c.ca.Issue(testcerts.Leaf{CommonName: "grpcsh.test", DNSNames: []string{"grpcsh.test"}})
	must(err)
	c.expired, err = c.ca.Issue(testcerts.Leaf{CommonName: "localhost", IPs: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	must(err)
	c.client, err = c.ca.Issue(testcerts.Leaf{CommonName: "client", Client: true})
	must(err)
	c.strangerClient, err = c.other.Issue(testcerts.Leaf{CommonName: "stranger", Client: true})
	must(err)
	dir := t.TempDir()
	c.caFile, err = c.ca.WriteFile(dir, "ca.crt")
	must(err)
	c.otherCAFile, err = c.other.WriteFile(dir, "other.crt")
	must(err)
	c.clientCert, c.clientKey, err = c.client.WriteFiles(dir, "client")
	must(err)
	c.strangerCert, c.strangeKey, err = c.strangerClient.WriteFiles(dir, "stranger")
	must(err)
	return c
}

func TestConnTLS(t *testing.T) {
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.server, nil)})
	addr := srv.Addr().String()

	// SecurityAuto picks TLS when a TLS flag is given, even for loopback.
	c := connMustDial(t, ConnConfig{Target: addr, CACert: certs.caFile})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Describe(), addr+" TLS"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}

	t.Run("localhost name", func(t *testing.T) {
		_, port, _ := net.SplitHostPort(addr)
		c := connMustDial(t, ConnConfig{Target: "localhost:" + port, Security: SecurityTLS, CACert: certs.caFile})
		if err := connHello(t, c); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wrong CA", func(t *testing.T) {
		_, err := connDial(t, ConnConfig{Target: addr, CACert: certs.otherCAFile})
		connWantErr(t, err, "the certificate of "+addr+" is not signed by the CA in -cacert "+certs.otherCAFile,
			"grpcsh test CA", "certificate signed by unknown authority", "or -insecure to skip verification")
		if status.Code(err) != codes.Unavailable {
			t.Errorf("code %s, want Unavailable", status.Code(err))
		}
	})
	t.Run("system roots", func(t *testing.T) {
		_, err := connDial(t, ConnConfig{Target: addr, Security: SecurityTLS})
		connWantErr(t, err, "the certificate of "+addr+" is signed by an unknown authority",
			"pass -cacert FILE with that CA, or -insecure to skip verification")
	})
	t.Run("insecure", func(t *testing.T) {
		c := connMustDial(t, ConnConfig{Target: addr, Insecure: true})
		if err := connHello(t, c); err != nil {
			t.Fatal(err)
		}
		if got, want := c.Describe(), addr+" TLS (insecure: not verified)"; got != want {
			t.Errorf("Describe() = %q, want %q", got, want)
		}
	})
}

func TestConnTLSAuthority(t *testing.T) {
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.named, nil)})
	addr := srv.Addr().String()

	c := connMustDial(t, ConnConfig{Target: addr, CACert: certs.caFile, Authority: "grpcsh.test"})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Describe(), addr+" TLS, authority grpcsh.test"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}

	_, err := connDial(t, ConnConfig{Target: addr, CACert: certs.caFile})
	connWantErr(t, err, "the certificate of "+addr+" is valid for grpcsh.test, not 127.0.0.1: pass -authority grpcsh.test")

	_, err = connDial(t, ConnConfig{Target: addr, CACert: certs.caFile, Authority: "other.test"})
	connWantErr(t, err, "is valid for grpcsh.test, not other.test (-authority)")
}

func TestConnTLSExpired(t *testing.T) {
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.expired, nil)})
	_, err := connDial(t, ConnConfig{Target: srv.Addr().String(), CACert: certs.caFile})
	connWantErr(t, err, "the certificate of "+srv.Addr().String()+" expired at "+certs.expired.TLS.Leaf.NotAfter.UTC().Format(time.RFC3339), "-insecure")
}

func TestConnMTLS(t *testing.T) {
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.server, certs.ca)})
	addr := srv.Addr().String()

	c := connMustDial(t, ConnConfig{Target: addr, CACert: certs.caFile, Cert: certs.clientCert, Key: certs.clientKey})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Describe(), addr+" mTLS"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}

	// TLS 1.3: the handshake completes and the alert arrives as the first
	// read, where the HTTP/2 preface should be.
	_, err := connDial(t, ConnConfig{Target: addr, CACert: certs.caFile})
	connWantErr(t, err, addr+" requires a client certificate (error reading server preface: remote error: tls: certificate required): pass -cert FILE and -key FILE")

	_, err = connDial(t, ConnConfig{Target: addr, CACert: certs.caFile, Cert: certs.strangerCert, Key: certs.strangeKey})
	connWantErr(t, err, addr+" rejected the client certificate in -cert "+certs.strangerCert, "unknown certificate authority", "signed by a CA the server trusts")

	// TLS 1.2 servers fail the handshake itself, with a vaguer alert.
	cfg12 := testcerts.ServerConfig(certs.server, certs.ca)
	cfg12.MaxVersion = tls.VersionTLS12
	srv12 := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: cfg12})
	_, err = connDial(t, ConnConfig{Target: srv12.Addr().String(), CACert: certs.caFile})
	connWantErr(t, err, srv12.Addr().String()+" refused the TLS handshake (remote error: tls: handshake failure)", "pass -cert FILE and -key FILE")
}

func TestConnPlaintextToTLSServer(t *testing.T) {
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.server, nil)})
	addr := srv.Addr().String()

	_, err := connDial(t, ConnConfig{Target: addr, Security: SecurityPlaintext})
	// The server hangs up: EOF or a reset, depending on timing.
	connWantErr(t, err, addr+" speaks TLS but grpcsh connected in plaintext (error reading server preface: ", "): drop -plaintext (or pass -tls)")

	// Loopback without flags is plaintext by default: the advice is -tls.
	_, err = connDial(t, ConnConfig{Target: addr})
	connWantErr(t, err, addr+" speaks TLS but grpcsh connected in plaintext, its default for local addresses", ": pass -tls")
}

func TestConnTLSToPlaintextServer(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	addr := srv.Addr().String()
	_, err := connDial(t, ConnConfig{Target: addr, Security: SecurityTLS})
	connWantErr(t, err, addr+" does not speak TLS (tls: first record does not look like a TLS handshake): pass -plaintext instead of -tls")

	_, err = connDial(t, ConnConfig{Target: addr, Insecure: true})
	connWantErr(t, err, addr+" does not speak TLS", "pass -plaintext instead of -insecure")

	// And the plaintext default for loopback just works.
	c := connMustDial(t, ConnConfig{Target: addr})
	if err := connHello(t, c); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Describe(), addr+" plaintext"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
}

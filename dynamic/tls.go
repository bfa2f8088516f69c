package dynamic

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// tlsBuildConfig turns the TLS fields of cfg into a client tls.Config. It
// leaves ServerName empty: grpc fills it from the channel authority, which
// -authority (ConnConfig.Authority) overrides, so one flag sets both.
func tlsBuildConfig(cfg ConnConfig) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACert != "" {
		pem, err := os.ReadFile(cfg.CACert)
		if err != nil {
			return nil, fmt.Errorf("-cacert: %w", tlsFileErr(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-cacert %s holds no PEM certificate (want a file with -----BEGIN CERTIFICATE-----)", cfg.CACert)
		}
		tc.RootCAs = pool // only this CA, as grpcurl does: the user named it
	}
	if cfg.Insecure {
		tc.InsecureSkipVerify = true
	}
	if cfg.Cert != "" {
		for _, f := range []struct{ flag, path string }{{"-cert", cfg.Cert}, {"-key", cfg.Key}} {
			if _, err := os.Stat(f.path); err != nil {
				return nil, fmt.Errorf("%s: %w", f.flag, tlsFileErr(err))
			}
		}
		pair, err := tls.LoadX509KeyPair(cfg.Cert, cfg.Key)
		if err != nil {
			return nil, fmt.Errorf("loading the client certificate (-cert %s, -key %s): %v", cfg.Cert, cfg.Key, err)
		}
		// Always present the certificate the user gave. With
		// tls.Config.Certificates, Go silently sends none when the server
		// names CAs that did not sign it, and the user is left with
		// "certificate required"; sending it lets the server say what is
		// wrong with it.
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return &pair, nil
		}
	}
	return tc, nil
}

// tlsFileErr says which file cannot be read and why, without Go's "open"
// prefix noise.
func tlsFileErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read %s: %v", pe.Path, pe.Err)
	}
	return err
}

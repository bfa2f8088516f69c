// Command demo-server serves the demo services of package demo: the seed
// document's helloworld.Greeter and TestServer, and showcase.Showcase, with
// reflection and health. It listens on 127.0.0.1:8888 unless told otherwise.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/grpcsh/grpcsh/demo"
)

type config struct {
	addr     string
	quiet    bool
	tlsCert  string
	tlsKey   string
	clientCA string
	grace    time.Duration
	v1alpha  bool
	grpcOnly bool
}

func main() {
	var cfg config
	fs := flag.NewFlagSet("demo-server", flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", demo.DefaultAddr, "address to listen on: host:port (port 0 picks a free one), unix:///path or unix:path")
	fs.BoolVar(&cfg.quiet, "quiet", false, "do not log calls to stderr")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "serve TLS with this PEM certificate (needs -tls-key)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key of -tls-cert")
	fs.StringVar(&cfg.clientCA, "client-ca", "", "require client certificates signed by this PEM CA (mTLS; needs -tls-cert)")
	fs.DurationVar(&cfg.grace, "grace", 10*time.Second, "on SIGINT/SIGTERM, how long in-flight calls may take to finish")
	fs.BoolVar(&cfg.grpcOnly, "grpc-only", false, "serve gRPC alone (grpc-go's own server), not gRPC-Web and Connect too")
	fs.BoolVar(&cfg.v1alpha, "reflection-v1alpha-only", false, "serve only the v1alpha reflection service, like older servers")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "demo-server:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	opts := demo.Options{NoReflectionV1: cfg.v1alpha, Web: !cfg.grpcOnly}
	if !cfg.quiet {
		opts.Log = os.Stderr
	}
	tlsConfig, err := loadTLS(cfg)
	if err != nil {
		return err
	}
	opts.TLS = tlsConfig
	lis, err := demo.Listen(cfg.addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w: another server uses it; pass -addr 127.0.0.1:0 for a free port", err)
		}
		return err
	}
	srv := demo.Start(lis, opts)
	security := "plaintext"
	if tlsConfig != nil {
		security = "TLS"
		if tlsConfig.ClientAuth == tls.RequireAndVerifyClientCert {
			security = "mTLS"
		}
	}
	// The address goes to stdout alone on its line so that a script that
	// asked for port 0 can read it.
	fmt.Println(srv.Target())
	logf(cfg, "demo-server: serving helloworld.Greeter, TestServer and showcase.Showcase (%s) on %s", security, srv.Target())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	sig := <-sigs
	logf(cfg, "demo-server: %s: letting in-flight calls finish (at most %s)", sig, cfg.grace)
	srv.Stop(cfg.grace)
	logf(cfg, "demo-server: stopped")
	return nil
}

func logf(cfg config, format string, args ...any) {
	var w io.Writer = os.Stderr
	if cfg.quiet {
		w = io.Discard
	}
	fmt.Fprintf(w, format+"\n", args...)
}

func loadTLS(cfg config) (*tls.Config, error) {
	if cfg.tlsCert == "" && cfg.tlsKey == "" {
		if cfg.clientCA != "" {
			return nil, errors.New("-client-ca needs -tls-cert and -tls-key")
		}
		return nil, nil
	}
	if cfg.tlsCert == "" || cfg.tlsKey == "" {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("loading -tls-cert/-tls-key: %w", err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.clientCA != "" {
		pem, err := os.ReadFile(cfg.clientCA)
		if err != nil {
			return nil, fmt.Errorf("reading -client-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-client-ca %s: no PEM certificate found", cfg.clientCA)
		}
		conf.ClientCAs = pool
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return conf, nil
}

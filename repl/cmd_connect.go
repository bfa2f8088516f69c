package repl

import (
	"context"
	"fmt"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

func init() {
	register(&cmdSpec{
		Name: "connect", Order: 10,
		Usage:   "[TARGET] [-plaintext|-tls|-insecure] [-authority NAME] [-cacert FILE] [-cert FILE -key FILE] [-connect-timeout DUR] [-proxy URL|none] [-protocol grpc|grpcweb|connect] [-proto FILE [-import-path DIR] | -protoset FILE]",
		Summary: "connect to a server (again); alone, show the current target",
		Help: `TARGET is host:port, unix:///path/to/socket or ipv4:host:port,host:port.
Without TARGET but with flags, reconnects to the current target with them;
with nothing at all, shows the current target and its state (like status).
The old connection is closed once the new one is up. Descriptors are
fetched again from the new server.
-proto or -protoset files replace the session's files (without a TARGET or
connection flags, the connection stays): descriptors are looked up in the
server's reflection first, then in them, as at start-up; files that do not
load change nothing.

` + connFlagsHelp() + `

Example:
  connect 127.0.0.1:8888 -plaintext`,
		MaxArgs: 1, Flags: connFlagSpecs(),
		run: func(ctx context.Context, x *Executor, cmd *Command) error {
			if len(cmd.Args) == 0 && len(cmd.Flags) == 0 {
				return x.status(x.Out.Out)
			}
			return x.connect(ctx, cmd)
		},
	})
}

// connect builds the connection's configuration from the command: a new
// TARGET starts from the defaults, flags alone change the current one.
func (x *Executor) connect(ctx context.Context, cmd *Command) error {
	var schema Schema
	connFlags := 0
	for _, f := range cmd.Flags {
		if sf := schemaFlagByName(f.Name); sf != nil {
			list := sf.field(&schema)
			*list = append(*list, f.Value)
		} else {
			connFlags++
		}
	}
	if !schema.empty() {
		if err := x.Session.SetSchema(ctx, schema); err != nil {
			return err
		}
		fmt.Fprintf(x.Out.Out, "descriptors from %s (after the server's reflection)\n", strings.Join(schema.Paths(), " "))
		if len(cmd.Args) == 0 && connFlags == 0 {
			return nil
		}
	}
	var cfg dynamic.ConnConfig
	if len(cmd.Args) == 1 {
		cfg.Target = cmd.Arg(0)
	} else {
		cfg = x.Session.ConnConfig()
		if cfg.Target == "" {
			return &UsageError{Msg: "not connected yet: connect needs a TARGET"}
		}
	}
	given := map[string]bool{}
	for _, f := range cmd.Flags {
		if schemaFlagByName(f.Name) != nil {
			continue
		}
		if err := SetConnFlag(&cfg, f.Name, f.Value); err != nil {
			return &SyntaxError{Pos: f.Pos, Msg: fmt.Sprintf("connect: -%s: %v", f.Name, err)}
		}
		given[f.Name] = true
	}
	if err := checkConnFlags(given); err != nil {
		return &UsageError{Msg: err.Error()}
	}
	if given["protocol"] && !given["http1"] && !given["http2"] {
		// A new protocol starts from its default HTTP version: -http1 was
		// for the old one (and gRPC takes none).
		cfg.HTTP = dynamic.HTTPAuto
	}
	if cfg.Security == dynamic.SecurityPlaintext && (cfg.Insecure || cfg.CACert != "" || cfg.Cert != "") {
		return &UsageError{Msg: "-plaintext cannot go with -insecure, -cacert or -cert (they are TLS options)"}
	}
	if (cfg.Cert == "") != (cfg.Key == "") {
		return &UsageError{Msg: "-cert and -key go together"}
	}
	return x.Session.Connect(ctx, cfg)
}

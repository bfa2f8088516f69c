package repl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// ConnFlag is one connection option, declared once for every place that
// takes it: the command line's flag set, the script's connect command and
// connect's help. Names are grpcurl's.
type ConnFlag struct {
	Name  string
	Value string // what the value is, in help ("FILE", "DUR"); "" for a switch
	Usage string // one line, for -help and help connect
	// Choices are values to offer when completing (not a limit).
	Choices []string
	// set applies the value; a switch gets "true" or "false".
	set func(c *dynamic.ConnConfig, v string) error
}

// IsSwitch says the flag takes no value.
func (f ConnFlag) IsSwitch() bool { return f.Value == "" }

// ConnFlags are the connection options, in the order help lists them.
var ConnFlags = []ConnFlag{
	{Name: "plaintext", Usage: "no TLS (the default for loopback and unix targets)",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) {
			if on {
				c.Security = dynamic.SecurityPlaintext
			}
		})},
	{Name: "tls", Usage: "TLS even for a loopback target",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) {
			if on {
				c.Security = dynamic.SecurityTLS
			}
		})},
	{Name: "insecure", Usage: "TLS without verifying the server's certificate",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) { c.Insecure = on })},
	{Name: "cacert", Value: "FILE", Usage: "PEM file of the CA that signed the server's certificate",
		set: func(c *dynamic.ConnConfig, v string) error { c.CACert = v; return nil }},
	{Name: "cert", Value: "FILE", Usage: "PEM client certificate (mTLS), with -key",
		set: func(c *dynamic.ConnConfig, v string) error { c.Cert = v; return nil }},
	{Name: "key", Value: "FILE", Usage: "PEM private key of -cert",
		set: func(c *dynamic.ConnConfig, v string) error { c.Key = v; return nil }},
	{Name: "authority", Value: "NAME", Usage: ":authority of calls and the TLS server name",
		set: func(c *dynamic.ConnConfig, v string) error { c.Authority = v; return nil }},
	{Name: "unix", Usage: "TARGET is a unix socket path",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) { c.Unix = on })},
	{Name: "connect-timeout", Value: "DUR", Usage: "how long to wait to connect (seconds or duration; default 10s)",
		set: durationFlag(func(c *dynamic.ConnConfig) *int64 { return (*int64)(&c.ConnectTimeout) })},
	{Name: "keepalive-time", Value: "DUR", Usage: "keepalive ping interval (seconds or duration)",
		set: durationFlag(func(c *dynamic.ConnConfig) *int64 { return (*int64)(&c.KeepaliveTime) })},
	{Name: "max-msg-sz", Value: "BYTES", Usage: "largest message sent or received, in bytes (default 4 MiB)",
		set: func(c *dynamic.ConnConfig, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("expected a number of bytes, found %q", v)
			}
			c.MaxMsgSize = n
			return nil
		}},
	{Name: "gzip", Usage: "compress requests with gzip",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) { c.Gzip = on })},
	{Name: "round-robin", Usage: "spread calls over every address of the target (default: pick first, fail over)",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) { c.RoundRobin = on })},
	{Name: "user-agent", Value: "TEXT", Usage: "user-agent prefix (default grpcsh/VERSION)",
		set: func(c *dynamic.ConnConfig, v string) error { c.UserAgent = v; return nil }},
	{Name: "proxy", Value: "URL", Choices: []string{dynamic.ProxyNone}, Usage: "HTTP CONNECT proxy http://[user:pass@]host:port for any target, loopback too; none for no proxy (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY, which skip loopback)",
		set: func(c *dynamic.ConnConfig, v string) error {
			if _, err := dynamic.ParseProxyURL(v); err != nil {
				return err
			}
			c.Proxy = v
			return nil
		}},
	{Name: "protocol", Value: "PROTOCOL", Choices: []string{"grpc", "grpcweb", "connect"}, Usage: "grpc (default), grpcweb or connect (see README, Protocols)",
		set: func(c *dynamic.ConnConfig, v string) (err error) {
			c.Protocol, err = dynamic.ParseProtocol(v)
			return err
		}},
	{Name: "http1", Usage: "grpcweb/connect over HTTP/1.1 (no bidi streams, no reflection)",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) {
			if on {
				c.HTTP = dynamic.HTTP1
			}
		})},
	{Name: "http2", Usage: "grpcweb/connect over HTTP/2 only (the default without TLS: h2c)",
		set: switchFlag(func(c *dynamic.ConnConfig, on bool) {
			if on {
				c.HTTP = dynamic.HTTP2
			}
		})},
}

// SchemaFlag is one schema option (Schema, schema.go): repeatable, each
// value one file or directory. Declared here, beside the connection
// options, so that the command line and `connect` (scripts, the TUI's ":"
// bar) take the same ones.
type SchemaFlag struct {
	Name, Value, Usage string
	field              func(*Schema) *[]string
	// load reads the descriptors in the files the flag names (its field
	// of sc); nil for -import-path, which only says where -proto's imports
	// are found. protoFS is Options.ProtoFS.
	load func(ctx context.Context, protoFS fs.FS, sc Schema) ([]protoreflect.FileDescriptor, error)
}

// SchemaFlags are the schema options, in the order help lists them. A new
// kind of descriptor file is one entry here and one field of Schema: the
// command line, connect, its help, completion and the copy-as lines read
// this table.
var SchemaFlags = []SchemaFlag{
	{Name: "proto", Value: "FILE", Usage: ".proto file to read descriptors from (repeatable)",
		field: func(s *Schema) *[]string { return &s.Protos },
		load: func(ctx context.Context, protoFS fs.FS, sc Schema) ([]protoreflect.FileDescriptor, error) {
			return dynamic.ParseProtoFiles(ctx, protoFS, sc.Protos, sc.ImportPaths)
		}},
	{Name: "import-path", Value: "DIR", Usage: "directory .proto imports are relative to (repeatable)",
		field: func(s *Schema) *[]string { return &s.ImportPaths }},
	{Name: "protoset", Value: "FILE", Usage: "FileDescriptorSet file to read descriptors from (repeatable)",
		field: func(s *Schema) *[]string { return &s.Protosets },
		load: func(_ context.Context, _ fs.FS, sc Schema) ([]protoreflect.FileDescriptor, error) {
			return dynamic.LoadProtosets(sc.Protosets)
		}},
}

// schemaFlagByName finds a schema flag; nil when there is none.
func schemaFlagByName(name string) *SchemaFlag {
	for i := range SchemaFlags {
		if SchemaFlags[i].Name == name {
			return &SchemaFlags[i]
		}
	}
	return nil
}

// RegisterSchemaFlags declares the schema options in fs, appending to sc.
func RegisterSchemaFlags(fs *flag.FlagSet, sc *Schema) {
	for _, f := range SchemaFlags {
		fs.Var(schemaFlagValue{list: f.field(sc)}, f.Name, f.Usage)
	}
}

type schemaFlagValue struct{ list *[]string }

func (v schemaFlagValue) Set(s string) error { *v.list = append(*v.list, s); return nil }
func (v schemaFlagValue) String() string {
	if v.list == nil {
		return ""
	}
	return strings.Join(*v.list, ",")
}

func switchFlag(apply func(c *dynamic.ConnConfig, on bool)) func(*dynamic.ConnConfig, string) error {
	return func(c *dynamic.ConnConfig, v string) error {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("expected true or false, found %q", v)
		}
		apply(c, on)
		return nil
	}
}

// durationFlag takes a duration as dynamic.ParseTimeout reads it (500ms, 2.5 as
// seconds, off). field returns the time.Duration to set, as an *int64 so
// that the table stays one type.
func durationFlag(field func(c *dynamic.ConnConfig) *int64) func(*dynamic.ConnConfig, string) error {
	return func(c *dynamic.ConnConfig, v string) error {
		d, err := dynamic.ParseTimeout(v)
		if err != nil {
			return err
		}
		*field(c) = int64(d)
		return nil
	}
}

// connFlagByName finds a connection flag; nil when there is none.
func connFlagByName(name string) *ConnFlag {
	for i := range ConnFlags {
		if ConnFlags[i].Name == name {
			return &ConnFlags[i]
		}
	}
	return nil
}

// connFlagSpecs is what the parser checks connect's flags against: name →
// takes a value.
func connFlagSpecs() map[string]bool {
	m := make(map[string]bool, len(ConnFlags)+len(SchemaFlags))
	for _, f := range ConnFlags {
		m[f.Name] = !f.IsSwitch()
	}
	for _, f := range SchemaFlags {
		m[f.Name] = true
	}
	return m
}

// SetConnFlag applies one connection flag by name: value is "" for a
// switch that is given (it is turned on).
func SetConnFlag(c *dynamic.ConnConfig, name, value string) error {
	f := connFlagByName(name)
	if f == nil {
		return fmt.Errorf("unknown connection flag -%s", name)
	}
	if f.IsSwitch() && value == "" {
		value = "true"
	}
	return f.set(c, value)
}

// checkConnFlags checks flags that are wrong together whatever their
// values: given names the flags of one command line or connect command.
func checkConnFlags(given map[string]bool) error {
	if given["plaintext"] && given["tls"] {
		return errors.New("-plaintext and -tls contradict each other")
	}
	if given["http1"] && given["http2"] {
		return errors.New("-http1 and -http2 contradict each other")
	}
	return nil
}

// RegisterConnFlags declares every connection flag in fs, setting c; the
// returned function checks the flags given together once fs has parsed.
func RegisterConnFlags(fs *flag.FlagSet, c *dynamic.ConnConfig) func() error {
	given := map[string]bool{}
	for _, f := range ConnFlags {
		fs.Var(connFlagValue{c: c, f: f, given: given}, f.Name, f.Usage)
	}
	return func() error { return checkConnFlags(given) }
}

// connFlagValue is a ConnFlag as a flag.Value; given records the flags
// set (switches only when turned on).
type connFlagValue struct {
	c     *dynamic.ConnConfig
	f     ConnFlag
	given map[string]bool
}

func (v connFlagValue) Set(s string) error {
	if err := v.f.set(v.c, s); err != nil {
		return err
	}
	on, _ := strconv.ParseBool(s) // set has checked it
	v.given[v.f.Name] = !v.f.IsSwitch() || on
	return nil
}

func (v connFlagValue) IsBoolFlag() bool { return v.f.IsSwitch() }

// String is "": every connection flag defaults to its zero value, which
// -help does not show.
func (v connFlagValue) String() string { return "" }

// connFlagsHelp lists the connection flags for help connect.
func connFlagsHelp() string {
	var b strings.Builder
	for _, f := range ConnFlags {
		name := "-" + f.Name
		if !f.IsSwitch() {
			name += " " + f.Value
		}
		fmt.Fprintf(&b, "  %-22s %s\n", name, f.Usage)
	}
	for _, f := range SchemaFlags {
		fmt.Fprintf(&b, "  %-22s %s\n", "-"+f.Name+" "+f.Value, f.Usage)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

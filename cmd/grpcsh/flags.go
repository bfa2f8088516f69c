package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// config is everything the command line says.
type config struct {
	session     repl.Options
	demo        bool
	verb        string // "", "list", "describe", "template", "call"
	verbArg     string
	data        string              // -d
	send        bool                // explain -send
	writeDir    string              // explain -write
	force       bool                // explain -force
	sendTo      *dynamic.ConnConfig // explain -send on -proto files: the server, dialled only to send
	protosetOut string              // -protoset-out
	protoOutDir string              // -proto-out-dir
	scriptFile  string              // -f
	keepGoing   bool
	version     bool
	testPaths   []string      // test's PATHs
	junit       string        // test -junit
	update      bool          // test -update
	parallel    int           // test -parallel
	flags       *flag.FlagSet // the flags declared, for completion
}

// helpError carries the usage text that -help prints.
type helpError struct{ text string }

func (h *helpError) Error() string { return "help requested" }

const usage = `grpcsh: a terminal gRPC client.

Usage:
  grpcsh [flags] TARGET                  TUI on a terminal; script mode when stdin is a pipe
  grpcsh [flags] --demo                  the same, on the embedded demo server
  grpcsh [flags] -f FILE TARGET          run a script file
  grpcsh [flags] [TARGET] list [SERVICE]
  grpcsh [flags] [TARGET] describe [SYMBOL]
  grpcsh [flags] [TARGET] template MESSAGE|METHOD
  grpcsh [flags] TARGET call METHOD      request from -d (JSON, @file or @- for stdin)
  grpcsh [flags] [TARGET] explain METHOD each step of the call, for learners: .proto,
                                         codegen, client code, wire bytes, grpcurl;
                                         -send makes the call and shows its HTTP/2 frames,
                                         -write DIR writes a runnable project (-force overwrites)
  grpcsh [flags] TARGET test [PATH...]   run .grpcsh files (folders recursively) as tests:
                                         PASS/FAIL per file; -junit, -update, -parallel
  grpcsh completion bash|zsh|fish        print a shell completion script (see the README)
  grpcsh grpcurl GRPCURL-ARGS...         a grpcurl command line, run as the same call
  grpcsh version                         the version and the commit it was built from

TARGET: host:port, dns:///host:port, [::1]:port, unix:///path, or
ipv4:host:port,host:port (failover). TARGET may be left out of list,
describe and template when -proto or -protoset is given. Flags may come
before or after the verb.

Exit codes: 0 ok, 1 connection or runtime error, 2 usage error,
64 + the gRPC status code when a call fails. test: 0 all passed, 1 one
failed, 2 usage or syntax errors (nothing run).

Flags:
`

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// seconds takes grpcurl's float seconds ("0.5") or a Go duration
// ("500ms"), as dynamic.ParseTimeout reads them: one duration parser.
type seconds struct{ d *time.Duration }

func (s seconds) String() string {
	if s.d == nil || *s.d == 0 {
		return ""
	}
	return s.d.String()
}

func (s seconds) Set(v string) error {
	d, err := dynamic.ParseTimeout(v)
	if err != nil {
		return err
	}
	*s.d = d
	return nil
}

func parseArgs(args []string) (*config, error) {
	cfg := &config{}
	var (
		headers, rpcHeaders, reflHdrs stringList
		format                        string
	)
	c := &cfg.session.Conn
	fs := flag.NewFlagSet("grpcsh", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.flags = fs
	fs.BoolVar(&cfg.demo, "demo", false, "start the embedded demo server and connect to it")
	checkConn := repl.RegisterConnFlags(fs, c)
	var schema repl.Schema
	repl.RegisterSchemaFlags(fs, &schema) // -proto, -import-path, -protoset: declared with connect's
	fs.Var(&headers, "H", "'key: value' header for calls and reflection (repeatable; ${VAR} expands)")
	fs.Var(&rpcHeaders, "rpc-header", "'key: value' header for calls only (repeatable)")
	fs.Var(&reflHdrs, "reflect-header", "'key: value' header for reflection only (repeatable)")
	fs.StringVar(&cfg.protosetOut, "protoset-out", "", "with describe: also write the schema as a protoset file")
	fs.StringVar(&cfg.protoOutDir, "proto-out-dir", "", "with describe: also write the schema as .proto files under this directory")
	fs.StringVar(&cfg.data, "d", "", "request JSON, @file, or @- for stdin; several objects for streams")
	fs.BoolVar(&cfg.send, "send", false, "with explain: make the call and show its HTTP/2 frames")
	fs.StringVar(&cfg.writeDir, "write", "", "with explain: write a runnable project for the call into this directory")
	fs.BoolVar(&cfg.force, "force", false, "with explain -write: overwrite files that exist")
	fs.StringVar(&format, "format", "json", "output format: json or text")
	fs.BoolVar(&cfg.session.Settings.EmitDefaults, "emit-defaults", false, "print fields at their default value")
	fs.BoolVar(&cfg.session.Settings.ProtoNames, "proto-names", false, "print field names as in the .proto")
	fs.Var(seconds{&cfg.session.Settings.Deadline}, "max-time", "deadline of each call (seconds or duration)")
	fs.BoolVar(&cfg.session.Settings.Verbose, "v", false, "print headers, trailers and timing to stderr")
	fs.StringVar(&cfg.scriptFile, "f", "", "run the commands of a script file")
	fs.BoolVar(&cfg.keepGoing, "keep-going", false, "script mode: run on after a failing command")
	fs.BoolVar(&cfg.version, "version", false, "print the version")
	fs.StringVar(&cfg.junit, "junit", "", "with test: write a JUnit XML report to FILE")
	fs.BoolVar(&cfg.update, "update", false, "with test: write or refresh the snapshots of expect snapshot")
	fs.IntVar(&cfg.parallel, "parallel", 1, "with test: how many files run at once")
	var envSpec string
	fs.StringVar(&envSpec, "env", "", "environment for ${VAR}: NAME (NAME.env in the collection's env/ folder) or a dotenv FILE")
	fs.StringVar(&cfg.session.Collection, "collection", "", "folder of saved .grpcsh files (default ./.grpcsh when it exists)")

	// Flags may come before or after the positional arguments.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				var b strings.Builder
				b.WriteString(usage)
				fs.SetOutput(&b)
				fs.PrintDefaults()
				return nil, &helpError{b.String()}
			}
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if err := checkConn(); err != nil {
		return nil, err
	}
	if format != "json" && format != "text" {
		return nil, fmt.Errorf("-format must be json or text, got %q", format)
	}
	if format == "text" && cfg.session.Settings.EmitDefaults {
		return nil, errors.New("-emit-defaults works with -format json only: the text format cannot print fields at their zero value")
	}
	cfg.session.Settings.Format = format
	cfg.session.Schema = schema

	var err error
	if envSpec != "" {
		if cfg.session.Env, err = repl.LoadEnv(envSpec, cfg.session.Collection); err != nil {
			return nil, err
		}
	}
	lookup := cfg.session.Env.Lookup // the file, then the process environment
	if cfg.session.Header, err = parseHeaders("-H", headers, lookup); err != nil {
		return nil, err
	}
	if cfg.session.RPCHeader, err = parseHeaders("-rpc-header", rpcHeaders, lookup); err != nil {
		return nil, err
	}
	if cfg.session.ReflectHeader, err = parseHeaders("-reflect-header", reflHdrs, lookup); err != nil {
		return nil, err
	}

	if len(positional) == 1 && positional[0] == "version" {
		cfg.version = true // grpcsh version, as -version
		return cfg, nil
	}
	if len(positional) > 0 && !isVerb(positional[0]) {
		c.Target = positional[0]
		positional = positional[1:]
	}
	if c.Target != "" && cfg.demo {
		return nil, fmt.Errorf("--demo starts its own server: give no TARGET (got %q)", c.Target)
	}
	if len(positional) > 0 {
		cfg.verb = canonicalVerb(positional[0])
		if cfg.verb == "" {
			return nil, fmt.Errorf("unknown command %q: want list, describe, template, call, explain or test", positional[0])
		}
		positional = positional[1:]
		switch cfg.verb {
		case "test":
			cfg.testPaths = positional
			positional = nil
		case "call", "template", "explain":
			if len(positional) != 1 {
				return nil, fmt.Errorf("%s takes one %s", cfg.verb, map[string]string{"call": "METHOD", "explain": "METHOD", "template": "MESSAGE or METHOD"}[cfg.verb])
			}
		default:
			if len(positional) > 1 {
				return nil, fmt.Errorf("%s takes at most one argument, got %q", cfg.verb, positional)
			}
		}
		if len(positional) == 1 {
			cfg.verbArg = positional[0]
		}
	}
	if (cfg.protosetOut != "" || cfg.protoOutDir != "") && cfg.verb != "describe" {
		return nil, errors.New("-protoset-out and -proto-out-dir go with describe")
	}
	if cfg.data != "" && cfg.verb != "call" && cfg.verb != "explain" {
		return nil, errors.New("-d goes with call or explain")
	}
	if (cfg.junit != "" || cfg.update || cfg.parallel != 1) && cfg.verb != "test" {
		return nil, errors.New("-junit, -update and -parallel go with test")
	}
	if cfg.parallel < 1 {
		return nil, fmt.Errorf("-parallel must be 1 or more, got %d", cfg.parallel)
	}
	if (cfg.send || cfg.writeDir != "" || cfg.force) && cfg.verb != "explain" {
		return nil, errors.New("-send, -write and -force go with explain")
	}
	if cfg.force && cfg.writeDir == "" {
		return nil, errors.New("-force goes with -write DIR")
	}
	if cfg.scriptFile != "" && cfg.verb != "" {
		return nil, fmt.Errorf("-f runs a script: it does not go with %s", cfg.verb)
	}
	return cfg, nil
}

func isVerb(s string) bool { return canonicalVerb(s) != "" }

func canonicalVerb(s string) string {
	switch s {
	case "list", "ls":
		return "list"
	case "describe", "desc":
		return "describe"
	case "template", "tmpl":
		return "template"
	case "call", "invoke":
		return "call"
	case "explain", "learn":
		return "explain"
	case "test":
		return "test"
	}
	return ""
}

func parseHeaders(flagName string, list []string, lookup func(string) (string, bool)) (metadata.MD, error) {
	md := metadata.MD{}
	for _, h := range list {
		expanded, err := dynamic.ExpandVars(h, lookup)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", flagName, dynamic.ShownHeader(h), err)
		}
		k, v, err := dynamic.ParseHeader(expanded)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", flagName, dynamic.ShownHeader(h), err)
		}
		md.Append(k, v)
	}
	return md, nil
}

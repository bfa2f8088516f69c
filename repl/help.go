package repl

import (
	"fmt"
	"strings"
)

// cmdSpec describes one command of the language: its names, how many
// arguments it takes, its flags, and its help.
type cmdSpec struct {
	Name    string
	Aliases []string
	Usage   string // after the name, e.g. "METHOD [JSON...|<<END]"
	Summary string // one line
	Help    string // the rest of `help NAME`
	MinArgs int
	MaxArgs int // -1: any number
	// Flags maps a flag name (without dash) to whether it takes a value.
	Flags map[string]bool
}

// connectFlags are the flags of `connect`, named as grpcurl names them.
var connectFlags = map[string]bool{
	"plaintext":       false,
	"tls":             false,
	"insecure":        false,
	"unix":            false,
	"authority":       true,
	"cacert":          true,
	"cert":            true,
	"key":             true,
	"connect-timeout": true,
	"keepalive-time":  true,
	"max-msg-sz":      true,
	"user-agent":      true,
}

// commands is the language, in the order `help` lists it.
var commands = []*cmdSpec{
	{
		Name: "connect", Usage: "[TARGET] [-plaintext|-tls|-insecure] [-authority NAME] [-cacert FILE] [-cert FILE -key FILE] [-connect-timeout DUR]",
		Summary: "connect to a server (again); alone, show the current target",
		Help: `TARGET is host:port, unix:///path/to/socket or ipv4:host:port,host:port.
Without TARGET but with flags, reconnects to the current target with them;
with nothing at all, shows the current target and its state (like status).
The old connection is closed once the new one is up. Descriptors are
fetched again from the new server.

  -plaintext         no TLS
  -tls               TLS even to a loopback address
  -insecure          TLS without checking the server's certificate
  -authority NAME    the :authority header and the TLS server name
  -cacert FILE       trust only this CA (PEM)
  -cert FILE -key FILE   client certificate (mTLS)
  -unix              TARGET is a unix socket path
  -connect-timeout DUR   give up connecting after DUR (e.g. 5s)
  -keepalive-time DUR    ping the server after DUR of silence
  -max-msg-sz BYTES      the largest message sent or received
  -user-agent TEXT       goes before gRPC's own user agent

Example:
  connect 127.0.0.1:8888 -plaintext`,
		MaxArgs: 1, Flags: connectFlags,
	},
	{
		Name: "status", Summary: "show the current target and the state of the connection",
		Help: `Prints the target, the connection's state (READY, IDLE, CONNECTING,
TRANSIENT_FAILURE...) and how it is secured.`,
	},
	{
		Name: "ls", Aliases: []string{"list", "services"}, Usage: "[SERVICE]",
		Summary: "list the services, or the methods of one service with their kinds",
		Help: `Without SERVICE: one service per line. With SERVICE (full name, or its
last part when unambiguous): one method per line as pkg.Service/Method,
followed by its kind (unary, server stream, client stream, bidi stream).

Examples:
  ls
  ls showcase.Showcase`,
		MaxArgs: 1,
	},
	{
		Name: "desc", Aliases: []string{"describe", "type"}, Usage: "[SYMBOL]",
		Summary: "describe a service, method, message or enum as .proto source",
		Help: `SYMBOL is a full name (helloworld.HelloRequest), a method in any form
call takes (helloworld.Greeter/SayHello), or a short name that only one
symbol has (HelloRequest). Without SYMBOL: every service.

Example:
  desc helloworld.Greeter`,
		MaxArgs: 1,
	},
	{
		Name: "template", Aliases: []string{"tmpl"}, Usage: "MESSAGE|METHOD",
		Summary: "print a JSON template of a message, or of a method's request",
		Help: `Every field is shown with a zero value, ready to fill in and pass to call.

Example:
  template showcase.Showcase/Echo`,
		MinArgs: 1, MaxArgs: 1,
	},
	{
		Name: "call", Usage: "METHOD [JSON...|<<END]",
		Summary: "call a method with a JSON request (several for client and bidi streams)",
		Help: `METHOD is pkg.Service/Method, pkg.Service.Method, or just Service/Method
or Method when unambiguous. The request follows as JSON; it may span
several lines: the command goes on until the JSON value is complete.
Without JSON, methods that take one request are sent an empty one.

Client and bidi streams take several messages: put them one after the
other on the line, or in a heredoc that ends with a line holding only the
marker. Each message is sent as soon as it has been read, so a live pipe
drives a bidi stream; responses are printed as they arrive.

${VAR} inside a JSON string is replaced by the variable's value, escaped
as needed; outside strings it is inserted as it is (numbers, objects).
With <<'END' (quoted marker) nothing in the body is expanded.

Examples:
  call helloworld.Greeter/SayHello {"name": "world"}
  call showcase.Showcase/Echo {
    "fString": "several",
    "tags": ["lines", "are", "fine"]
  }
  call showcase.Showcase/Chat <<END
  {"text": "hi"}
  {"text": "${USER}"}
  END`,
		MinArgs: 1, MaxArgs: 1,
	},
	{
		Name: "explain", Aliases: []string{"learn"}, Usage: "[-send] [-write DIR [-force]] METHOD [JSON]",
		Summary: "show each step of a call: .proto, codegen, clients, server skeletons, wire bytes, grpcurl",
		Help: `Walks the workflow of gRPC for one call: the .proto source that is the
contract, the protoc commands that generate code from it (Python, C++, Go),
clients calling the generated stub (Python, Go, C++), the request's protobuf
encoding byte by byte, the same call with grpcurl, and server skeletons
(Python, Go). Without -send it makes no call.

  -send        make the call on a connection of its own and show its HTTP/2
               frames (headers, the 5-byte gRPC prefix, trailers), the
               response's bytes field by field, and the timing
  -write DIR   write a runnable project for the call into DIR: the .proto
               files, client.py, client.cc, go/, server.py and a README with
               the commands; -force overwrites files that exist

Example:
  explain TestServer/GetRandom {"id": "123"}
  explain -send -write /tmp/hello SayHello {"name": "you"}`,
		MinArgs: 1, MaxArgs: 1,
	},
	{
		Name: "header", Aliases: []string{"headers", "metadata"}, Usage: "[KEY: VALUE] | -a KEY: VALUE | -d KEY...",
		Summary: "set, add or delete request metadata for the following calls; alone, show it",
		Help: `  header KEY: VALUE     set KEY (replacing any values it had); KEY=VALUE works too
  header -a KEY: VALUE  add one more value to KEY
  header -d KEY...      delete keys
  header                show the metadata, secrets redacted

Keys are lower-cased. Binary keys end in -bin. Use ${VAR} to keep secrets
out of scripts:
  header authorization: Bearer ${TOKEN}`,
		MaxArgs: -1,
	},
	{
		Name: "set", Usage: "[NAME [VALUE]]",
		Summary: "change a setting for the following calls; alone, show the settings",
		Help: `  set deadline DUR          per-call deadline: 500ms, 2s, 1m; off for none
  set format json|text      how responses are printed
  set emit-defaults on|off  print fields that have their zero value
  set proto-names on|off    field names as in the .proto, not lowerCamelCase
  set verbose on|off        print response headers, trailers and timing to stderr
  set NAME                  show one setting`,
		MaxArgs: 2,
	},
	{
		Name: "unset", Usage: "NAME", Summary: "put a setting back to its default",
		Help: `NAME is one of the settings set shows: deadline, format, emit-defaults,
proto-names, verbose.`,
		MinArgs: 1, MaxArgs: 1,
	},
	{
		Name: "help", Aliases: []string{"?"}, Usage: "[COMMAND]", Summary: "list the commands, or explain one",
		Help:    `Lines starting with # are comments; so is everything after a # that starts a word.`,
		MaxArgs: 1,
	},
	{
		Name: "exit", Aliases: []string{"quit"}, Usage: "[CODE]",
		Summary: "stop the script (with CODE, or the exit code so far)",
		Help: `Without CODE, a script exits 0, or with --keep-going the code of the
last command that failed.`,
		MaxArgs: 1,
	},
}

// settingNames are the names set and unset take.
var settingNames = []string{"deadline", "format", "emit-defaults", "proto-names", "verbose"}

var commandByName = func() map[string]*cmdSpec {
	m := map[string]*cmdSpec{}
	for _, c := range commands {
		m[c.Name] = c
		for _, a := range c.Aliases {
			m[a] = c
		}
	}
	return m
}()

// Help returns the help text: the list of commands for "", or one
// command's usage and explanation (by any of its names).
func Help(name string) (string, error) {
	if name == "" {
		var b strings.Builder
		b.WriteString("Commands (help COMMAND for more):\n")
		for _, c := range commands {
			fmt.Fprintf(&b, "  %-10s %s\n", c.Name, c.Summary)
		}
		b.WriteString(`
One command per line; # starts a comment. Words may be quoted ('...' or
"..."). ${VAR} is replaced by the environment variable VAR (an error if it
is not set; ${VAR:-default} gives a default). A call's JSON may span lines,
and <<END ... END holds the messages of a stream.
`)
		return b.String(), nil
	}
	c, ok := commandByName[name]
	if !ok {
		return "", fmt.Errorf("unknown command %q%s", name, didYouMean(name, commandNames()))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", c.Name, c.Usage)
	fmt.Fprintf(&b, "  %s\n", c.Summary)
	if len(c.Aliases) > 0 {
		fmt.Fprintf(&b, "  also: %s\n", strings.Join(c.Aliases, ", "))
	}
	if c.Help != "" {
		b.WriteString("\n")
		b.WriteString(c.Help)
		b.WriteString("\n")
	}
	return b.String(), nil
}

// CommandNames lists every command name and alias, for completion.
func CommandNames() []string { return commandNames() }

func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.Name)
		out = append(out, c.Aliases...)
	}
	return out
}

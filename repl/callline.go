package repl

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// CallLine is one request, with what the session would send it with, to
// be written out as a command line for another tool: the TUI's copy-as
// menu (alt+y). The lines are POSIX-shell quoted; grpcurl lines read back
// through ParseGrpcurl (and the script command grpcurl) as the same call.
type CallLine struct {
	Method   string // pkg.Svc/Method
	Body     string // the request as JSON; "" for the empty request
	Header   metadata.MD
	Deadline time.Duration
	Conn     dynamic.ConnConfig
	Schema   // the session's files
}

// CallLine is a call of m with the JSON request body, as this session
// would make it: its headers, deadline, connection and files.
func (s *Session) CallLine(m protoreflect.MethodDescriptor, body string) CallLine {
	body = strings.TrimSpace(body)
	if body == "{}" {
		body = ""
	}
	return CallLine{
		Method: dynamic.MethodPath(m), Body: body, Header: s.Header(),
		Deadline: s.Settings().Deadline, Conn: s.ConnConfig(),
		Schema: s.opts.Schema,
	}
}

// SecretVar is the environment variable a redacted header's value is
// left to: authorization → AUTHORIZATION, x-api-key → X_API_KEY. The
// line stays runnable once the variable is exported, and shows nothing.
func SecretVar(key string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, key)
}

// SecretRef is a secret header's value with the secret left to the
// environment variable SecretVar(key), written by ref ("${NAME}" for
// grpcurl and scripts, ghz's template for ghz). An auth scheme stays
// ("Bearer ${AUTHORIZATION}"), so the variable holds the token alone: the
// rule a collection save writes by too, so one env file serves both.
func SecretRef(key, value string, ref func(name string) string) string {
	r := ref(SecretVar(key))
	if scheme, _, ok := strings.Cut(value, " "); ok && isScheme(scheme) {
		return scheme + " " + r
	}
	return r
}

// isScheme says s is an auth scheme's name (Bearer, Basic): letters only.
func isScheme(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

func dollarRef(name string) string { return "${" + name + "}" }

// headerPairs are the headers as key, value pairs, sorted, binary values
// in base64 (as every tool here takes them); secret says a value was
// replaced by ${VAR} (unless reveal).
func (c CallLine) headerPairs(reveal bool) (pairs [][2]string, secret bool) {
	for _, kv := range MDLines(c.Header, false) {
		if !reveal && dynamic.IsSecretKey(kv[0]) && kv[1] != "" {
			kv[1] = SecretRef(kv[0], kv[1], dollarRef)
			secret = true
		}
		pairs = append(pairs, kv)
	}
	return pairs, secret
}

// floatSeconds writes a duration as grpcurl's float seconds.
func floatSeconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

// connArgs are the connection flags, named as grpcurl and grpcsh both name
// them (see ConnFlags); grpcurl says -plaintext whenever grpcsh would not
// use TLS (grpcurl's default is TLS).
func (c CallLine) connArgs(grpcurl bool) []string {
	cfg := c.Conn
	var a []string
	switch {
	case grpcurl && !dynamic.WouldUseTLS(cfg):
		a = append(a, "-plaintext")
	case grpcurl:
	case cfg.Security == dynamic.SecurityPlaintext:
		a = append(a, "-plaintext")
	case cfg.Security == dynamic.SecurityTLS:
		a = append(a, "-tls")
	}
	if cfg.Insecure {
		a = append(a, "-insecure")
	}
	for _, f := range [][2]string{{"cacert", cfg.CACert}, {"cert", cfg.Cert}, {"key", cfg.Key}, {"authority", cfg.Authority}, {"user-agent", cfg.UserAgent}} {
		if f[1] != "" {
			a = append(a, "-"+f[0], dynamic.ShellQuote(f[1]))
		}
	}
	if cfg.Unix {
		a = append(a, "-unix")
	}
	if cfg.ConnectTimeout > 0 {
		a = append(a, "-connect-timeout", floatSeconds(cfg.ConnectTimeout))
	}
	if cfg.KeepaliveTime > 0 {
		a = append(a, "-keepalive-time", floatSeconds(cfg.KeepaliveTime))
	}
	if cfg.MaxMsgSize > 0 {
		a = append(a, "-max-msg-sz", strconv.Itoa(cfg.MaxMsgSize))
	}
	if !grpcurl && cfg.Gzip {
		a = append(a, "-gzip")
	}
	if !grpcurl && cfg.RoundRobin {
		a = append(a, "-round-robin")
	}
	return a
}

// proxyArgs is grpcsh's -proxy, its password hidden unless reveal.
// (grpcurl and ghz take a proxy from HTTPS_PROXY only, which skips
// loopback: their lines leave it out.)
func (c CallLine) proxyArgs(reveal bool) []string {
	v := c.Conn.Proxy
	if v == "" {
		return nil
	}
	if !reveal {
		v = dynamic.RedactProxy(v)
	}
	return []string{"-proxy", dynamic.ShellQuote(v)}
}

// fileArgs are the schema's flags as grpcsh takes them (and grpcurl,
// whose -proto, -import-path and -protoset they are).
func (c CallLine) fileArgs() []string {
	var a []string
	for _, f := range SchemaFlags {
		for _, v := range *f.field(&c.Schema) {
			a = append(a, "-"+f.Name, dynamic.ShellQuote(v))
		}
	}
	return a
}

// Grpcurl is the call as a grpcurl command. Secret headers become
// ${VAR} with -expand-headers unless reveal.
func (c CallLine) Grpcurl(reveal bool) string {
	a := append([]string{"grpcurl"}, c.connArgs(true)...)
	a = append(a, c.fileArgs()...)
	if c.Deadline > 0 {
		a = append(a, "-max-time", floatSeconds(c.Deadline))
	}
	pairs, secret := c.headerPairs(reveal)
	for _, kv := range pairs {
		a = append(a, "-H", dynamic.ShellQuote(kv[0]+": "+kv[1]))
	}
	if secret {
		a = append(a, "-expand-headers")
	}
	if c.Body != "" {
		a = append(a, "-d", dynamic.ShellQuote(c.Body))
	}
	return strings.Join(append(a, dynamic.ShellQuote(c.Conn.Target), c.Method), " ")
}

// Command is the call as a grpcsh one-shot command. Secret headers become
// ${VAR}, which grpcsh expands itself, unless reveal.
func (c CallLine) Command(reveal bool) string {
	a := append(append([]string{"grpcsh"}, c.connArgs(false)...), c.proxyArgs(reveal)...)
	a = append(a, c.fileArgs()...)
	if c.Deadline > 0 {
		a = append(a, "-max-time", c.Deadline.String())
	}
	pairs, _ := c.headerPairs(reveal)
	for _, kv := range pairs {
		a = append(a, "-H", dynamic.ShellQuote(kv[0]+": "+kv[1]))
	}
	a = append(a, dynamic.ShellQuote(c.Conn.Target), "call", c.Method)
	if c.Body != "" {
		a = append(a, "-d", dynamic.ShellQuote(c.Body))
	}
	return strings.Join(a, " ")
}

// Script is the call as lines of grpcsh's command language: connect,
// header, set deadline, call. Secret headers become ${VAR} unless reveal.
func (c CallLine) Script(reveal bool) string {
	var b strings.Builder
	connect := append(append([]string{"connect", dynamic.ShellQuote(c.Conn.Target)}, c.connArgs(false)...), c.proxyArgs(reveal)...)
	fmt.Fprintln(&b, strings.Join(append(connect, c.fileArgs()...), " "))
	pairs, _ := c.headerPairs(reveal)
	for i, kv := range pairs {
		cmd := "header "
		if i > 0 && pairs[i-1][0] == kv[0] {
			cmd = "header -a "
		}
		if strings.HasPrefix(kv[1], "${") && !reveal && dynamic.IsSecretKey(kv[0]) {
			// Bare, so that the script expands it.
			fmt.Fprintf(&b, "%s%s: %s\n", cmd, kv[0], kv[1])
			continue
		}
		fmt.Fprintf(&b, "%s%s\n", cmd, dynamic.ShellQuote(kv[0]+": "+kv[1]))
	}
	if c.Deadline > 0 {
		fmt.Fprintf(&b, "set deadline %s\n", c.Deadline)
	}
	line := "call " + c.Method
	if c.Body != "" {
		// Quoted, the JSON is taken as it is: no ${VAR} in it expands.
		line += " " + dynamic.ShellQuote(c.Body)
	}
	b.WriteString(line)
	return b.String()
}

// Ghz is the call as a ghz load test command (github.com/bojand/ghz).
// Secret headers become {{env "VAR"}} templates unless reveal; a body
// or header that holds "{{" turns ghz's templates off, and secrets then
// show as <redacted>.
func (c CallLine) Ghz(reveal bool) string {
	cfg := c.Conn
	a := []string{"ghz"}
	if !dynamic.WouldUseTLS(cfg) {
		a = append(a, "--insecure")
		if cfg.Authority != "" {
			a = append(a, "--authority", dynamic.ShellQuote(cfg.Authority))
		}
	} else {
		if cfg.Insecure {
			a = append(a, "--skipTLS")
		}
		for _, f := range [][2]string{{"cacert", cfg.CACert}, {"cert", cfg.Cert}, {"key", cfg.Key}, {"cname", cfg.Authority}} {
			if f[1] != "" {
				a = append(a, "--"+f[0], dynamic.ShellQuote(f[1]))
			}
		}
	}
	switch {
	case len(c.Protos) > 0:
		a = append(a, "--proto", dynamic.ShellQuote(c.Protos[0]))
		if len(c.ImportPaths) > 0 {
			a = append(a, "-i", dynamic.ShellQuote(strings.Join(c.ImportPaths, ",")))
		}
	case len(c.Protosets) > 0:
		a = append(a, "--protoset", dynamic.ShellQuote(c.Protosets[0]))
	}
	a = append(a, "--call", c.Method)
	templated := strings.Contains(c.Body, "{{")
	for _, vs := range c.Header {
		for _, v := range vs {
			templated = templated || strings.Contains(v, "{{")
		}
	}
	if templated {
		a = append(a, "--disable-template-data")
	}
	if c.Body != "" {
		a = append(a, "-d", dynamic.ShellQuote(c.Body))
	}
	if len(c.Header) > 0 {
		// ghz takes one value per key: the last one given.
		md := map[string]string{}
		for _, kv := range MDLines(c.Header, false) {
			v := kv[1]
			if !reveal && dynamic.IsSecretKey(kv[0]) && v != "" {
				v = SecretRef(kv[0], v, func(name string) string { return "{{env `" + name + "`}}" })
				if templated {
					v = "<redacted>"
				}
			}
			md[kv[0]] = v
		}
		var j strings.Builder
		enc := json.NewEncoder(&j)
		enc.SetEscapeHTML(false) // <redacted> as it is
		enc.Encode(md)           // a map of strings always encodes
		a = append(a, "-m", dynamic.ShellQuote(strings.TrimSpace(j.String())))
	}
	if c.Deadline > 0 {
		a = append(a, "-t", c.Deadline.String())
	}
	if cfg.ConnectTimeout > 0 {
		a = append(a, "--connect-timeout", cfg.ConnectTimeout.String())
	}
	if cfg.KeepaliveTime > 0 {
		a = append(a, "--keepalive", cfg.KeepaliveTime.String())
	}
	if cfg.Gzip {
		a = append(a, "--enable-compression")
	}
	return strings.Join(append(a, dynamic.ShellQuote(cfg.Target)), " ")
}

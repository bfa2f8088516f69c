package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
)

// grpcurlCalls is the tail every test line ends with.
const grpcurlTail = " 127.0.0.1:8888 helloworld.Greeter/SayHello"

// Every flag of grpcurl's source is in the table, and each does what the
// table says: the connection flags set what grpcsh's flag of that name
// sets, the mapped ones their translation, the rejected ones fail naming
// the flag and what to use instead.
func TestGrpcurlFlags(t *testing.T) {
	// grpcurl v1.9's flags (cmd/grpcurl/grpcurl.go and unix.go).
	upstream := strings.Fields(`help version plaintext insecure cacert cert key alts alts-handshaker-service
		alts-target-service-account protoset proto import-path H rpc-header reflect-header expand-headers
		authority user-agent d format allow-unknown-fields connect-timeout format-error keepalive-time
		max-time max-msg-sz emit-defaults protoset-out proto-out-dir msg-template v vv servername
		use-reflection unix`)
	for _, name := range upstream {
		f := grpcurlFlagByName(name)
		if f == nil {
			t.Errorf("grpcurl's -%s is not in the table", name)
			continue
		}
		if f.conn && connFlagByName(name) == nil {
			t.Errorf("-%s is marked as grpcsh's own, but ConnFlags has no -%s", name, name)
		}
		if f.schema && schemaFlagByName(name) == nil {
			t.Errorf("-%s is marked as a schema flag, but SchemaFlags has no -%s", name, name)
		}
	}
	if len(grpcurlFlags) != len(upstream) {
		t.Errorf("the table has %d flags, grpcurl %d", len(grpcurlFlags), len(upstream))
	}

	// The connection flags: the same ConnConfig as SetConnFlag makes.
	conn := map[string]string{"plaintext": "", "insecure": "", "cacert": "ca.pem", "authority": "api.example",
		"user-agent": "me/1", "connect-timeout": "2.5", "keepalive-time": "30", "max-msg-sz": "1024", "unix": ""}
	for name, v := range conn {
		args := []string{"-" + name}
		if v != "" {
			args = append(args, v)
		}
		if name == "plaintext" || name == "insecure" || name == "cacert" || name == "authority" {
			// -insecure and -cacert are TLS options.
			if name == "insecure" || name == "cacert" {
				args = append(args, "-cert", "c.pem", "-key", "k.pem")
			}
		}
		g, err := ParseGrpcurl(append(args, strings.Fields(grpcurlTail)...))
		if err != nil {
			t.Errorf("-%s: %v", name, err)
			continue
		}
		var want dynamic.ConnConfig
		want.Target = "127.0.0.1:8888"
		if err := SetConnFlag(&want, name, v); err != nil {
			t.Fatal(err)
		}
		if name == "insecure" || name == "cacert" {
			want.Cert, want.Key = "c.pem", "k.pem"
		}
		if g.Options.Conn != want {
			t.Errorf("-%s %s: conn %+v, want %+v", name, v, g.Options.Conn, want)
		}
	}

	// The mapped flags.
	mapped := []struct {
		line  string
		check func(g *GrpcurlCommand) bool
	}{
		{`-proto a.proto -proto b.proto -import-path protos`, func(g *GrpcurlCommand) bool {
			return reflect.DeepEqual(g.Options.Protos, []string{"a.proto", "b.proto"}) && reflect.DeepEqual(g.Options.ImportPaths, []string{"protos"}) && g.Options.NoReflection
		}},
		{`-protoset x.pb -use-reflection`, func(g *GrpcurlCommand) bool {
			return reflect.DeepEqual(g.Options.Protosets, []string{"x.pb"}) && !g.Options.NoReflection
		}},
		{`-protoset x.pb -use-reflection=false`, func(g *GrpcurlCommand) bool { return g.Options.NoReflection }},
		{`-d {"name":"a"}`, func(g *GrpcurlCommand) bool { return g.Data == `{"name":"a"}` && !g.Stdin && g.DataArg == 1 }},
		{`-d @`, func(g *GrpcurlCommand) bool { return g.Data == "" && g.Stdin }},
		{`-format json`, func(g *GrpcurlCommand) bool { return g.Options.Settings.Format == "json" }},
		{`-format text`, func(g *GrpcurlCommand) bool { return g.Options.Settings.Format == "text" }},
		{`-format-error`, func(g *GrpcurlCommand) bool { return true }},
		{`-max-time 1.5`, func(g *GrpcurlCommand) bool { return g.Options.Settings.Deadline == 1500*time.Millisecond }},
		{`-emit-defaults`, func(g *GrpcurlCommand) bool { return g.Options.Settings.EmitDefaults }},
		{`-msg-template`, func(g *GrpcurlCommand) bool { return g.MsgTemplate }},
		{`-v`, func(g *GrpcurlCommand) bool { return g.Options.Settings.Verbose }},
		{`-vv`, func(g *GrpcurlCommand) bool { return g.Options.Settings.Verbose }},
		{`-servername api.example`, func(g *GrpcurlCommand) bool { return g.Options.Conn.Authority == "api.example" }},
		{`-servername api.example -plaintext`, func(g *GrpcurlCommand) bool { return g.Options.Conn.Authority == "" }},
		{`--plaintext --max-time=2`, func(g *GrpcurlCommand) bool {
			return g.Options.Conn.Security == dynamic.SecurityPlaintext && g.Options.Settings.Deadline == 2*time.Second
		}},
	}
	for _, c := range mapped {
		g, err := ParseGrpcurl(append(strings.Fields(c.line), strings.Fields(grpcurlTail)...))
		if err != nil {
			t.Errorf("%s: %v", c.line, err)
			continue
		}
		if !c.check(g) {
			t.Errorf("%s: translated to %+v", c.line, g)
		}
	}
	g, err := ParseGrpcurl([]string{"-H", "x-a: 1", "-rpc-header", "x-b: 2", "-reflect-header", "x-c: ${C}", "-expand-headers", "h:1", "m"})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Resolve(func(string) (string, bool) { return "3", true }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual([]metadata.MD{g.Options.Header, g.Options.RPCHeader, g.Options.ReflectHeader},
		[]metadata.MD{{"x-a": {"1"}}, {"x-b": {"2"}}, {"x-c": {"3"}}}) {
		t.Errorf("headers: %v %v %v", g.Options.Header, g.Options.RPCHeader, g.Options.ReflectHeader)
	}
	// Without -expand-headers, grpcurl sends ${C} as it is.
	g, _ = ParseGrpcurl([]string{"-H", "x-c: ${C}", "h:1", "m"})
	g.Resolve(func(string) (string, bool) { return "3", true })
	if got := g.Options.Header.Get("x-c"); len(got) != 1 || got[0] != "${C}" {
		t.Errorf("without -expand-headers: %v", got)
	}

	// Every rejected flag fails, naming itself and its reason.
	for _, f := range grpcurlFlags {
		if f.rejected == "" {
			continue
		}
		args := []string{"-" + f.name}
		if f.value {
			args = append(args, "x")
		}
		_, err := ParseGrpcurl(append(args, strings.Fields(grpcurlTail)...))
		var ge *GrpcurlError
		if !errors.As(err, &ge) || ge.Arg != 0 || !strings.Contains(err.Error(), "-"+f.name+" ") || !strings.Contains(err.Error(), f.rejected) || ExitCode(err) != ExitUsage {
			t.Errorf("-%s: %v", f.name, err)
		}
	}
}

func TestGrpcurlArgumentErrors(t *testing.T) {
	for line, want := range map[string]string{
		"":                                   "grpcurl needs ADDRESS and METHOD",
		"h:1":                                "needs a METHOD after h:1",
		"list":                               "grpcurl list needs ADDRESS, or -proto / -protoset files",
		"-plaintxt h:1 m":                    "grpcurl has no flag -plaintxt; did you mean -plaintext?",
		"h:1 m extra":                        `unexpected argument "extra"`,
		"-d {} h:1 list":                     "-d goes with a METHOD to call, not with list",
		"-plaintext -insecure h:1 m":         "-plaintext cannot go with -insecure",
		"-cert c.pem h:1 m":                  "-cert and -key go together",
		"-format text -d {} h:1 m":           "grpcsh reads requests as JSON only",
		"-format xml h:1 m":                  `-format: must be json or text, got "xml"`,
		"-use-reflection=false h:1 m":        "-use-reflection=false needs -proto or -protoset",
		"-H nocolon h:1 m":                   `a header is not "name: value" (its text is not shown`,
		"-max-time":                          "-max-time needs a value",
		"-authority a -servername b h:1 m":   "differ",
		"-emit-defaults=maybe h:1 m":         "-emit-defaults: expected true or false",
		"-connect-timeout soon h:1 m":        "-connect-timeout",
		"-plaintext -tls h:1 m":              "grpcurl has no flag -tls",
		"-d @req.json h:1 m":                 "write -d @ < req.json",
		"-plaintext -- h:1 m -not-a-flag-no": "unexpected argument",
	} {
		_, err := ParseGrpcurl(strings.Fields(line))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", line, err, want)
		}
	}
	// The verbs, as grpcurl reads them.
	for line, want := range map[string][3]string{
		"h:1 list":                 {"h:1", "list", ""},
		"h:1 list svc":             {"h:1", "list", "svc"},
		"-proto a.proto describe":  {"", "describe", ""},
		"h:1 describe pkg.Msg":     {"h:1", "describe", "pkg.Msg"},
		"h:1 pkg.Svc/M -plaintext": {"h:1", "call", "pkg.Svc/M"},
	} {
		g, err := ParseGrpcurl(strings.Fields(line))
		if err != nil {
			t.Errorf("%q: %v", line, err)
			continue
		}
		if got := [3]string{g.Options.Conn.Target, g.Verb, g.Symbol}; got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}

// The lexer, in the shell mode grpcurl lines are read in, splits lines as
// /bin/sh does: the quoting grpcurl commands use (-d '{...}', -H "k: v",
// '\” inside single quotes, "\"" and "\n" inside double quotes, $VAR)
// gives the same words. (Outside shell mode, "\n" is a newline, as the
// script language has it: that is why the mode exists.)
func TestGrpcurlLinesSplitAsTheShellDoes(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	env := map[string]string{"TOKEN": "t0k en", "WHO": "ada"}
	lines := []string{
		`-plaintext -d '{"name":"a b"}' -H 'k: v' localhost:50051 helloworld.Greeter/SayHello`,
		`-d "{\"name\": \"$WHO\"}" -H "authorization: Bearer $TOKEN" h:1 m`,
		`-d '{"text":"it'\''s"}' h:1 m`,
		`-d "{\"text\":\"a\nb\"}" h:1 m`,
		`-d "tab\tand \\ back\$lash \x" h:1 m`,
		`-d '{"a": "${WHO}"}' -H "x: ${WHO}s" h:1 m`,
		`-d a\ b\"c h:1 m`,
		`-H"k:v"'w' h:1 m # a comment`,
		"-d '{\n  \"name\": \"a\"\n}' -H \"k:\n v\" h:1 m",
	}
	lookup := func(n string) (string, bool) { v, ok := env[n]; return v, ok }
	for _, line := range lines {
		cmd := exec.Command(sh, "-c", "set -- "+line+"\n"+`for a in "$@"; do printf '%s\000' "$a"; done`)
		cmd.Env = []string{"TOKEN=" + env["TOKEN"], "WHO=" + env["WHO"]}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh: %q: %v", line, err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		p := NewParser(strings.NewReader(line))
		p.Env, p.shell = lookup, true
		p.readLine()
		var ws []Word
		for {
			w, ok, err := p.word()
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			if !ok {
				break
			}
			ws = append(ws, w)
		}
		got := make([]string, len(ws))
		for i, w := range ws {
			got[i] = w.Text
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s\n got  %q\n sh   %q", line, got, want)
		}
	}
}

// runScriptText runs a script against target and returns its stdout and
// stderr.
func runScriptText(t *testing.T, target, script string, env func(string) (string, bool)) (string, string, error) {
	t.Helper()
	s := newTestSession(t, target)
	var out, errOut bytes.Buffer
	err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &out, Err: &errOut}, ScriptOptions{Env: env})
	return out.String(), errOut.String(), err
}

// A grpcurl line pasted into a script prints what the native lines do.
func TestScriptGrpcurlLineIsTheNativeCall(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	a := srv.Target()
	env := func(n string) (string, bool) {
		v, ok := map[string]string{"WHO": "ada", "TOK": "s3cr3t"}[n]
		return v, ok
	}
	pairs := []struct{ pasted, native string }{
		{`grpcurl -plaintext -d '{"name":"a b"}' ` + a + ` helloworld.Greeter/SayHello`,
			`call helloworld.Greeter/SayHello {"name":"a b"}`},
		{"grpcurl -plaintext \\\n  -H 'x-k: v' \\\n  " + a + " showcase.Showcase/Metadata",
			"header x-k: v\ncall showcase.Showcase/Metadata"},
		{`grpcurl -plaintext -H 'authorization: Bearer ${TOK}' -expand-headers ` + a + ` showcase.Showcase/Metadata`,
			"header authorization: Bearer ${TOK}\ncall showcase.Showcase/Metadata"},
		{"grpcurl -plaintext -d @ " + a + " showcase.Showcase/Sum <<EOM\n{\"value\": 1}\n{\"value\": 41}\nEOM",
			"call showcase.Showcase/Sum {\"value\": 1} {\"value\": 41}"},
		{"grpcurl -plaintext -d '{\n  \"name\": \"on lines\"\n}' " + a + " helloworld.Greeter/SayHello",
			`call helloworld.Greeter/SayHello {"name": "on lines"}`},
		{`grpcurl -plaintext -d '{"value":1}{"value":2}' ` + a + ` showcase.Showcase/Sum`,
			`call showcase.Showcase/Sum {"value":1} {"value":2}`},
		{`grpcurl -plaintext -d "{\"fString\": \"$WHO\", \"fInt32\": 2}" ` + a + ` showcase.Showcase/Echo`,
			`call showcase.Showcase/Echo {"fString": "ada", "fInt32": 2}`},
		{`grpcurl -plaintext ` + a + ` describe helloworld.HelloRequest`, `desc helloworld.HelloRequest`},
		{`grpcurl -plaintext -emit-defaults -d '{"name":""}' ` + a + ` helloworld.Greeter/SayHello`,
			"set emit-defaults on\ncall helloworld.Greeter/SayHello {}"},
	}
	for _, p := range pairs {
		got, gotErr, err := runScriptText(t, a, p.pasted, env)
		if err != nil {
			t.Errorf("%s: %v\n%s", p.pasted, err, gotErr)
			continue
		}
		want, _, err := runScriptText(t, a, p.native, env)
		if err != nil {
			t.Fatal(err)
		}
		// The user agent is the same grpcsh's; nothing else may differ.
		if got != want || got == "" {
			t.Errorf("%s\n got  %q\n want %q", p.pasted, got, want)
		}
	}
	// list is grpcurl's (and grpcsh's one-shot list), not ls's table.
	got, _, err := runScriptText(t, a, `grpcurl -plaintext `+a+` list helloworld.Greeter`, env)
	var want strings.Builder
	newTestSession(t, a).List(&want, "helloworld.Greeter")
	if err != nil || got != want.String() || got == "" {
		t.Errorf("list: %q, %v; want %q", got, err, want.String())
	}

	// let and expect see the call; a failed call exits 64 + its code,
	// with its details, as a native one does.
	out, errOut, err := runScriptText(t, a, `grpcurl -plaintext -d '{"name":"x"}' `+a+` helloworld.Greeter/SayHello
expect .message == "Hello x"
grpcurl -plaintext -d '{"code": 5, "message": "gone"}' `+a+` showcase.Showcase/Fail
`, env)
	if ExitCode(err) != ExitRPCBase+5 || !strings.Contains(errOut, "line 3: grpcurl showcase.Showcase/Fail: NotFound: gone") || !strings.Contains(errOut, "showcase.FailureHint") || out != "{\"message\":\"Hello x\"}\n" {
		t.Errorf("exit %d, out %q, err %q", ExitCode(err), out, errOut)
	}
}

// A line grpcsh cannot run stops the script before anything runs, with
// exit 2 and the place of the flag at fault.
func TestScriptGrpcurlLineErrors(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	a := srv.Target()
	for script, want := range map[string]string{
		"grpcurl -plaintext -format text -msg-template -allow-unknown-fields " + a + " m": "line 1:47: grpcurl: grpcurl's -allow-unknown-fields has no grpcsh equivalent",
		"grpcurl -plaintext -d @ " + a + " showcase.Showcase/Sum":                         "line 1:1: grpcurl: -d @ reads stdin; here, put the requests in a heredoc",
		"grpcurl -plaintext " + a + " showcase.Showcase/Sum <<EOM\n{}\nEOM":               fmt.Sprintf("line 1:%d: grpcurl: the <<EOM body is read by -d @", len("grpcurl -plaintext "+a+" showcase.Showcase/Sum ")+1),
		"grpcurl -plaintext -d '{\"nme\": 1}' " + a + " helloworld.Greeter/SayHello":      `line 1:25: nme: unknown field "nme"; did you mean name?`,
		"grpcurl -plaintext -d '{\"name\": ' " + a + " helloworld.Greeter/SayHello":       "line 1:23: grpcurl: -d:",
		"grpcurl -plaintext \\": "the grpcurl line ends with \\ but nothing follows it",
		"grpcurl -plaintext -d '{\n\"nme\": 1}' " + a + " helloworld.Greeter/SayHello": `line 2:1: nme: unknown field "nme"`,
		"grpcurl -plaintext -d '{\n": "line 1:23: the quote ' that starts here is not closed",
		"grpcurl -plaintext -H 'x: ${NOPE}' -expand-headers " + a + " helloworld.Greeter/SayHello": "NOPE",
	} {
		out, errOut, err := runScriptText(t, a, script, func(string) (string, bool) { return "", false })
		if ExitCode(err) != ExitUsage || !strings.Contains(errOut, want) || out != "" {
			t.Errorf("%q: exit %d, out %q, err %q; want %q", script, ExitCode(err), out, errOut, want)
		}
	}
}

// The lines the copy-as menu makes read back through the translator as
// the same call: quotes, spaces, newlines, $ and backslashes in the body
// and the headers survive the shell quoting.
func TestCallLineRoundTrip(t *testing.T) {
	body := `{"text":"it's \"quoted\"\nline two  ${HOME} $USER \\ back","n":1}`
	c := CallLine{
		Method: "showcase.Showcase/Echo", Body: body,
		Header:   metadata.MD{"x-note": {"a 'b' \"c\""}, "authorization": {"Bearer s3cr3t"}, "x-id-bin": {"\x00\x01"}},
		Deadline: 1500 * time.Millisecond,
		Conn: dynamic.ConnConfig{Target: "api.example:443", CACert: "/tmp/my ca.pem", Cert: "c.pem", Key: "k.pem", Authority: "api",
			ConnectTimeout: 3 * time.Second, MaxMsgSize: 1 << 20},
		Schema: Schema{Protos: []string{"a b.proto"}, ImportPaths: []string{"protos"}},
	}
	for _, reveal := range []bool{true, false} {
		line := c.Grpcurl(reveal)
		cmds, err := Parse(line, func(n string) (string, bool) { return "from-env", n == "AUTHORIZATION" })
		if err != nil || len(cmds) != 1 {
			t.Fatalf("%s: %v", line, err)
		}
		g := cmds[0].parsed.(*GrpcurlCommand)
		if err := g.Resolve(func(n string) (string, bool) { return "from-env", n == "AUTHORIZATION" }); err != nil {
			t.Fatal(err)
		}
		wantAuth := "Bearer s3cr3t"
		if !reveal {
			wantAuth = "Bearer from-env"
			if strings.Contains(line, "s3cr3t") {
				t.Errorf("the secret is in the line: %s", line)
			}
		}
		if g.Data != body || g.Symbol != c.Method || g.Options.Conn.Target != c.Conn.Target || g.Options.Settings.Deadline != c.Deadline ||
			!reflect.DeepEqual(g.Options.Protos, c.Protos) || !reflect.DeepEqual(g.Options.ImportPaths, c.ImportPaths) {
			t.Errorf("%s\nread back as %+v", line, g)
		}
		want := c.Conn
		if g.Options.Conn != want {
			t.Errorf("conn %+v, want %+v", g.Options.Conn, want)
		}
		wantMD := metadata.MD{"x-note": {"a 'b' \"c\""}, "authorization": {wantAuth}, "x-id-bin": {"\x00\x01"}}
		if !reflect.DeepEqual(g.Options.Header, wantMD) {
			t.Errorf("headers %q, want %q", g.Options.Header, wantMD)
		}
		// And the shell reads it as the translator does.
		if sh, err := exec.LookPath("sh"); err == nil {
			out, err := exec.Command(sh, "-c", `set -- `+strings.TrimPrefix(line, "grpcurl ")+`; for a in "$@"; do printf '%s\000' "$a"; done`).Output()
			if err != nil {
				t.Fatal(err)
			}
			args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
			g2, err := ParseGrpcurl(args)
			if err != nil || g2.Data != body || g2.Options.Conn != want {
				t.Errorf("through sh: %v %+v", err, g2)
			}
		}
	}
}

// The script and one-shot lines say the same; ghz's names its flags its way.
func TestCallLineFormats(t *testing.T) {
	c := CallLine{
		Method: "helloworld.Greeter/SayHello", Body: `{"name":"a"}`,
		Header:   metadata.MD{"x-k": {"v", "w"}, "authorization": {"Bearer s3cr3t"}},
		Deadline: 2 * time.Second,
		Conn:     dynamic.ConnConfig{Target: "127.0.0.1:8888", Gzip: true},
	}
	for got, want := range map[string]string{
		c.Grpcurl(false): `grpcurl -plaintext -max-time 2 -H 'authorization: Bearer ${AUTHORIZATION}' -H 'x-k: v' -H 'x-k: w' -expand-headers -d '{"name":"a"}' 127.0.0.1:8888 helloworld.Greeter/SayHello`,
		c.Command(false): `grpcsh -gzip -max-time 2s -H 'authorization: Bearer ${AUTHORIZATION}' -H 'x-k: v' -H 'x-k: w' 127.0.0.1:8888 call helloworld.Greeter/SayHello -d '{"name":"a"}'`,
		c.Script(false):  "connect 127.0.0.1:8888 -gzip\nheader 'authorization: Bearer ${AUTHORIZATION}'\nheader 'x-k: v'\nheader -a 'x-k: w'\nset deadline 2s\ncall helloworld.Greeter/SayHello '{\"name\":\"a\"}'",
		c.Ghz(false):     "ghz --insecure --call helloworld.Greeter/SayHello -d '{\"name\":\"a\"}' -m '{\"authorization\":\"Bearer {{env `AUTHORIZATION`}}\",\"x-k\":\"w\"}' -t 2s --enable-compression 127.0.0.1:8888",
		c.Ghz(true):      "ghz --insecure --call helloworld.Greeter/SayHello -d '{\"name\":\"a\"}' -m '{\"authorization\":\"Bearer s3cr3t\",\"x-k\":\"w\"}' -t 2s --enable-compression 127.0.0.1:8888",
	} {
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
	// grpcsh's lines keep -proxy, its password hidden unless revealed.
	proxied := c
	proxied.Conn.Proxy = "http://u:pw@127.0.0.1:3128"
	if got := proxied.Command(false); !strings.Contains(got, "-proxy 'http://u:xxxxx@127.0.0.1:3128'") || strings.Contains(got, "pw@") {
		t.Errorf("proxy: %s", got)
	}
	if got := proxied.Script(true); !strings.Contains(got, "-proxy 'http://u:pw@127.0.0.1:3128'") {
		t.Errorf("proxy revealed: %s", got)
	}
	// connect takes the session's files.
	withFiles := c
	withFiles.Protos, withFiles.ImportPaths = []string{"a b.proto"}, []string{"protos"}
	script := withFiles.Script(false)
	if !strings.HasPrefix(script, "connect 127.0.0.1:8888 -gzip -proto 'a b.proto' -import-path protos\n") {
		t.Errorf("script with files: %s", script)
	}
	if cmds, err := Parse(script, func(string) (string, bool) { return "x", true }); err != nil || len(cmds) != 6 || cmds[0].Name != "connect" {
		t.Errorf("the script does not parse: %v %d", err, len(cmds))
	}
	c.Body = `{"text":"{{.RequestNumber}}"}`
	if got := c.Ghz(false); !strings.Contains(got, "--disable-template-data") || !strings.Contains(got, `"authorization":"<redacted>"`) {
		t.Errorf("templated body: %s", got)
	}
}

// The script lines run, in a script, as the call the grpcurl line makes.
func TestCallLineScriptRuns(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	s.SetHeader("x-k", "v w")
	m, err := s.FindMethod("showcase.Showcase/Metadata")
	if err != nil {
		t.Fatal(err)
	}
	c := s.CallLine(m, `{}`)
	viaScript, errOut, err := runScriptText(t, srv.Target(), c.Script(false), nil)
	if err != nil {
		t.Fatalf("%s: %v %s", c.Script(false), err, errOut)
	}
	viaGrpcurl, errOut, err := runScriptText(t, srv.Target(), c.Grpcurl(false), nil)
	if err != nil {
		t.Fatalf("%s: %v %s", c.Grpcurl(false), err, errOut)
	}
	if viaScript != viaGrpcurl || !strings.Contains(viaScript, `"x-k":"v w"`) {
		t.Errorf("script %q, grpcurl %q", viaScript, viaGrpcurl)
	}
}

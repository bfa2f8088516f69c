package repl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// testEnv is the environment the parser tests see.
func testEnv(name string) (string, bool) {
	v, ok := map[string]string{
		"HOST":   "h.example",
		"TOKEN":  "s3cr3t",
		"NAME":   `Ann "the" Coder`,
		"N":      "42",
		"OBJ":    `{"x": 1}`,
		"EMPTY":  "",
		"SPACED": "a b",
		"DASH":   "-plaintext",
	}[name]
	return v, ok
}

// dump writes a command as the tests expect it: position, name (with the
// alias typed, if any), quoted arguments, flags, and each request with
// where it starts.
func dump(c *Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", c.Pos, c.Name)
	if c.As != c.Name {
		fmt.Fprintf(&b, "(%s)", c.As)
	}
	for _, a := range c.Args {
		fmt.Fprintf(&b, " %q", a.Text)
	}
	for _, f := range c.Flags {
		fmt.Fprintf(&b, " -%s", f.Name)
		if f.Value != "" {
			fmt.Fprintf(&b, "=%q", f.Value)
		}
	}
	if c.Body != nil {
		if c.Body.Marker != "" {
			fmt.Fprintf(&b, " <<%s", c.Body.Marker)
		}
		for {
			r, err := c.Body.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fmt.Fprintf(&b, " BODY ERROR %v", err)
				break
			}
			fmt.Fprintf(&b, " %s@%s", r.JSON, r.Pos)
		}
	}
	return b.String()
}

// parseAll parses a whole script the way --keep-going reads it: every
// command, and every error, in order.
func parseAll(script string) []string {
	p := NewParser(strings.NewReader(script))
	p.Env = testEnv
	var out []string
	for i := 0; i < 100; i++ {
		c, err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			out = append(out, "ERROR "+err.Error())
			continue
		}
		out = append(out, dump(c))
	}
	return append(out, "TOO MANY")
}

func TestLangCommands(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"empty", "", nil},
		{"blank lines and comments", "\n   \n# a comment\n\t# indented comment\n", nil},
		{"ls", "ls", []string{"1:1 ls"}},
		{"ls service, indented, trailing comment", "  list showcase.Showcase  # methods\n",
			[]string{`1:3 ls(list) "showcase.Showcase"`}},
		{"case-insensitive names", "LS\nDesc X", []string{"1:1 ls(LS)", `2:1 desc(Desc) "X"`}},
		{"desc aliases", "desc a.B\ndescribe a.B\ntype a.B\ndesc",
			[]string{`1:1 desc "a.B"`, `2:1 desc(describe) "a.B"`, `3:1 desc(type) "a.B"`, "4:1 desc"}},
		{"template", "template helloworld.HelloRequest\ntmpl Greeter/SayHello",
			[]string{`1:1 template "helloworld.HelloRequest"`, `2:1 template(tmpl) "Greeter/SayHello"`}},
		{"connect", "connect 127.0.0.1:8888 -plaintext -authority=a.b --cacert ca.pem\nconnect\nconnect -insecure\nstatus",
			[]string{`1:1 connect "127.0.0.1:8888" -plaintext -authority="a.b" -cacert="ca.pem"`,
				"2:1 connect", "3:1 connect -insecure", "4:1 status"}},
		{"connect with variables", "connect ${HOST}:${PORT:-8888} -plaintext\nconnect ${DASH}",
			// An expanded value is never a flag.
			[]string{`1:1 connect "h.example:8888" -plaintext`, `2:1 connect "-plaintext"`}},
		{"help", "help\nhelp call\n? ls\nhelp LIST", []string{"1:1 help", `2:1 help "call"`, `3:1 help(?) "ls"`, `4:1 help "LIST"`}},
		{"exit", "exit\nquit\nexit 3", []string{"1:1 exit", "2:1 exit(quit)", `3:1 exit "3"`}},
		{"windows line ends and a BOM", "\ufeffls\r\nls x\r\n", []string{"1:1 ls", `2:1 ls "x"`}},
		{"no newline at the end", "ls\nstatus", []string{"1:1 ls", "2:1 status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDump(t, tt.script, tt.want)
		})
	}
}

func checkDump(t *testing.T, script string, want []string) {
	t.Helper()
	got := parseAll(script)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("script:\n%s\ngot:\n  %s\nwant:\n  %s", script, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestLangWords(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"single quotes keep everything", `ls 'a  b ${X} \n "q"'`, []string{`1:1 ls "a  b ${X} \\n \"q\""`}},
		{"double quotes", `ls "a  \"b\" \\ \$ \n \t ${N} \x"`, []string{`1:1 ls "a  \"b\" \\ $ \n \t 42 \\x"`}},
		{"backslash outside quotes", `ls a\ b\'c`, []string{`1:1 ls "a b'c"`}},
		{"quotes join a word", `ls a'b c'"d"e`, []string{`1:1 ls "ab cde"`}},
		{"hash inside a word is not a comment", `ls a#b # c`, []string{`1:1 ls "a#b"`}},
		{"dollar dollar is a dollar", `ls pa$$word$`, []string{`1:1 ls "pa$word$"`}},
		{"lone dollar stays", `ls $HOME`, []string{`1:1 ls "$HOME"`}},
		{"variable keeps its spaces in one word", `ls ${SPACED}`, []string{`1:1 ls "a b"`}},
		{"default", "ls ${NOPE:-d-v}\nls ${EMPTY:-e}\nls ${N:-x}\nls ${EMPTY}", []string{`1:1 ls "d-v"`, `2:1 ls "e"`, `3:1 ls "42"`, `4:1 ls ""`}},
		{"quoted flag is an argument", `connect '-plaintext'`, []string{`1:1 connect "-plaintext"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDump(t, tt.script, tt.want) })
	}
}

func TestLangSetAndHeader(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"set shows", "set\nset format\nset EMIT_DEFAULTS", []string{"1:1 set", `2:1 set "format"`, `3:1 set "emit-defaults"`}},
		{"set normalizes", "set deadline 2s\nset timeout 1.5\nset deadline OFF\nset format TEXT\nset emit_defaults TRUE\nset proto-names no\nset v 1",
			[]string{`1:1 set "deadline" "2s"`, `2:1 set "deadline" "1.5s"`, `3:1 set "deadline" "off"`, `4:1 set "format" "text"`,
				`5:1 set "emit-defaults" "on"`, `6:1 set "proto-names" "off"`, `7:1 set "verbose" "on"`}},
		{"unset", "unset deadline\nunset max-time", []string{`1:1 unset "deadline"`, `2:1 unset "deadline"`}},
		{"header set", "header authorization: Bearer ${TOKEN}\nheader X-Trace-Id:abc\nheader k=v=w\nheader 'x-a: two  spaces'",
			[]string{`1:1 header "authorization" "Bearer s3cr3t"`, `2:1 header "x-trace-id" "abc"`, `3:1 header "k" "v=w"`,
				`4:1 header "x-a" "two  spaces"`}},
		{"header url value", "header x-url: http://a:1/b", []string{`1:1 header "x-url" "http://a:1/b"`}},
		{"header binary", "header x-bin: AQID", []string{"1:1 header \"x-bin\" \"\\x01\\x02\\x03\""}},
		{"header add, delete, show", "header -a k: v\nheader -d K x-b:\nheader",
			[]string{`1:1 header "k" "v" -a`, `2:1 header "k" "x-b" -d`, "3:1 header"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDump(t, tt.script, tt.want) })
	}
}

func TestLangCall(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"no request", "call helloworld.Greeter/SayHello\ncall M # c", []string{`1:1 call "helloworld.Greeter/SayHello"`, `2:1 call "M"`}},
		{"one line", `call M {"name": "x y", "n": [1, -2.5e3, true, null]}`,
			[]string{`1:1 call "M" {"name": "x y", "n": [1, -2.5e3, true, null]}@1:8`}},
		{"several on a line", `call Sum {"value": 1}{"value":2}  {"value": 3} # three`,
			[]string{`1:1 call "Sum" {"value": 1}@1:10 {"value":2}@1:22 {"value": 3}@1:35`}},
		{"scalars", `call M "s" 5 -1 true`, []string{`1:1 call "M" "s"@1:8 5@1:12 -1@1:14 true@1:17`}},
		{"multi-line", "call M {\n  \"a\": \"}{\\\"\",  # a comment\n  \"b\": [\n    1\n  ]\n}\nls",
			[]string{"1:1 call \"M\" {\n  \"a\": \"}{\\\"\",  \n  \"b\": [\n    1\n  ]\n}@1:8", "7:1 ls"}},
		{"multi-line, then another value", "call Sum {\n\"value\": 1} {\"value\":\n2}\nls",
			[]string{"1:1 call \"Sum\" {\n\"value\": 1}@1:10 {\"value\":\n2}@2:13", "4:1 ls"}},
		{"quoted like grpcurl -d", `call M '{"a": "${X}"}'`, []string{`1:1 call "M" {"a": "${X}"}@1:9`}},
		{"variables in JSON", `call M {"name": "${NAME}", "n": ${N}, "o": ${OBJ}, "lit": "$${N}", "d": "$"}`,
			[]string{`1:1 call "M" {"name": "Ann \"the\" Coder", "n": 42, "o": {"x": 1}, "lit": "${N}", "d": "$"}@1:8`}},
		{"heredoc", "call showcase.Showcase/Chat <<END\n{\"text\": \"a\"}{\"text\":\n\"b\"}\n  # comment\n\n  {\"text\": \"${N}\"}\n  END\nls",
			[]string{"1:1 call \"showcase.Showcase/Chat\" <<END {\"text\": \"a\"}@2:1 {\"text\":\n\"b\"}@2:14 {\"text\": \"42\"}@6:3", "8:1 ls"}},
		{"heredoc, marker with a space and a comment", "call Chat << EOF # stream\n{}\nEOF", []string{`1:1 call "Chat" <<EOF {}@2:1`}},
		{"quoted heredoc marker: no expansion", "call Chat <<'END'\n{\"text\": \"${NOPE}\"}\nEND", []string{`1:1 call "Chat" <<END {"text": "${NOPE}"}@2:1`}},
		{"empty heredoc", "call Sum <<END\nEND\nls", []string{`1:1 call "Sum" <<END`, "3:1 ls"}},
		{"END inside a string is not the end", "call Chat <<END\n{\"text\":\n\"END\"}\nEND", []string{"1:1 call \"Chat\" <<END {\"text\":\n\"END\"}@2:1"}},
		{"unread heredoc is skipped", "call Chat <<END\n{}\n{}\nEND\nls", []string{`1:1 call "Chat" <<END {}@2:1 {}@3:1`, "5:1 ls"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDump(t, tt.script, tt.want) })
	}
}

// TestLangErrors checks every kind of bad line, with the exact message,
// and that the parser goes on with the next command.
func TestLangErrors(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"unknown command", "cal x\nls", []string{`ERROR line 1:1: unknown command "cal"; did you mean call?`, "2:1 ls"}},
		{"unknown command, indented", "     cal x", []string{`ERROR line 1:6: unknown command "cal"; did you mean call?`}},
		{"unknown command, close to an alias", "lsit", []string{`ERROR line 1:1: unknown command "lsit"; did you mean list?`}},
		{"unknown command, nothing close", "frobnicate", []string{`ERROR line 1:1: unknown command "frobnicate"`}},
		{"JSON alone", `{"name": "x"}`, []string{`ERROR line 1:1: JSON outside a call: a request goes after call METHOD on the same line (or use <<END)`}},
		{"too many arguments", "ls a b", []string{`ERROR line 1:6: unexpected argument "b" (usage: ls [SERVICE])`}},
		{"no arguments wanted", "status now", []string{`ERROR line 1:8: unexpected argument "now": status takes none`}},
		{"missing argument", "template", []string{`ERROR line 1:9: template needs MESSAGE|METHOD (usage: template MESSAGE|METHOD)`}},
		{"call without method", "call", []string{`ERROR line 1:5: call needs METHOD (usage: call METHOD [JSON...|<<END])`}},
		{"call with JSON first", `call {"a": 1}`, []string{`ERROR line 1:6: call: expected METHOD before the JSON request`}},
		{"unknown flag", "connect x -foo", []string{`ERROR line 1:11: connect: unknown flag -foo`}},
		{"misspelt flag", "connect x -plaintex", []string{`ERROR line 1:11: connect: unknown flag -plaintex; did you mean -plaintext?`}},
		{"flag without value", "connect x -authority", []string{`ERROR line 1:11: connect: -authority needs a value`}},
		{"flag with a value it does not take", "connect x -plaintext=yes", []string{`ERROR line 1:11: connect: -plaintext takes no value`}},
		{"bad deadline", "set deadline abc", []string{`ERROR line 1:14: set deadline: invalid duration "abc" (write e.g. 500ms, 2s, 1m, or off)`}},
		{"negative deadline", "set deadline -1s", []string{`ERROR line 1:14: set deadline: invalid duration "-1s": it cannot be negative`}},
		{"bad on/off", "set verbose maybe", []string{`ERROR line 1:13: set verbose: expected on or off, found "maybe"`}},
		{"bad format", "set format xml", []string{`ERROR line 1:12: set format: expected json or text, found "xml"`}},
		{"misspelt setting", "set dedline 2s", []string{`ERROR line 1:5: set: unknown setting "dedline"; did you mean deadline? (settings: deadline, format, emit-defaults, proto-names, verbose)`}},
		{"unknown setting", "unset colour", []string{`ERROR line 1:7: unset: unknown setting "colour" (settings: deadline, format, emit-defaults, proto-names, verbose)`}},
		{"help for an unknown command", "help cal", []string{`ERROR line 1:6: help: unknown command "cal"; did you mean call?`}},
		{"bad exit code", "exit x\nexit 256", []string{`ERROR line 1:6: exit: expected a code within 0..255, found "x"`, `ERROR line 2:6: exit: expected a code within 0..255, found "256"`}},
		{"header without colon", "header foo", []string{`ERROR line 1:8: header: expected KEY: VALUE (e.g. authorization: Bearer ${TOKEN}), found no ':' or '='`}},
		{"header -d without key", "header -d", []string{`ERROR line 1:10: header -d needs the KEY to delete`}},
		{"header -a without key", "header -a", []string{`ERROR line 1:10: header -a needs KEY: VALUE`}},
		{"header unknown flag", "header -x k: v", []string{`ERROR line 1:8: header: unknown flag -x (expected -d KEY to delete, -a KEY: VALUE to add, or KEY: VALUE)`}},
		{"header bad key", "header 'bad key': v", []string{`ERROR line 1:8: header "bad key": ' ' cannot be in a header name (allowed: a-z 0-9 - _ .)`}},
		{"header bad key to delete", "header -d a/b", []string{`ERROR line 1:11: header -d "a/b": '/' cannot be in a header name (allowed: a-z 0-9 - _ .)`}},
		{"header reserved", "header grpc-timeout: 1S", []string{`ERROR line 1:8: header "grpc-timeout" is reserved: gRPC sets it from the call's deadline; use set deadline`}},
		{"header binary not base64", "header x-bin: !!", []string{`ERROR line 1:8: header "x-bin": a -bin header takes a base64 value: illegal base64 data at input byte 0`}},
		{"unclosed single quote", "ls 'abc\nls", []string{`ERROR line 1:4: the quote ' that starts here is not closed on its line`, "2:1 ls"}},
		{"unclosed double quote", `ls a"bc`, []string{`ERROR line 1:5: the quote " that starts here is not closed on its line`}},
		{"unset variable", "ls x\nheader authorization: Bearer ${TOKEN_X}", []string{`1:1 ls "x"`, `ERROR line 2:30: environment variable TOKEN_X is not set (write ${TOKEN_X:-default} for a default)`}},
		{"unset variable in JSON", `call M {"a": "${NOPE}"}`, []string{`ERROR line 1:15: environment variable NOPE is not set (write ${NOPE:-default} for a default)`}},
		{"unset variable in a heredoc", "call Chat <<END\n{}\n {\"t\": ${NOPE}}\nEND\nls",
			[]string{"1:1 call \"Chat\" <<END {}@2:1 BODY ERROR line 3:8: environment variable NOPE is not set (write ${NOPE:-default} for a default)", "5:1 ls"}},
		{"unclosed ${", "ls ${ABC", []string{`ERROR line 1:4: ${ is not closed: expected a variable name and '}'`}},
		{"unclosed ${ with default", "ls ${ABC:-x", []string{`ERROR line 1:4: ${ is not closed: expected '}' after the default value`}},
		{"bad variable name", "ls ${1X}", []string{`ERROR line 1:6: expected a variable name after ${, found '1'`}},
		{"space in variable name", "ls ${A B}", []string{`ERROR line 1:7: expected '}' or ':-default' after ${A, found ' '`}},
		{"empty variable name", "ls ${}", []string{`ERROR line 1:4: ${} names no variable`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDump(t, tt.script, tt.want) })
	}
}

func TestLangJSONErrors(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"missing comma", `call M {"a": 1 "b": 2}`, []string{`ERROR line 1:16: JSON: expected ',' or '}', found '"'`}},
		{"missing comma in an array", `call M {"a": [1 2]}`, []string{`ERROR line 1:17: JSON: expected ',' or ']', found '2'`}},
		{"wrong closer", `call M {"a": [1, 2}`, []string{`ERROR line 1:19: JSON: expected ',' or ']', found '}'`}},
		{"trailing comma in an array", `call M {"a": [1, 2,]}`, []string{`ERROR line 1:20: JSON: expected a value after ',', found ']' (JSON allows no trailing comma)`}},
		{"trailing comma in an object", `call M {"a": 1,}`, []string{`ERROR line 1:16: JSON: expected a field name after ',', found '}' (JSON allows no trailing comma)`}},
		{"single quotes", `call M {'a': 1}`, []string{`ERROR line 1:9: JSON: expected a field name in double quotes, found ' (JSON strings take double quotes)`}},
		{"single-quoted value", `call M {"a": 'x'}`, []string{`ERROR line 1:14: JSON: JSON strings take double quotes, found '`}},
		{"unquoted key", `call M {name: 1}`, []string{`ERROR line 1:9: JSON: expected a field name in double quotes or '}', found 'n'`}},
		{"missing colon", `call M {"a" 1}`, []string{`ERROR line 1:13: JSON: expected ':' after the field name, found '1'`}},
		{"bare word", `call M {"a": hello}`, []string{`ERROR line 1:14: JSON: expected a value, found hello (strings take double quotes)`}},
		{"misspelt literal", `call M {"a": ture}`, []string{`ERROR line 1:14: JSON: expected a value, found ture (strings take double quotes)`}},
		{"leading zero", `call M {"a": 01}`, []string{`ERROR line 1:15: JSON: invalid number: a number cannot start with 0 followed by digits`}},
		{"minus without digits", `call M {"a": -x}`, []string{`ERROR line 1:15: JSON: invalid number: expected a digit after '-', found 'x'`}},
		{"dot without digits", `call M {"a": 1.}`, []string{`ERROR line 1:16: JSON: invalid number: expected a digit after '.', found '}'`}},
		{"exponent without digits", `call M {"a": 1e+}`, []string{`ERROR line 1:17: JSON: invalid number: expected a digit in the exponent, found '}'`}},
		{"bad escape", `call M {"a": "x\q"}`, []string{`ERROR line 1:17: JSON: invalid escape \q in a string (JSON has \" \\ \/ \b \f \n \r \t \uXXXX)`}},
		{"bad unicode escape", `call M {"a": "\u12G4"}`, []string{`ERROR line 1:19: JSON: invalid \u escape: expected 4 hexadecimal digits, found 'G'`}},
		{"tab in a string", "call M {\"a\": \"x\ty\"}", []string{`ERROR line 1:16: JSON: control character '\t' in a string: write it as an escape`}},
		{"string not closed on its line", "call M {\"a\": \"abc\n\"}\nls", []string{`ERROR line 1:14: JSON: the string that starts here is not closed on its line (write \n for a newline inside a string)`, "3:1 ls"}},
		{"one brace too many", `call M {"a": 1}}`, []string{`ERROR line 1:16: JSON: found '}' outside any object or array: one too many?`}},
		{"text after the request", `call M {"a": 1} please`, []string{`ERROR line 1:17: JSON: expected a value, found please (strings take double quotes)`}},
		{"not a value", `call M {"a": @}`, []string{`ERROR line 1:14: JSON: expected a value (an object, array, string, number, true, false or null), found '@'`}},
		{"non-ASCII outside strings", `call M {"a": é}`, []string{`ERROR line 1:14: JSON: expected a value (an object, array, string, number, true, false or null), found a non-ASCII character`}},
		{"columns count characters", `call M {"é€": 1 2}`, []string{`ERROR line 1:17: JSON: expected ',' or '}', found '2'`}},
		{"error on a later line, then the next command", "call M {\n  \"a\": 1\n  \"b\": {\"c\": [1, 2]}\n}\nls",
			[]string{`ERROR line 3:3: JSON: expected ',' or '}', found '"'`, "5:1 ls"}},
		{"error in a nested value skips the whole request", "call M {\n  \"a\": {\"b\": [1,,2]},\n  \"c\": \"}\"\n}\nls",
			[]string{`ERROR line 2:17: JSON: expected a value (an object, array, string, number, true, false or null), found ','`, "5:1 ls"}},
		{"quoted JSON with an error", `call M '{"a" 1}'`, []string{`ERROR line 1:14: JSON: expected ':' after the field name, found '1'`}},
		{"quoted JSON not complete", `call M '{"a": [1'`, []string{`ERROR line 1:9: JSON: the quoted request is not complete: '{' at 1:9 and '[' at 1:15 are not closed (expected ]})`}},
		{"quoted JSON then more", `call M '{}' x`, []string{`ERROR line 1:13: unexpected "x" after the quoted JSON request`}},
		{"heredoc without marker", "call M <<\nls", []string{`ERROR line 1:8: expected an end marker after <<, e.g. <<END`, "2:1 ls"}},
		{"heredoc with text after the marker", "call M <<END {}\nEND", []string{`ERROR line 1:14: unexpected text after <<END: the messages go on the following lines, then a line with END`, `ERROR line 2:1: unknown command "END"; did you mean env?`}},
		{"heredoc marker badly quoted", "call M <<'END\nEND", []string{`ERROR line 1:8: the marker 'END is not quoted properly: write <<'END' or <<END`, `ERROR line 2:1: unknown command "END"; did you mean env?`}},
		{"error in a heredoc message, then the rest is skipped", "call Chat <<END\n{\"a\": 1}\n{\"a\" 1}\n{\"a\": 3}\nEND\nls",
			[]string{"1:1 call \"Chat\" <<END {\"a\": 1}@2:1 BODY ERROR line 3:6: JSON: expected ':' after the field name, found '1'", "6:1 ls"}},
		{"END before the message is complete", "call Chat <<END\n{\"a\":\n  END\nls",
			[]string{"1:1 call \"Chat\" <<END BODY ERROR line 3:1: JSON: the line END came before the message that starts at 2:1 was complete: '{' at 2:1 is not closed (expected })", "4:1 ls"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDump(t, tt.script, tt.want) })
	}
}

// TestLangEOF checks that the end of the input inside something open says
// what was left open and where it started, and that it is Incomplete.
func TestLangEOF(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"multi-line JSON", "ls\ncall M {\n  \"a\": [1,\n", `line 2:8: JSON: the input ended inside the request that starts here: '{' at 2:8 and '[' at 3:8 are not closed (expected ]})`},
		{"multi-line JSON without a last newline", "call M {\"a\":", `line 1:8: JSON: the input ended inside the request that starts here: '{' at 1:8 is not closed (expected })`},
		{"heredoc", "call Chat <<END\n{\"text\": \"a\"}\n", `line 1:11: the input ended inside the <<END body that starts here: no line END closes it`},
		{"heredoc inside a message", "call Chat <<END\n{\"text\": \"a\"}\n{\"text\":\n", `line 1:11: the input ended inside the <<END body that starts here: no line END closes it; a message is not complete: '{' at 3:1 is not closed (expected })`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, err := Parse(tt.script, testEnv)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Parse: %v (after %d commands)\nwant: %s", err, len(cmds), tt.want)
			}
			if !Incomplete(err) {
				t.Errorf("Incomplete(%v) = false", err)
			}
			var ue *UsageError
			if !errors.As(err, &ue) || ExitCode(err) != ExitUsage {
				t.Errorf("ExitCode(%v) = %d, want %d", err, ExitCode(err), ExitUsage)
			}
		})
	}
}

func TestLangParseText(t *testing.T) {
	// What the TUI's command bar does: a line, then more lines while the
	// text is incomplete.
	text := `call showcase.Showcase/Sum <<END`
	if _, err := Parse(text, testEnv); !Incomplete(err) {
		t.Fatalf("Parse(%q): %v, want an Incomplete error", text, err)
	}
	text += "\n{\"value\": 1}\n{\"value\": 2}"
	if _, err := Parse(text, testEnv); !Incomplete(err) {
		t.Fatalf("Parse(%q): %v, want an Incomplete error", text, err)
	}
	text += "\nEND"
	cmds, err := Parse(text, testEnv)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("Parse(%q) = %d commands, %v", text, len(cmds), err)
	}
	if got := dump(cmds[0]); got != `1:1 call "showcase.Showcase/Sum" <<END {"value": 1}@2:1 {"value": 2}@3:1` {
		t.Errorf("got %s", got)
	}
	// A syntax error is not incomplete.
	if _, err := Parse(`call M {"a" 1`, testEnv); err == nil || Incomplete(err) {
		t.Errorf("a syntax error: %v, Incomplete %v", err, Incomplete(err))
	}
	cmds, err = Parse("set format text\nls", testEnv)
	if err != nil || len(cmds) != 2 || cmds[0].Summary() != "set format text" || cmds[1].Name != "ls" {
		t.Errorf("Parse of two lines: %v, %v", cmds, err)
	}
}

func TestLangScriptPos(t *testing.T) {
	script := "call M {\n  \"name\": \"${NAME}\",\n  \"n\": ${N}, \"é\": \"x\"\n}"
	cmds, err := Parse(script, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	req, err := cmds[0].Body.Next()
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := "{\n  \"name\": \"Ann \\\"the\\\" Coder\",\n  \"n\": 42, \"é\": \"x\"\n}"
	if string(req.JSON) != wantJSON {
		t.Fatalf("JSON:\n%s\nwant:\n%s", req.JSON, wantJSON)
	}
	for _, tt := range []struct {
		line, col int
		want      Pos
	}{
		{1, 1, Pos{1, 8}},   // {
		{2, 3, Pos{2, 3}},   // "name"
		{2, 11, Pos{2, 11}}, // the opening quote of the value
		{2, 15, Pos{2, 12}}, // inside the expanded value: at its ${
		{2, 29, Pos{2, 19}}, // the closing quote of the value
		{2, 30, Pos{2, 20}}, // the comma after it
		{3, 8, Pos{3, 8}},   // 42: at its ${
		{3, 10, Pos{3, 12}}, // the comma after ${N}
		{3, 17, Pos{3, 19}}, // "x", after a two-byte character
		{4, 1, Pos{4, 1}},   // }
	} {
		if got := req.ScriptPos(tt.line, tt.col); got != tt.want {
			t.Errorf("ScriptPos(%d, %d) = %s, want %s", tt.line, tt.col, got, tt.want)
		}
	}
}

// TestLangHeredocStreams checks that a heredoc's messages are read as the
// call asks for them, not when the command is parsed: a message is
// available while the rest of the input has not been written yet.
func TestLangHeredocStreams(t *testing.T) {
	pr, pw := io.Pipe()
	p := NewParser(pr)
	p.Env = testEnv
	lines := make(chan string)
	go func() {
		for l := range lines {
			io.WriteString(pw, l)
		}
		pw.Close()
	}()
	lines <- "call showcase.Showcase/Chat <<END\n"
	cmd, err := p.Next()
	if err != nil {
		t.Fatal(err)
	}
	for i, msg := range []string{`{"text": "one"}`, `{"text": "two"}`} {
		lines <- msg + "\n"
		got := make(chan string)
		go func() {
			r, err := cmd.Body.Next()
			if err != nil {
				got <- err.Error()
				return
			}
			got <- string(r.JSON)
		}()
		select {
		case g := <-got:
			if g != msg {
				t.Fatalf("message %d: %s, want %s", i+1, g, msg)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d was not returned before the next line was written", i+1)
		}
	}
	lines <- "END\nls\n"
	close(lines)
	if _, err := cmd.Body.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after END: %v, want io.EOF", err)
	}
	next, err := p.Next()
	if err != nil || next.Name != "ls" || next.Pos.Line != 5 {
		t.Fatalf("after the heredoc: %v, %v", next, err)
	}
}

func TestLangHelp(t *testing.T) {
	all, err := Help("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(all, "\n  "+c.Name+" ") {
			t.Errorf("help does not list %s", c.Name)
		}
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			text, err := Help(name)
			if err != nil || !strings.HasPrefix(text, c.Name+" ") {
				t.Errorf("help %s: %q, %v", name, text, err)
			}
		}
		if c.Help == "" {
			t.Errorf("%s has no help text", c.Name)
		}
	}
	if _, err := Help("cal"); err == nil || err.Error() != `unknown command "cal"; did you mean call?` {
		t.Errorf("help cal: %v", err)
	}
}

// TestLangPlainWordPositions: plain words are slices of the line (the
// lexer's fast path); their text and positions must be what the byte-at-
// a-time path gives, UTF-8 columns and tabs included, and a plain start
// that turns into a quoted or expanded word must keep its first bytes.
func TestLangPlainWordPositions(t *testing.T) {
	p := NewParser(strings.NewReader("héllo\twörld  x${N}y pre\"fix\" last"))
	p.Env = testEnv
	if !p.readLine() {
		t.Fatal("no line")
	}
	type want struct {
		text   string
		col    int
		quoted bool
	}
	for _, w := range []want{{"héllo", 1, false}, {"wörld", 7, false}, {"x42y", 14, true}, {"prefix", 21, true}, {"last", 30, false}} {
		got, ok, err := p.word()
		if err != nil || !ok {
			t.Fatalf("word %q: ok=%v err=%v", w.text, ok, err)
		}
		if got.Text != w.text || got.Pos != (Pos{1, w.col}) || got.Quoted != w.quoted {
			t.Errorf("word = %q at %v quoted=%v, want %q at 1:%d quoted=%v", got.Text, got.Pos, got.Quoted, w.text, w.col, w.quoted)
		}
	}
	if got, ok, _ := p.word(); ok {
		t.Errorf("a word after the last: %q", got.Text)
	}
}

// BenchmarkParseCallLine is the parser's share of a script call: one
// `call METHOD {JSON}` line read, split and scanned.
func BenchmarkParseCallLine(b *testing.B) {
	script := strings.Repeat("call helloworld.Greeter/SayHello {\"name\": \"bench\"}\n", 1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := NewParser(strings.NewReader(script))
		p.Env = testEnv
		n := 0
		for {
			cmd, err := p.Next()
			if err != nil {
				break
			}
			if cmd.Body == nil || len(cmd.Body.reqs) != 1 {
				b.Fatalf("line %d: no request", n+1)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("%d commands, want 1000", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/line")
}

package repl

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// A lone surrogate escape and a byte-order mark before a request are read
// the same by -d, a script's JSON on the line and a heredoc: the surrogate
// as U+FFFD, the mark skipped. Both were errors ("the JSON ends before the
// value is complete"; "invalid character 'ï'" or "found a non-ASCII
// character").
func TestRequestsTakeLoneSurrogatesAndByteOrderMarks(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	tests := []struct{ in, want string }{
		{`{"name": "\ud800"}`, "{\"message\":\"Hello \ufffd\"}\n"},
		{"\ufeff{\"name\": \"bom\"}", "{\"message\":\"Hello bom\"}\n"},
	}
	for _, tt := range tests {
		inputs := map[string]func(out *Output) error{
			"-d": func(out *Output) error {
				return CallJSON(context.Background(), s, "SayHello", strings.NewReader(tt.in), out)
			},
			"script": func(out *Output) error {
				return RunScript(context.Background(), s, strings.NewReader("call SayHello "+tt.in+"\n"), out, ScriptOptions{})
			},
			"heredoc": func(out *Output) error {
				return RunScript(context.Background(), s, strings.NewReader("call SayHello <<END\n"+tt.in+"\nEND\n"), out, ScriptOptions{})
			},
		}
		for name, run := range inputs {
			var out, errs bytes.Buffer
			if err := run(&Output{Out: &out, Err: &errs}); err != nil || out.String() != tt.want {
				t.Errorf("%s %q: %q, %v; want %q", name, tt.in, out.String(), err, tt.want)
			}
		}
	}
}

package repl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
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

// Every request error is a *dynamic.JSONError with line:col of the whole
// input and the field path, whether the request came from -d, a script
// line or a heredoc, and whether its syntax or its fit to the message is
// wrong.
func TestRequestErrorsAreJSONErrors(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	tests := []struct {
		name string
		run  func(out *Output) error
		want dynamic.JSONError
	}{
		{"-d syntax", func(out *Output) error {
			return CallJSON(context.Background(), s, "SayHello", strings.NewReader("\n  {\"name\": }"), out)
		}, dynamic.JSONError{Line: 2, Col: 12}},
		{"-d field", func(out *Output) error {
			return CallJSON(context.Background(), s, "SayHello", strings.NewReader("\n  {\"name\": 3}"), out)
		}, dynamic.JSONError{Line: 2, Col: 12, Path: "name"}},
		{"script syntax", func(out *Output) error {
			return RunScript(context.Background(), s, strings.NewReader("ls\ncall SayHello {\"name\": }\n"), out, ScriptOptions{})
		}, dynamic.JSONError{Line: 2, Col: 24}},
		{"heredoc field", func(out *Output) error {
			return RunScript(context.Background(), s, strings.NewReader("call SayHello <<END\n\n  {\"name\": 3}\nEND\n"), out, ScriptOptions{})
		}, dynamic.JSONError{Line: 3, Col: 12, Path: "name"}},
	}
	for _, tt := range tests {
		var out, errs bytes.Buffer
		err := tt.run(&Output{Out: &out, Err: &errs})
		var je *dynamic.JSONError
		if !errors.As(err, &je) {
			t.Errorf("%s: %v is not a JSONError", tt.name, err)
			continue
		}
		if je.Line != tt.want.Line || je.Col != tt.want.Col || je.Path != tt.want.Path || je.Msg == "" {
			t.Errorf("%s: %d:%d path %q msg %q, want %d:%d path %q", tt.name, je.Line, je.Col, je.Path, je.Msg, tt.want.Line, tt.want.Col, tt.want.Path)
		}
	}
}

package dynamic_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// TestJSONErrorAt moves an error found in one value to the coordinates of
// the input the value came from: on the value's first line the column
// shifts by where the value starts; on later lines only the line shifts.
func TestJSONErrorAt(t *testing.T) {
	tests := []struct {
		err       dynamic.JSONError
		line, col int
		want      string
	}{
		{dynamic.JSONError{Line: 1, Col: 12, Msg: "m"}, 1, 1, "line 1:12: m"},
		{dynamic.JSONError{Line: 1, Col: 12, Msg: "m"}, 1, 5, "line 1:16: m"},
		{dynamic.JSONError{Line: 1, Col: 12, Msg: "m"}, 3, 3, "line 3:14: m"},
		{dynamic.JSONError{Line: 2, Col: 4, Msg: "m"}, 3, 3, "line 4:4: m"},
		{dynamic.JSONError{Line: 2, Col: 4, Path: "a.b", Msg: "m"}, 1, 9, "line 2:4: a.b: m"},
		// No position (a message-level error): none is made up.
		{dynamic.JSONError{Msg: "m"}, 3, 3, "m"},
	}
	for _, tt := range tests {
		orig := tt.err
		if got := tt.err.At(tt.line, tt.col).Error(); got != tt.want {
			t.Errorf("%+v.At(%d, %d) = %q, want %q", orig, tt.line, tt.col, got, tt.want)
		}
		if tt.err != orig {
			t.Errorf("At changed its receiver: %+v, was %+v", tt.err, orig)
		}
	}
}

// TestJSONStreamErrorPositions reads a stream of requests as the one-shot
// call does (JSONStream, then ParseJSON of each value, then At): every
// error points at the offending character of the whole input.
func TestJSONStreamErrorPositions(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	md := d.(protoreflect.MessageDescriptor)
	tests := []struct{ in, want string }{
		// The bad value "x" is at column 12 of the first line.
		{`{"fInt32": "x"}`, `line 1:12: fInt32`},
		// Second value, same line: starts at column 17.
		{`{"fInt32": 1}   {"fInt32": "x"}`, `line 1:28: fInt32`},
		// Second value on line 3, indented by two.
		{"{}\n\n  {\"fInt32\": \"x\"}", `line 3:14: fInt32`},
		// An error on the second line of a value keeps its own column.
		{"{}\n {\n\"tags\": [\"a\", 3]}", `line 3:15: tags[1]`},
		// Syntax errors come from the stream itself.
		{"{}\n{\"fInt32\": }", `line 2:12: invalid character '}'`},
		{"{}\n{\"fInt32\": 2", `line 2:13: the input ends inside a JSON value`},
	}
	for _, tt := range tests {
		s := dynamic.NewJSONStream(strings.NewReader(tt.in))
		var got error
		for got == nil {
			raw, line, col, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				got = err
				break
			}
			if _, err := dynamic.ParseJSON(types, md, raw); err != nil {
				var je *dynamic.JSONError
				if !errors.As(err, &je) {
					t.Fatalf("%q: %v is not a JSONError", tt.in, err)
				}
				got = je.At(line, col)
			}
		}
		if got == nil || !strings.HasPrefix(got.Error(), tt.want) {
			t.Errorf("%q:\n got %v\nwant %s...", tt.in, got, tt.want)
		}
	}
}

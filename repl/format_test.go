package repl

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
)

// TestColorJSON: keys, strings, numbers and literals each get their
// colour; escaped quotes stay inside their string, a string that holds a
// colon is not a key, and the text without colours is the input.
func TestColorJSON(t *testing.T) {
	k := func(s string) string { return colorKey + s + colorReset }
	str := func(s string) string { return colorString + s + colorReset }
	num := func(s string) string { return colorNumber + s + colorReset }
	lit := func(s string) string { return colorLit + s + colorReset }
	tests := []struct{ in, want string }{
		{`{"a": 1}`, "{" + k(`"a"`) + ": " + num("1") + "}"},
		{`{"a" : "b:c"}`, "{" + k(`"a"`) + " : " + str(`"b:c"`) + "}"},
		{`{"q": "say \"hi\": ok"}`, "{" + k(`"q"`) + ": " + str(`"say \"hi\": ok"`) + "}"},
		{`{"bs": "\\"}`, "{" + k(`"bs"`) + ": " + str(`"\\"`) + "}"},
		{`[-1.5e+3, 0, true, false, null]`, "[" + num("-1.5e+3") + ", " + num("0") + ", " + lit("true") + ", " + lit("false") + ", " + lit("null") + "]"},
		{"{\n  \"n\": {\n    \"x\": []\n  }\n}", "{\n  " + k(`"n"`) + ": {\n    " + k(`"x"`) + ": []\n  }\n}"},
		{`"unterminated`, str(`"unterminated`)},
		{``, ``},
	}
	for _, tt := range tests {
		got := ColorJSON(tt.in)
		if got != tt.want {
			t.Errorf("ColorJSON(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		plain := got
		for _, c := range []string{colorKey, colorString, colorNumber, colorLit, colorReset} {
			plain = strings.ReplaceAll(plain, c, "")
		}
		if plain != tt.in {
			t.Errorf("ColorJSON(%q) without colours is %q", tt.in, plain)
		}
	}
}

// TestFormatStatus: the code and message, then every detail: decoded when
// its type is known, else its type URL and bytes in base64.
func TestFormatStatus(t *testing.T) {
	s := newTestSession(t, startDemo(t, demo.Options{}).Target())
	info, err := anypb.New(&errdetails.ErrorInfo{Reason: "QUOTA", Domain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	unknown := &anypb.Any{TypeUrl: "type.googleapis.com/no.such.Type", Value: []byte{0x08, 0x01}}
	p := status.New(codes.ResourceExhausted, "too many calls").Proto()
	p.Details = []*anypb.Any{info, unknown}
	st := dynamic.DecodeStatusWith(s.Types(), status.FromProto(p))
	want := "ERROR:\n  Code: ResourceExhausted\n  Message: too many calls\n  Details:\n" +
		"  1) google.rpc.ErrorInfo {\"reason\":\"QUOTA\",\"domain\":\"example.com\"}\n" +
		"  2) type.googleapis.com/no.such.Type (unknown type) base64:CAE=\n"
	if got := FormatStatus(s, st); got != want {
		t.Errorf("FormatStatus:\n got %q\nwant %q", got, want)
	}
	plain := dynamic.DecodeStatusWith(s.Types(), status.New(codes.NotFound, "no such user"))
	if got, want := FormatStatus(s, plain), "ERROR:\n  Code: NotFound\n  Message: no such user\n"; got != want {
		t.Errorf("without details:\n got %q\nwant %q", got, want)
	}
}

// TestCodeNames: the specification's spelling, and a name for codes
// beyond the known ones.
func TestCodeNames(t *testing.T) {
	for c, want := range map[codes.Code]string{codes.OK: "OK", codes.Canceled: "CANCELLED", codes.DeadlineExceeded: "DEADLINE_EXCEEDED", codes.Unauthenticated: "UNAUTHENTICATED", 17: "CODE_17"} {
		if got := CodeName(c); got != want {
			t.Errorf("CodeName(%d) = %q, want %q", c, got, want)
		}
	}
}

// TestExitCodes: the exit code of each kind of error.
func TestExitCodes(t *testing.T) {
	s := dynamic.DecodeStatusWith(nil, status.New(codes.NotFound, "x"))
	for err, want := range map[error]int{
		nil:                          ExitOK,
		&RPCError{Status: s}:         ExitRPCBase + 5,
		usageErrorf("bad"):           ExitUsage,
		&dynamic.JSONError{Msg: "x"}: ExitUsage,
		dynamic.ErrTextDefaults:      ExitUsage,
		&dynamic.ConfigError{Err: errors.New("x")}: ExitUsage,
		status.Error(codes.Internal, ""):           ExitRuntime,
	} {
		if got := ExitCode(err); got != want {
			t.Errorf("ExitCode(%v) = %d, want %d", err, got, want)
		}
	}
}

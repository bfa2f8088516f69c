package dynamic_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// A lone surrogate escape is read as U+FFFD, as encoding/json and grpcurl
// read it; protojson alone refused it as "the JSON ends before the value
// is complete".
func TestParseJSONLoneSurrogate(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	md := d.(protoreflect.MessageDescriptor)
	tests := []struct{ in, want string }{
		{`{"fString": "\ud800"}`, "\ufffd"},
		{`{"fString": "a\udc00b"}`, "a\ufffdb"},
		{`{"fString": "\ud800\u0041"}`, "\ufffdA"},
		{`{"fString": "\ud83d\ude00"}`, "😀"},               // a pair stays a pair
		{`{"fString": "\\ud800"}`, `\ud800`},               // an escaped backslash, no escape
		{`{"fString": "x\"\ud800"}`, "x\"\ufffd"},          // after another escape
		{`{"tags": ["\udbff", "\udfff\ud800"]}`, "\ufffd"}, // several
	}
	for _, tt := range tests {
		msg, err := dynamic.ParseJSON(types, md, []byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		var got string
		if strings.Contains(tt.in, "tags") {
			got = msg.Get(md.Fields().ByName("tags")).List().Get(0).String()
		} else {
			got = msg.Get(md.Fields().ByName("f_string")).String()
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.in, got, tt.want)
		}
	}
	// Errors after a replaced escape keep their position.
	_, err := dynamic.ParseJSON(types, md, []byte(`{"fString": "\ud800", "fInt32": "x"}`))
	if err == nil || !strings.HasPrefix(err.Error(), "line 1:33: fInt32:") {
		t.Errorf("error after a lone surrogate: %v", err)
	}
}

// A UTF-8 byte-order mark before the JSON is skipped, by ParseJSON and by
// the stream that -d reads; it said "invalid character 'ï'".
func TestJSONByteOrderMarkIsSkipped(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	md := d.(protoreflect.MessageDescriptor)
	msg, err := dynamic.ParseJSON(types, md, []byte("\ufeff{\"fString\": \"x\"}"))
	if err != nil || msg.Get(md.Fields().ByName("f_string")).String() != "x" {
		t.Errorf("ParseJSON after a BOM: %v, %v", msg, err)
	}
	for _, in := range []string{"\ufeff{\"a\": 1}\n{\"b\": 2}", "\ufeff", "\xef\xbb", "{\"a\": 1}"} {
		s := dynamic.NewJSONStream(strings.NewReader(in))
		var got []string
		for {
			v, _, _, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				got = append(got, "ERR "+err.Error())
				break
			}
			got = append(got, string(v))
		}
		want := map[string]string{
			"\ufeff{\"a\": 1}\n{\"b\": 2}": `{"a": 1}|{"b": 2}`,
			"\ufeff":                       "",
			"\xef\xbb":                     "ERR line 1:1: invalid character 'ï' looking for beginning of value",
			"{\"a\": 1}":                   `{"a": 1}`,
		}[in]
		if strings.Join(got, "|") != want {
			t.Errorf("stream %q: got %q, want %q", in, strings.Join(got, "|"), want)
		}
	}
	// Positions after the mark count from the first character after it.
	s := dynamic.NewJSONStream(strings.NewReader("\ufeff{\"a\": }"))
	if _, _, _, err := s.Next(); err == nil || !strings.HasPrefix(err.Error(), "line 1:7: invalid character '}'") {
		t.Errorf("error after a BOM: %v", err)
	}
}

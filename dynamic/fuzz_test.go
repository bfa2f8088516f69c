package dynamic

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

// FuzzParseJSON: any request text gets a message or an error, never a
// panic, and an error's line:col lies inside the text.
func FuzzParseJSON(f *testing.F) {
	for _, seed := range []string{`{"a": 1}`, "{\n \"a\": [1, {\"b\": tru}]\n}", `{"a": "\u00e9`, `[]`, `{"a":{"b":{"c":[1,2,{"d":null}]}}`} {
		f.Add(seed)
	}
	types := NewTypes(nil)
	md := (&structpb.Struct{}).ProtoReflect().Descriptor()
	f.Fuzz(func(t *testing.T, text string) {
		_, err := ParseJSON(types, md, []byte(text))
		if je, ok := err.(*JSONError); ok && je.Line > 0 {
			if off := offsetOf([]byte(text), je.Line, je.Col); off > len(text) {
				t.Fatalf("error position %d:%d is past the end of %q", je.Line, je.Col, text)
			}
			_ = jsonPathAt([]byte(text), offsetOf([]byte(text), je.Line, je.Col))
		}
	})
}

// FuzzJSONStream: reading concatenated values never panics, and every
// position it reports lies inside the input.
func FuzzJSONStream(f *testing.F) {
	for _, seed := range []string{"{\"a\":1}\n{\"b\":\n2}", "{}{}[]", "\n\n {\"x\": \"é\"} {", `{"a": }`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		s := NewJSONStream(strings.NewReader(text))
		for i := 0; i < 1000; i++ {
			_, line, col, err := s.Next()
			if err != nil {
				if je, ok := err.(*JSONError); ok && (je.Line < 1 || je.Line > lines || je.Col < 1) {
					t.Fatalf("error at %d:%d in a %d-line input: %v", je.Line, je.Col, lines, err)
				}
				return
			}
			if line < 1 || line > lines || col < 1 {
				t.Fatalf("value at %d:%d in a %d-line input", line, col, lines)
			}
		}
	})
}

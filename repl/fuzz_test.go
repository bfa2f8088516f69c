package repl

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: no script text, however broken, makes the parser panic or
// loop; every error it returns has a position inside the text.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"call SayHello {\"name\": \"x\"}\n",
		"call Chat <<END\n{\"text\": \"a\"}\nEND\n",
		"header authorization: Bearer ${TOKEN:-x}\nset deadline 2s\n",
		"call Echo {\n \"a\": [1, {\"b\": \"}\"}]\n}\n",
		"connect 127.0.0.1:1 -plaintext -authority x\n# comment\nexit 3\n",
		"call X <<'E'\n${NOPE}\nE\n", "'unterminated\n", "call M {\"a\": \"\\u12\n",
		"grpcurl -plaintext -H \"k: $TOKEN\" \\\n -d '{\"a\":1}' h:1 m\n", "grpcurl -d @ h:1 m <<E\n{}\nE\n",
	} {
		f.Add(seed)
	}
	env := func(name string) (string, bool) {
		if name == "TOKEN" {
			return "t", true
		}
		return "", false
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		cmds, err := Parse(text, env)
		var syn *SyntaxError
		if errors.As(err, &syn) && (syn.Pos.Line < 0 || syn.Pos.Line > lines+1) {
			t.Fatalf("error at line %d of a %d-line text: %v", syn.Pos.Line, lines, err)
		}
		for _, c := range cmds {
			if c.Body != nil {
				for {
					if _, err := c.Body.Next(); err != nil {
						break
					}
				}
			}
		}
	})
}

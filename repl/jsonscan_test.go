package repl

import (
	"encoding/json"
	"testing"
)

// A script's JSON is the command language's as much as JSON: comments,
// ${VAR} outside strings, values that end at a line's end. encoding/json
// refuses each of these texts, which the script parser reads as one
// request — why repl keeps its own scanner (jsonscan.go).
func TestScriptJSONIsNotPlainJSON(t *testing.T) {
	env := func(name string) (string, bool) { return map[string]string{"N": "3"}[name], name == "N" }
	for _, tt := range []struct{ script, json string }{
		{"call M {\"a\": 1, # the first\n  \"b\": 2}\n", `{"a":1,"b":2}`},
		{"call M {\"n\": ${N}}\n", `{"n":3}`},
		{"call M <<END\n{\"n\": ${N}} # three\nEND\n", `{"n":3}`},
	} {
		var probe any
		if err := json.Unmarshal([]byte(tt.script[len("call M "):]), &probe); err == nil {
			t.Errorf("encoding/json reads %q: the scanner would not be needed for it", tt.script)
		}
		cmds, err := Parse(tt.script, env)
		if err != nil || len(cmds) != 1 {
			t.Fatalf("Parse(%q): %v, %d commands", tt.script, err, len(cmds))
		}
		req, err := cmds[0].Body.Next()
		if err != nil {
			t.Fatalf("%q: %v", tt.script, err)
		}
		var got any
		if err := json.Unmarshal(req.JSON, &got); err != nil {
			t.Errorf("%q: the request %q is not JSON: %v", tt.script, req.JSON, err)
		}
		compact, _ := json.Marshal(got)
		if string(compact) != tt.json {
			t.Errorf("%q: request %s, want %s", tt.script, compact, tt.json)
		}
	}
}

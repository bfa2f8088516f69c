package repl

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// In a script, explain takes -send, -write DIR and -force before METHOD.
func TestScriptExplainSendAndWrite(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	dir := filepath.Join(t.TempDir(), "proj")
	script := "explain -send SayHello {\"name\": \"s\"}\nexplain -write " + dir + " TestServer/GetRandom {\"id\": \"1\"}\nexplain -write " + dir + " TestServer/GetRandom\n"
	var out, errOut bytes.Buffer
	err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &out, Err: &errOut}, ScriptOptions{})
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "already has test.proto") {
		t.Errorf("the second -write into the same DIR: err = %v", err)
	}
	for _, want := range []string{"→ HEADERS stream 1", ":path: /helloworld.Greeter/SayHello", `"Hello s"`, "wrote test.proto, client.py"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "client.cc")); err != nil {
		t.Error(err)
	}
	for src, want := range map[string]string{
		"explain -bogus SayHello":      `line 1:9: unknown explain flag "-bogus": want -send, -write DIR or -force`,
		"explain -write":               "line 1:15: -write needs DIR",
		"explain -send":                "explain needs METHOD",
		"explain -force SayHello {}\n": "-force goes with -write DIR",
	} {
		err := RunScript(context.Background(), s, strings.NewReader(src), &Output{Out: &out, Err: &errOut}, ScriptOptions{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", src, err, want)
		}
	}
}

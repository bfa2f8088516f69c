package repl

import (
	"context"
	"os"
	"slices"
	"testing"
)

// TestCompleteLineSchemaFlagPaths: in the TUI's ":" bar, connect's -proto,
// -protoset and -import-path complete as paths, as the connection flags'
// files (-cacert) do; they are declared in SchemaFlags, not ConnFlags.
func TestCompleteLineSchemaFlagPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/api.proto", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir+"/protos", 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	x := &Executor{}
	for line, want := range map[string][]string{
		"connect -proto a":       {"api.proto"},
		"connect -protoset a":    {"api.proto"},
		"connect -import-path p": {"protos/"},
		"connect -cacert a":      {"api.proto"},
	} {
		got := x.CompleteLine(context.Background(), line).Items
		if !slices.Equal(got, want) {
			t.Errorf("%s<tab>: %q, want %q", line, got, want)
		}
	}
}

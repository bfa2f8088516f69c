package repl

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestCachedNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "grpcsh")
	fetches := 0
	fetch := func() (SchemaNames, error) {
		fetches++
		return SchemaNames{Services: []string{"a.S"}, Methods: []string{"a.S/M"}}, nil
	}
	key := CompleteCacheKey("127.0.0.1:1", nil)
	for i := 0; i < 2; i++ {
		n, err := CachedNames(dir, key, time.Minute, fetch)
		if err != nil || !slices.Equal(n.Methods, []string{"a.S/M"}) {
			t.Fatalf("CachedNames = %+v, %v", n, err)
		}
	}
	if fetches != 1 {
		t.Errorf("fetched %d times in the TTL, want 1", fetches)
	}
	path := filepath.Join(dir, "complete-"+key+".json")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file: %v, %v; want mode 0600", st, err)
	}
	if dst, _ := os.Stat(dir); dst.Mode().Perm() != 0o700 {
		t.Errorf("cache folder mode %v, want 0700", dst.Mode().Perm())
	}
	old := time.Now().Add(-2 * time.Minute)
	os.Chtimes(path, old, old)
	CachedNames(dir, key, time.Minute, fetch)
	if fetches != 2 {
		t.Errorf("an entry older than the TTL was used (fetches %d, want 2)", fetches)
	}
	// A failed fetch is not cached.
	key2 := CompleteCacheKey("127.0.0.1:2", nil)
	if _, err := CachedNames(dir, key2, time.Minute, func() (SchemaNames, error) { return SchemaNames{}, errors.New("down") }); err == nil {
		t.Error("the fetch's error was lost")
	}
	if _, err := os.Stat(filepath.Join(dir, "complete-"+key2+".json")); err == nil {
		t.Error("a failed fetch was cached")
	}
	// ...but remembered a few seconds: the second tab does not wait again.
	called := false
	if _, err := CachedNames(dir, key2, time.Minute, func() (SchemaNames, error) { called = true; return SchemaNames{}, nil }); err == nil || called {
		t.Errorf("right after a failure: fetched %v, err %v; want no fetch and an error", called, err)
	}
	failed := filepath.Join(dir, "complete-"+key2+".failed")
	os.Chtimes(failed, old, old)
	if n, err := CachedNames(dir, key2, time.Minute, fetch); err != nil || len(n.Methods) != 1 {
		t.Errorf("after the failure is old: %+v, %v", n, err)
	}
	if _, err := os.Stat(failed); err == nil {
		t.Error("the failure mark stays after a success")
	}
	// Another proto file, another key; an edited one too.
	f := filepath.Join(t.TempDir(), "a.proto")
	os.WriteFile(f, []byte("syntax = \"proto3\";"), 0o644)
	k1 := CompleteCacheKey("", []string{f})
	os.WriteFile(f, []byte("syntax = \"proto3\"; package x;"), 0o644)
	if k2 := CompleteCacheKey("", []string{f}); k1 == k2 || k1 == key {
		t.Error("the key ignores the files or their content")
	}
}

func TestFlagsOfDerivesValues(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	RegisterConnFlags(fs, nil)
	fs.String("format", "json", "output format: json or text")
	fs.String("d", "", "request JSON, @file, or @- for stdin")
	fs.String("import-path", "", "directory .proto imports are relative to")
	fs.Bool("v", false, "verbose")
	got := map[string]CompFlag{}
	for _, f := range FlagsOf(fs) {
		got[f.Name] = f
	}
	check := func(name string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("-%s: %+v", name, got[name])
		}
	}
	check("format", slices.Equal(got["format"].Values, []string{"json", "text"}))
	check("protocol", slices.Equal(got["protocol"].Values, []string{"grpc", "grpcweb", "connect"}))
	check("cacert", got["cacert"].Files && got["cacert"].Value)
	check("proxy", slices.Equal(got["proxy"].Values, []string{"none"}))
	check("d", got["d"].Value && !got["d"].Files)
	check("import-path", got["import-path"].Dirs)
	check("v", !got["v"].Value)
	check("plaintext", !got["plaintext"].Value)
}

// A short name completes to the short forms grpcsh takes (unambiguous
// ones only); a dotted prefix keeps to full names.
func TestSchemaCompletionShortNames(t *testing.T) {
	n := SchemaNames{Methods: []string{"helloworld.Greeter/SayHello", "showcase.Showcase/Echo", "other.Echoer/Echo"}, Messages: []string{"helloworld.HelloRequest"}}
	for _, tc := range []struct {
		verb, cur string
		want      []string
	}{
		{"call", "Say", []string{"SayHello"}},
		{"call", "Greeter/", []string{"Greeter/SayHello"}},
		{"call", "Ech", []string{"Echoer/Echo"}}, // Echo is two methods' name: only the unambiguous form
		{"call", "Show", []string{"Showcase/Echo"}},
		{"call", "helloworld.", []string{"helloworld.Greeter/SayHello"}},
		{"call", "", []string{"helloworld.Greeter/SayHello", "other.Echoer/Echo", "showcase.Showcase/Echo"}},
		{"template", "Hello", []string{"HelloRequest"}},
	} {
		if got := schemaCompletion(tc.verb, n, tc.cur).Items; !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: %q, want %q", tc.verb, tc.cur, got, tc.want)
		}
	}
}

package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
)

// bashComplete runs grpcsh's bash completion function in bash, as bash does
// on tab, with words as COMP_WORDS (the cursor on the last), and returns
// COMPREPLY.
func bashComplete(t *testing.T, env []string, words ...string) []string {
	t.Helper()
	return bashCompleteIn(t, "", env, words...)
}

// bashCompleteIn is bashComplete in the folder dir ("": the test's).
func bashCompleteIn(t *testing.T, dir string, env []string, words ...string) []string {
	t.Helper()
	bin := builtBinary(t)
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, shellQuote(w))
	}
	script := `source <(grpcsh completion bash) || exit 9
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_grpcsh
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Env = append(cmd.Env, env...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	var reply []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			reply = append(reply, l)
		}
	}
	return reply
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func wantReply(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("completion %q lacks %q", got, w)
		}
	}
}

func TestBashCompletion(t *testing.T) {
	cache := t.TempDir()
	env := []string{"XDG_CACHE_HOME=" + cache}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := demo.Start(lis, demo.Options{})
	t.Cleanup(func() { srv.Stop(time.Second) })
	target := srv.Target()
	host, port, _ := net.SplitHostPort(target)

	// Subcommands, flags and their values, from the one declaration.
	wantReply(t, bashComplete(t, env, "grpcsh", ""), "call", "describe", "list", "template", "explain", "test", "completion")
	if got := bashComplete(t, env, "grpcsh", "-prot"); !slices.Equal(got, []string{"-proto", "-proto-names", "-proto-out-dir", "-protocol", "-protoset", "-protoset-out"}) {
		t.Errorf("-prot completes to %q", got)
	}
	wantReply(t, bashComplete(t, env, "grpcsh", "-pla"), "-plaintext")
	if got := bashComplete(t, env, "grpcsh", "-format", ""); !slices.Equal(got, []string{"json", "text"}) {
		t.Errorf("-format completes to %q", got)
	}
	wantReply(t, bashComplete(t, env, "grpcsh", "-proxy", "n"), "none")
	if got := bashComplete(t, env, "grpcsh", "completion", ""); !slices.Equal(got, []string{"bash", "fish", "zsh"}) {
		t.Errorf("completion completes to %q", got)
	}
	dir := t.TempDir()
	for _, f := range []string{"api.proto", "api2.proto", "other.txt"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	if got := bashComplete(t, env, "grpcsh", "-cacert", dir+"/api"); !slices.Equal(got, []string{dir + "/api.proto", dir + "/api2.proto"}) {
		t.Errorf("-cacert completes to %q; want the files", got)
	}
	if got := bashComplete(t, env, "grpcsh", "-proto", dir+"/o"); !slices.Equal(got, []string{dir + "/other.txt"}) {
		t.Errorf("-proto completes to %q; want the file", got)
	}
	// -env: the environments of ./.grpcsh/env, and files.
	os.MkdirAll(filepath.Join(dir, ".grpcsh", "env"), 0o755)
	os.WriteFile(filepath.Join(dir, ".grpcsh", "env", "staging.env"), nil, 0o644)
	wantReply(t, bashCompleteIn(t, dir, env, "grpcsh", "-env", ""), "staging", "api.proto", "other.txt")

	// The target's methods, services and messages, by reflection.
	if got := bashComplete(t, env, "grpcsh", target, "call", "hel"); !slices.Equal(got, []string{"helloworld.Greeter/SayHello"}) {
		t.Errorf("call hel completes to %q", got)
	}
	// bash splits host:port at the colon: the pieces are joined again.
	wantReply(t, bashComplete(t, env, "grpcsh", host, ":", port, "-plaintext", "describe", "showcase."), "showcase.Showcase", "showcase.Showcase/Echo", "showcase.Everything")
	if got := bashComplete(t, env, "grpcsh", "list", "helloworld", target); len(got) != 0 {
		t.Errorf("a second argument of list completes to %q; want nothing", got)
	}
	wantReply(t, bashComplete(t, env, "grpcsh", target, "template", "helloworld.Hello"), "helloworld.HelloRequest", "helloworld.HelloReply")
	wantReply(t, bashComplete(t, env, "grpcsh", target, "list", "s"), "showcase.Showcase")
	wantReply(t, bashComplete(t, env, "grpcsh", target, "explain", "-plaintext", "showcase.Showcase/C"), "showcase.Showcase/Chat", "showcase.Showcase/Count")

	// The names are cached, user-only: with the server gone they still come.
	entries, _ := filepath.Glob(filepath.Join(cache, "grpcsh", "complete-*.json"))
	if len(entries) == 0 {
		t.Fatal("no cache file under XDG_CACHE_HOME/grpcsh")
	}
	for _, e := range entries {
		if st, err := os.Stat(e); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("cache file %s: mode %v, %v; want 0600", e, st.Mode().Perm(), err)
		}
	}
	srv.Stop(time.Second)
	if got := bashComplete(t, env, "grpcsh", target, "call", "hel"); !slices.Equal(got, []string{"helloworld.Greeter/SayHello"}) {
		t.Errorf("from the cache, call hel completes to %q", got)
	}

	// -proto files on the line, no server.
	protos, _ := filepath.Abs("../../protos")
	wantReply(t, bashComplete(t, env, "grpcsh", "-import-path", protos, "-proto", "hello.proto", "describe", "hel"), "helloworld.Greeter", "helloworld.HelloRequest")
}

// TestCompletionSlowServer: a server that accepts and never answers costs
// the bounded wait, then completion goes on without names (exit 0).
func TestCompletionSlowServer(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent
		}
	}()
	got := bashComplete(t, []string{"XDG_CACHE_HOME=" + t.TempDir()}, "grpcsh", lis.Addr().String(), "call", "")
	if len(got) != 0 {
		t.Errorf("a silent server completes to %q; want nothing", got)
	}
	r := grpcsh(t, "", "completion", "powershell")
	r.check(t, 2, "", "completion takes one of bash, zsh, fish")
}

// TestCompletionScriptsParse checks the zsh and fish scripts with the shells'
// own syntax checkers, when they are installed.
func TestCompletionScriptsParse(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but %s is not installed (.ci/run installs it)", sh)
			}
			t.Logf("%s is not installed: its script is not checked", sh)
			continue
		}
		f := filepath.Join(t.TempDir(), "grpcsh."+sh)
		os.WriteFile(f, []byte(completionScripts[sh]), 0o644)
		if out, err := exec.Command(path, "-n", f).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", sh, err, out)
		}
	}
}

// TestZshFishCompletion runs the zsh function (compadd and _files stood in
// for by functions that print) and fish's own `complete -C` on the demo.
func TestZshFishCompletion(t *testing.T) {
	bin := builtBinary(t)
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"), "XDG_CACHE_HOME="+t.TempDir())
	target := startTestDemo(t, demo.Options{})
	run := func(sh string, args ...string) string {
		path, err := exec.LookPath(sh)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but %s is not installed (.ci/run installs it)", sh)
			}
			t.Skipf("%s is not installed", sh)
		}
		cmd := exec.Command(path, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", sh, err, out)
		}
		return string(out)
	}
	zsh := run("zsh", "-f", "-c", `source <(grpcsh completion zsh)
compadd() { shift $(( ${@[(i)--]} )); print -l -- "$@"; }
_files() { print "_files $*"; }
words=(grpcsh `+target+` call hel); CURRENT=4; _grpcsh
words=(grpcsh -cacert x); CURRENT=3; _grpcsh`)
	if zsh != "helloworld.Greeter/SayHello\n_files \n" {
		t.Errorf("zsh completes to %q", zsh)
	}
	fish := run("fish", "-c", `grpcsh completion fish | source; complete -C "grpcsh `+target+` call hel"; complete -C "grpcsh -form"`)
	if fish != "helloworld.Greeter/SayHello\n-format\n" {
		t.Errorf("fish completes to %q", fish)
	}
}

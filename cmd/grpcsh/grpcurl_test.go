package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// grpcsh grpcurl ARGS... runs a grpcurl command line as the same call:
// its output and exit code are those of grpcsh's own one-shot.
func TestGrpcurlOneShot(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	pairs := []struct {
		stdin         string
		grpcurl, ours []string
	}{
		{"", []string{"-plaintext", "-d", `{"name":"a b"}`, "-H", "k: v", target, "helloworld.Greeter/SayHello"},
			[]string{"-plaintext", "-H", "k: v", target, "call", "helloworld.Greeter/SayHello", "-d", `{"name":"a b"}`}},
		{`{"value":1}{"value":41}`, []string{"-plaintext", "-d", "@", target, "showcase.Showcase/Sum"},
			[]string{target, "call", "showcase.Showcase/Sum", "-d", "@-"}},
		{"", []string{"-plaintext", target, "list"}, []string{target, "list"}},
		{"", []string{"-plaintext", target, "list", "helloworld.Greeter"}, []string{target, "list", "helloworld.Greeter"}},
		{"", []string{"-plaintext", target, "describe", "helloworld.Greeter"}, []string{target, "describe", "helloworld.Greeter"}},
		{"", []string{"-proto", "../../protos/hello.proto", "describe", "helloworld.HelloRequest"},
			[]string{"-proto", "../../protos/hello.proto", "describe", "helloworld.HelloRequest"}},
		{"", []string{"-plaintext", "-rpc-header", "x-only-rpc: 1", "-reflect-header", "x-only-refl: 2", target, "showcase.Showcase/Metadata"},
			[]string{"-rpc-header", "x-only-rpc: 1", "-reflect-header", "x-only-refl: 2", target, "call", "showcase.Showcase/Metadata"}},
	}
	for _, p := range pairs {
		got := grpcsh(t, p.stdin, append([]string{"grpcurl"}, p.grpcurl...)...)
		want := grpcsh(t, p.stdin, p.ours...)
		if got.stdout != want.stdout || got.code != want.code || got.code != 0 || got.stdout == "" {
			t.Errorf("grpcurl %q:\n got  %d %q %q\n want %d %q", p.grpcurl, got.code, got.stdout, got.stderr, want.code, want.stdout)
		}
	}
	// -msg-template: the message's template after it.
	r := grpcsh(t, "", "grpcurl", "-plaintext", "-msg-template", target, "describe", "helloworld.HelloRequest")
	r.check(t, 0, "*")
	if !strings.Contains(r.stdout, "message HelloRequest") || !strings.HasSuffix(r.stdout, "Message template:\n{\n  \"name\": \"\"\n}\n") {
		t.Errorf("msg-template: %q", r.stdout)
	}
	// A failed call: 64 + its code, the status and details on stderr.
	grpcsh(t, "", "grpcurl", "-plaintext", "-d", `{"code":5,"message":"gone"}`, target, "showcase.Showcase/Fail").
		check(t, 64+5, "", "Code: NotFound", "Message: gone", "showcase.FailureHint")
	// -max-time bounds the call.
	grpcsh(t, "", "grpcurl", "-plaintext", "-max-time", "0.2", "-d", `{"duration":"5s"}`, target, "showcase.Showcase/Sleep").
		check(t, 64+4, "", "DeadlineExceeded")
	// -expand-headers reads the environment.
	t.Setenv("GRPCSH_TEST_TOKEN", "tok")
	grpcsh(t, "", "grpcurl", "-plaintext", "-H", "authorization: ${GRPCSH_TEST_TOKEN}", "-expand-headers", target, "showcase.Showcase/Metadata").
		check(t, 0, "*")
	// Flags with no equivalent: exit 2, naming the flag and what to use.
	for args, want := range map[string]string{
		"-format text -d {} " + target + " m":    "-format text with -d: grpcsh reads requests as JSON only",
		"-alts " + target + " m":                 "grpcurl's -alts has no grpcsh equivalent: ALTS",
		"-protoset-out x.pb " + target + " list": "grpcurl's -protoset-out has no grpcsh equivalent: write the schema with grpcsh's describe: `grpcsh TARGET describe -protoset-out FILE`",
		"-use-reflection=false " + target + " m": "-use-reflection=false needs -proto or -protoset",
		"-vvv " + target + " m":                  "grpcurl has no flag -vvv; did you mean -vv?",
	} {
		grpcsh(t, "", append([]string{"grpcurl"}, strings.Fields(args)...)...).check(t, 2, "", "grpcsh grpcurl: "+want)
	}
	// -d @ with nothing on stdin sends the empty request, as grpcurl does.
	grpcsh(t, "", "grpcurl", "-plaintext", "-d", "@", target, "helloworld.Greeter/SayHello").check(t, 0, "{\"message\":\"Hello \"}\n")
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"-version"}, {"version"}} {
		r := grpcsh(t, "", args...)
		r.check(t, 0, "*")
		if !strings.HasPrefix(r.stdout, "grpcsh dev\n  module   github.com/grpcsh/grpcsh ") || !strings.Contains(r.stdout, "  go       go1.") {
			t.Errorf("%v: %q", args, r.stdout)
		}
	}
	// What go build stamps, printed as it is.
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/grpcsh/grpcsh", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "8dd231f9"}, {Key: "vcs.time", Value: "2026-12-02T15:01:17Z"}, {Key: "vcs.modified", Value: "true"}}}
	want := "grpcsh v1.2.3\n  module   github.com/grpcsh/grpcsh v1.2.3\n  commit   8dd231f9 (modified)\n  time     2026-12-02T15:01:17Z\n  go       go1.26.8\n"
	if got := formatVersion("v1.2.3", bi); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// go run: no VCS, no module version.
	bi = &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/grpcsh/grpcsh"}}
	if got := formatVersion("dev", bi); got != "grpcsh dev\n  module   github.com/grpcsh/grpcsh (devel)\n  go       go1.26.8\n" {
		t.Errorf("go run: %q", got)
	}
}

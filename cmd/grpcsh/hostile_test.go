package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/internal/hostile"
)

// Server-supplied escape sequences never reach stdout or stderr raw, in any
// command: they are shown escaped.
func TestHostileServerTextIsEscaped(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{EscapeInList: true})
	script := filepath.Join(t.TempDir(), "s.grpcsh")
	os.WriteFile(script, []byte("ls\nls hostile.Evil\ntemplate hostile.Req\ndesc hostile.Evil\ndesc hostile.Req\ndesc hostile.Mood\ncall Echo {}\nexplain Echo {}\nset verbose on\ncall Echo {}\ncall Fail {}\n"), 0o644)
	runs := map[string]result{
		"list":          grpcsh(t, "", addr, "list"),
		"list service":  grpcsh(t, "", addr, "list", hostile.Service),
		"describe":      grpcsh(t, "", addr, "describe", hostile.Service),
		"describe msg":  grpcsh(t, "", addr, "describe", hostile.RequestType),
		"describe enum": grpcsh(t, "", addr, "describe", hostile.EnumType),
		"template":      grpcsh(t, "", addr, "template", hostile.RequestType),
		"explain":       grpcsh(t, "", addr, "explain", "Echo", "-d", `{"text":"hi"}`),
		"call":          grpcsh(t, "", "-v", addr, "call", "Echo"),
		"fail":          grpcsh(t, "", "-v", addr, "call", "Fail"),
		"script":        grpcsh(t, "", "-keep-going", "-f", script, addr),
	}
	for name, r := range runs {
		if hostile.HasControl(r.stdout) || hostile.HasControl(r.stderr) {
			t.Errorf("%s: raw control characters reached the output:\nstdout: %q\nstderr: %q", name, r.stdout, r.stderr)
		}
	}
	// What was escaped is still shown, visibly.
	runs["describe"].check(t, 0, "*")
	if !strings.Contains(runs["describe"].stdout, `comment <\x1b]52;c;aGFja2Vk\x07`) {
		t.Errorf("describe does not show the comment escaped:\n%s", runs["describe"].stdout)
	}
	if !strings.Contains(runs["list"].stdout, `hostile.\x1b]0;pwned\x07Listed`) {
		t.Errorf("list does not show the name escaped:\n%s", runs["list"].stdout)
	}
	runs["fail"].check(t, 64+9, "", `Message: failed <\x1b]52;c;aGFja2Vk\x07`, `hostile.Detail {"note":"<\u001b]52;c;aGFja2Vk\u0007`,
		`type.googleapis.com/hostile.Unknown<\x1b]52;`, `x-hostile-trailer: <\u009b31m>`)
	runs["call"].check(t, 0, "*", "x-hostile: hostile", "x-hostile-bin: PBtdNTI7", `x-hostile-trailer: <\u009b31m>`)
	if !strings.Contains(runs["script"].stdout, `comment <\x1b]52;`) || !strings.Contains(runs["script"].stderr, `failed <\x1b]52;`) {
		t.Errorf("the script did not run to the end:\nstdout: %s\nstderr: %s", runs["script"].stdout, runs["script"].stderr)
	}
	// JSON escapes C1 controls (protojson leaves U+009B raw) in values and
	// in json_name'd keys.
	if !strings.Contains(runs["call"].stdout, `\u009b31m`) {
		t.Errorf("call output: %q, want U+009B escaped as \\u009b", runs["call"].stdout)
	}
}

// Ctrl-C ends a wait on a reflection that never answers at once, in a
// one-shot and in a script; -max-time and -connect-timeout bound it.
func TestSilentReflectionIsBoundedAndInterruptible(t *testing.T) {
	waiting := make(chan struct{}, 16)
	addr := hostile.Start(t, hostile.Options{SilentReflection: true, OnReflect: func() { waiting <- struct{}{} }})

	grpcsh(t, "", "-max-time", "0.3", addr, "list").check(t, 1, "", "server reflection on "+addr+" did not answer within 300ms (-max-time)", "-proto")
	<-waiting
	grpcsh(t, "", "-max-time", "0.3", addr, "call", "Echo", "-d", "{}").check(t, 1, "", "server reflection on "+addr+" did not answer within 300ms (-max-time)")
	<-waiting
	grpcsh(t, "", "-connect-timeout", "0.3", addr, "list").check(t, 1, "", "did not answer within 300ms (-connect-timeout)")
	<-waiting
	script := filepath.Join(t.TempDir(), "s.grpcsh")
	os.WriteFile(script, []byte("ls\n"), 0o644)

	for _, args := range [][]string{{addr, "list"}, {addr, "call", "Echo", "-d", "{}"}, {"-f", script, addr}} {
		cmd := exec.Command(binary, args...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		<-waiting // grpcsh waits on the reflection stream now
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(8 * time.Second): // a safety net below the 10s bound, not a measurement
			cmd.Process.Kill()
			<-done
			t.Fatalf("%v: Ctrl-C did not end the wait", args)
		}
		if !strings.Contains(errOut.String(), "interrupted") || cmd.ProcessState.ExitCode() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want a non-zero exit saying interrupted", args, cmd.ProcessState.ExitCode(), errOut.String())
		}
	}
}

package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ECollectionTmux saves a call from the form with alt+s in a real
// terminal (tmux), sees it listed, runs its file as a test with t, and
// checks the file on the disk runs with `grpcsh test`.
func TestE2ECollectionTmux(t *testing.T) {
	tmp := t.TempDir()
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	tm, bin := e2eShell(t, "coll", tmp, work, "XDG_STATE_HOME="+filepath.Join(tmp, "state"))
	tm.literal(bin + " --demo")
	tm.keys("Enter")
	tm.waitFor("the method tree", func(s string) bool { return strings.Contains(s, "SayHello") && strings.Contains(s, "Methods") }, 20*time.Second)

	tm.keys("/")
	tm.literal("sayhello")
	tm.keys("Enter")
	tm.waitFor("the filter", func(s string) bool { return strings.Contains(s, "/sayhello") }, 5*time.Second)
	tm.keys("Enter")
	tm.waitFor("the form", func(s string) bool { return strings.Contains(s, "helloworld.HelloRequest") }, 5*time.Second)
	tm.keys("Enter")
	tm.literal("Saved")
	tm.keys("Enter")
	tm.waitFor("the typed name", func(s string) bool { return strings.Contains(s, "#1 Saved") }, 5*time.Second)
	tm.keys("M-s")
	tm.waitFor("the save prompt", func(s string) bool {
		return strings.Contains(s, "name: SayHello") && strings.Contains(s, "file: requests.grpcsh")
	}, 5*time.Second)
	tm.keys("C-u")
	tm.literal("greet saved")
	tm.keys("Enter")
	tm.waitFor("the saved call listed", func(s string) bool {
		return strings.Contains(s, `saved "greet saved"`) && strings.Contains(s, "requests.grpcsh") && strings.Contains(s, "1 call")
	}, 10*time.Second)
	tm.keys("t")
	tm.waitFor("the test's PASS line", func(s string) bool { return strings.Contains(s, "PASS .grpcsh/requests.grpcsh") }, 20*time.Second)
	tm.keys("Escape")
	tm.waitFor("the overlay closed", func(s string) bool { return !strings.Contains(s, "Collection") }, 5*time.Second)
	// The form has the focus again: esc goes back to the methods, where q
	// quits (a moment apart, or the terminal reads alt+q).
	time.Sleep(300 * time.Millisecond)
	tm.keys("Escape")
	tm.waitFor("the methods focused", func(s string) bool { return strings.Contains(s, "q quit") || strings.Contains(s, "enter open form") }, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	tm.keys("q")
	tm.waitFor("the shell back", func(s string) bool { return lastLine(s) == "E2E$" && !strings.Contains(s, "Methods") }, 10*time.Second)

	data, err := os.ReadFile(filepath.Join(work, ".grpcsh", "requests.grpcsh"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "# greet saved\ncall helloworld.Greeter/SayHello {\"name\":\"Saved\"}\n" {
		t.Errorf("saved file:\n%s", data)
	}
	out, err := exec.Command(bin, "--demo", "test", filepath.Join(work, ".grpcsh")).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "PASS ") {
		t.Errorf("grpcsh --demo test on the saved collection: %v\n%s", err, out)
	}
}

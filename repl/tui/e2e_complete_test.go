package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ETmuxTabCompletes: in a real terminal, tab in the ":" bar
// completes a method from the server and lists several candidates.
func TestE2ETmuxTabCompletes(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil && os.Getenv("CI") != "" {
		t.Fatal("CI is set but tmux is not installed (.ci/run installs it)")
	}
	if _, err := exec.LookPath("tmux"); err != nil || testing.Short() {
		t.Skip("needs tmux, and no -short")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "grpcsh")
	build := exec.Command("go", "build", "-o", bin, "./cmd/grpcsh")
	build.Dir = moduleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tm := &tmux{t: t, sock: fmt.Sprintf("grpcsh-tab-%d", os.Getpid()), target: "tab"}
	t.Cleanup(tm.kill)
	tm.run("-f", "/dev/null", "new-session", "-d", "-s", "tab", "-x", "120", "-y", "40",
		"-e", "XDG_STATE_HOME="+filepath.Join(tmp, "state"), "-e", "TERM=xterm-256color", bin, "--demo")
	tm.socket = tm.format("#{socket_path}")
	tm.waitFor("the method tree", func(s string) bool { return strings.Contains(s, "SayHello") && strings.Contains(s, "Methods") }, 20*time.Second)

	tm.keys(":")
	tm.literal("call hel")
	tm.keys("Tab")
	tm.waitFor("the completed method", func(s string) bool { return strings.Contains(s, ":call helloworld.Greeter/SayHello") }, 10*time.Second)
	tm.literal(`{"name":"Tab"}`)
	tm.keys("Enter")
	tm.waitFor("the reply", func(s string) bool { return strings.Contains(s, "Hello Tab") }, 15*time.Second)

	tm.literal("call showcase.Showcase/")
	tm.keys("Tab")
	tm.waitFor("the candidates", func(s string) bool { return strings.Contains(s, "tab: Big  Chat  Count  Echo") }, 10*time.Second)
}

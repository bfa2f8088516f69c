package tui

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestCmdBarCandidatesEscaped: the : bar's tab candidates list file names
// of the working folder, which may hold control characters (a cloned
// repository's files): they are shown escaped, never raw to the terminal.
func TestCmdBarCandidatesEscaped(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"evil\x1b]0;pwned\x07.proto", "evil\x1b[31mred.proto"} {
		if err := os.WriteFile(dir+"/"+n, nil, 0o600); err != nil {
			t.Skipf("this file system refuses the name: %v", err)
		}
	}
	t.Chdir(dir)
	h := newHarness(t, 140, 40)
	h.waitServices()
	h.press(":")
	h.typeText("env ev")
	h.press("tab")
	h.waitFor("the candidates", func() bool { return len(h.m.cmd.cands) == 2 }, 10*time.Second)
	out := h.m.cmd.candidatesView(h.m.ui.st)
	if strings.ContainsAny(out, "\x07") || strings.Contains(out, "\x1b]") || strings.Contains(out, "\x1b[31m") {
		t.Errorf("the candidates reach the terminal raw: %q", out)
	}
	if !strings.Contains(out, "pwned") {
		t.Errorf("the candidates are not listed: %q", out)
	}
}

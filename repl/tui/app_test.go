package tui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"google.golang.org/grpc/codes"

	"github.com/grpcsh/grpcsh/repl/tui/form"
)

// fillFirst edits the form's first field: enter, text, enter.
func (h *harness) fillFirst(text string) {
	h.t.Helper()
	h.press("home", "enter") // g types on a text row
	if !h.m.form.Editing() {
		h.t.Fatalf("enter did not start editing the first field; screen:\n%s", h.screen())
	}
	h.typeText(text)
	h.press("enter")
}

func TestAppSayHello(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Ada")
	h.press("ctrl+s")
	h.waitCallDone()
	h.waitScreen(`"message": "Hello Ada"`)
	if c := h.m.call.code(); c != codes.OK {
		t.Fatalf("status %v, want OK", c)
	}
	scr := h.screen()
	for _, want := range []string{"✓ OK SayHello", "Response · helloworld.Greeter.SayHello"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	// Sections: headers carry content-type, status says OK, timing counts.
	h.press("2")
	h.waitScreen("content-type: application/grpc")
	h.press("4")
	h.waitScreen("OK (0)")
	h.press("5")
	h.waitScreen("requests sent     1")
	if h.m.quitting {
		t.Fatal("the app quit")
	}
}

func TestAppGetRandom(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.openMethod("TestServer.GetRandom", "getrandom")
	h.fillFirst("42")
	h.press("ctrl+s")
	h.waitCallDone()
	re := regexp.MustCompile(`"random": (\d+)`)
	h.waitFor("a random number", func() bool { return re.MatchString(h.screen()) }, 5*time.Second)
	n, _ := strconv.Atoi(re.FindStringSubmatch(h.screen())[1])
	if n < 10 || n > 20 {
		t.Fatalf("random = %d, want within 10..20", n)
	}
}

func TestAppInvalidFormIsNotSent(t *testing.T) {
	h := newHarness(t, 120, 40)
	// Count's count is an int32: type letters into it.
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("many")
	h.press("ctrl+s")
	if h.m.call != nil {
		t.Fatalf("a call started with an invalid form")
	}
	if !strings.Contains(h.m.flash, "not sent") || !strings.Contains(h.m.flash, "count") {
		t.Fatalf("flash = %q, want why the request was not sent", h.m.flash)
	}
	if !strings.Contains(h.screen(), "not sent: count") {
		t.Fatalf("screen does not say why:\n%s", h.screen())
	}
}

func TestAppServerStreamCount(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("25")
	h.press("ctrl+s")
	h.waitCallDone()
	c := h.m.call
	if c.code() != codes.OK || c.msgs.total != 25 {
		t.Fatalf("status %v, %d messages; want OK, 25", c.code(), c.msgs.total)
	}
	h.waitScreen("── #25")
	h.waitScreen("25 msgs")
	h.waitScreen(`"index": 25`)
}

func TestAppClientStreamSum(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Sum", "showcase sum")
	for _, v := range []string{"1", "2", "39"} {
		h.press("g", "enter", "ctrl+a", "ctrl+k") // edit, clear the text
		h.typeText(v)
		h.press("enter", "ctrl+s")
		want := v
		h.waitFor("message "+want+" sent", func() bool {
			return h.m.call != nil && h.m.call.sent == len(h.m.call.requests) && !h.m.call.sending && len(h.m.call.queue) == 0
		}, 10*time.Second)
		if h.m.focus != focusForm {
			t.Fatalf("focus left the form while composing a client stream")
		}
	}
	if h.m.call.sent != 3 {
		t.Fatalf("sent %d, want 3", h.m.call.sent)
	}
	h.waitScreen("3 sent")
	h.press("ctrl+x")
	h.waitCallDone()
	h.waitScreen(`"sum": "42"`)
	h.waitScreen(`"count": 3`)
}

func TestAppBidiChat(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Chat", "showcase chat")
	h.fillFirst("hi")
	h.press("ctrl+s")
	h.waitScreen("you said: hi")
	// The stream is still open: send another while responses keep coming.
	h.press("home", "enter", "ctrl+a", "ctrl+k") // g types on a text row
	h.typeText("again")
	h.press("enter", "ctrl+s")
	h.waitScreen("you said: again")
	if !h.m.call.running() {
		t.Fatal("the bidi stream ended before it was closed")
	}
	h.press("ctrl+x")
	h.waitCallDone()
	if c := h.m.call; c.code() != codes.OK || c.sent != 2 || c.msgs.total != 2 {
		t.Fatalf("status %v sent %d received %d; want OK 2 2", c.code(), c.sent, c.msgs.total)
	}
}

func TestAppCancelSlowCall(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.openMethod("showcase.Showcase.Sleep", "showcase sleep")
	h.fillFirst("10s")
	h.press("ctrl+s")
	h.waitFor("the call to be in flight", func() bool { return h.m.call != nil && h.m.call.phase == phaseHalfClosed }, 10*time.Second)
	h.waitScreen("esc cancel call")
	h.waitScreen("Sleep calling")
	// The Sleep takes 10s: CANCELLED (not OK) says ctrl+c ended it.
	h.press("ctrl+c")
	h.waitCallDone()
	if c := h.m.call.code(); c != codes.Canceled {
		t.Fatalf("status %v, want CANCELLED", c)
	}
	h.waitScreen("CANCELLED")
	if h.m.quitting {
		t.Fatal("ctrl+c on a running call quit the app")
	}
	// Now nothing runs: ctrl+c quits.
	h.press("ctrl+c")
	if !h.m.quitting {
		t.Fatal("ctrl+c with nothing running did not quit")
	}
}

func TestAppEscCancelsAndQWaits(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Sleep", "showcase sleep")
	h.fillFirst("10s")
	h.press("ctrl+s")
	h.waitFor("the call to be in flight", func() bool { return h.m.call != nil && h.m.call.phase == phaseHalfClosed }, 10*time.Second)
	h.press("q")
	if h.m.quitting {
		t.Fatal("q quit while a call was running")
	}
	h.press("esc")
	h.waitCallDone()
	if c := h.m.call.code(); c != codes.Canceled {
		t.Fatalf("status %v, want CANCELLED", c)
	}
	h.press("q")
	if !h.m.quitting {
		t.Fatal("q did not quit once idle")
	}
}

func TestAppDeadlineAndHeaders(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	// ctrl+o opens the editor: add a header and a 200ms deadline.
	h.press("ctrl+o", "a")
	h.typeText("x-team: blue")
	h.press("enter")
	h.press("a")
	h.typeText("authorization: Bearer s3cr3t-token")
	h.press("enter")
	h.press("up", "up", "up", "enter") // the deadline row is first
	h.typeText("200ms")
	h.press("enter")
	if got := h.m.s.Settings().Deadline; got != 200*time.Millisecond {
		t.Fatalf("deadline %v, want 200ms", got)
	}
	if got := h.m.s.Header().Get("x-team"); len(got) != 1 || got[0] != "blue" {
		t.Fatalf("x-team = %v", got)
	}
	scr := h.screen()
	if strings.Contains(scr, "s3cr3t") {
		t.Fatalf("the editor shows a secret:\n%s", scr)
	}
	h.press("esc")
	// Metadata echoes the headers; Sleep 10s hits the deadline.
	h.openMethod("showcase.Showcase.Metadata", "showcase metadata")
	h.press("ctrl+s")
	h.waitCallDone()
	h.waitScreen(`"x-team": "blue"`)
	h.openMethod("showcase.Showcase.Sleep", "showcase sleep")
	h.fillFirst("10s")
	h.press("ctrl+s")
	h.waitCallDone()
	if c := h.m.call.code(); c != codes.DeadlineExceeded {
		t.Fatalf("status %v, want DEADLINE_EXCEEDED", c)
	}
	// The history file has the header, redacted.
	h.m.store.wait(10 * time.Second) // the appends of the calls are written
	data, err := os.ReadFile(h.m.store.path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cr3t") {
		t.Fatalf("the history file holds a secret:\n%s", data)
	}
	if !strings.Contains(string(data), `"authorization":["Bearer <redacted>"]`) {
		t.Fatalf("the history file lacks the redacted header:\n%s", data)
	}
}

func TestAppFailDetails(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Fail", "showcase fail")
	h.fillFirst("5")
	h.press("ctrl+s")
	h.waitCallDone()
	if c := h.m.call.code(); c != codes.NotFound {
		t.Fatalf("status %v, want NOT_FOUND", c)
	}
	h.press("4")
	h.waitScreen("NOT_FOUND (5)")
	h.waitScreen("google.rpc.BadRequest")
	h.press("G")
	h.waitScreen("showcase.FailureHint")
}

func TestAppSaveAndCopy(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Bo")
	h.press("ctrl+s")
	h.waitCallDone()
	h.waitScreen("Hello Bo")
	path := t.TempDir() + "/reply.json"
	h.press("s")
	if !h.m.saving {
		t.Fatal("s did not open the save prompt")
	}
	h.press("ctrl+a", "ctrl+k")
	h.typeText(path)
	h.press("enter")
	h.waitFor("the file to be saved", func() bool { return strings.Contains(h.m.flash, "saved") }, 5*time.Second)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(data, &got); err != nil || got["message"] != "Hello Bo" {
		t.Fatalf("saved %q (%v)", data, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved with mode %v, want 0600", fi.Mode().Perm())
	}
	h.press("y")
	if !strings.Contains(h.m.flash, "copied") {
		t.Fatalf("y: flash %q", h.m.flash)
	}
}

func TestHistRerunAndEdit(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Cy")
	h.press("ctrl+s")
	h.waitCallDone()
	h.press("ctrl+r")
	h.waitScreen("History · 1 calls")
	h.waitScreen("helloworld.Greeter.SayHello")
	first := h.m.call
	h.press("enter") // re-run
	h.waitFor("a second call", func() bool { return h.m.call != first && h.m.call != nil && !h.m.call.running() }, 10*time.Second)
	h.waitScreen("Hello Cy")
	if len(h.m.hist.entries) != 2 {
		t.Fatalf("%d history entries, want 2", len(h.m.hist.entries))
	}
	// e loads the request into the form to edit.
	h.press("alt+1", "ctrl+r", "e")
	h.waitFor("the form", func() bool { return h.m.focus == focusForm }, 5*time.Second)
	if js := h.m.form.JSON(); !strings.Contains(js, `"Cy"`) {
		t.Fatalf("form JSON %q, want the request from history", js)
	}
	// The file is there, 0600, one JSON object per line.
	h.m.store.wait(10 * time.Second) // the appends of the calls are written
	fi, err := os.Stat(h.m.store.path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("history mode %v, want 0600", fi.Mode().Perm())
	}
	es, err := h.m.store.load()
	if err != nil || len(es) != 2 || es[0].Method != "helloworld.Greeter.SayHello" || es[0].Code != "OK" {
		t.Fatalf("history file: %+v %v", es, err)
	}
	// A new session reads it back.
	h2 := newHarness(t, 80, 24)
	h2.m.store.path = h.m.store.path
	h2.send(loadHistoryCmd(h2.m.store)())
	if len(h2.m.hist.entries) != 2 {
		t.Fatalf("a new session sees %d entries, want 2", len(h2.m.hist.entries))
	}
}

func TestCmdBar(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press(":")
	if !h.m.cmd.active {
		t.Fatal(": did not open the command bar")
	}
	h.typeText(`call helloworld.Greeter/SayHello {"name":"Cmd"}`)
	h.press("enter")
	h.waitFor("the command to finish", func() bool { return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "Hello Cmd") }, 10*time.Second)
	h.waitScreen("Hello Cmd")
	h.typeText("ls")
	h.press("enter")
	h.waitFor("ls", func() bool {
		return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "showcase.Showcase")
	}, 10*time.Second)
	h.typeText("nosuchcommand")
	h.press("enter")
	h.waitFor("an error", func() bool { return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "error:") }, 10*time.Second)
	h.press("esc")
	if h.m.cmd.active {
		t.Fatal("esc did not leave the command bar")
	}
}

func TestAppKeysDoNotClashWithForm(t *testing.T) {
	// The global keys must not be keys the form uses.
	used := map[string]bool{}
	for _, b := range form.AllBindings() {
		for _, k := range b.Keys() {
			used[k] = true
		}
	}
	// bubbles' text inputs use these ctrl keys while a field is edited.
	for _, k := range []string{"ctrl+a", "ctrl+b", "ctrl+d", "ctrl+e", "ctrl+f", "ctrl+g", "ctrl+h", "ctrl+k", "ctrl+n", "ctrl+p", "ctrl+t", "ctrl+u", "ctrl+v", "ctrl+w", "ctrl+m", "ctrl+j", "ctrl+i"} {
		used[k] = true
	}
	g := newKeyMap().Global
	for _, b := range []key.Binding{g.Send, g.CloseSend, g.Cancel, g.History, g.Metadata, g.FocusTree, g.FocusForm, g.FocusResp, g.FocusInfo, g.Learn, g.SaveCall, g.CopyAs} {
		for _, k := range b.Keys() {
			if used[k] {
				t.Errorf("global key %s is also a form or text-input key", k)
			}
		}
	}
}

// TestAppExplainTheRequest: L shows the seed's workflow for the request in
// the form, down to its bytes on the wire, and esc goes back to the form.
func TestAppExplainTheRequest(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("alt+e")
	if !strings.Contains(h.screen(), "pick a method first") {
		t.Fatalf("L without a method:\n%s", h.screen())
	}
	h.openMethod("TestServer.GetRandom", "getrandom")
	h.fillFirst("123")
	h.press("alt+e")
	scr := h.screen()
	for _, want := range []string{"Explain · TestServer/GetRandom", "1 contract │ 2 codegen │ 3 client │ 4 server │ 5 wire │ 6 grpcurl", "The contract: test.proto", "rpc GetRandom ( Request ) returns ( Response );"} {
		if !strings.Contains(scr, want) {
			t.Errorf("explain screen lacks %q:\n%s", want, scr)
		}
	}
	h.press("5") // the wire tab
	scr = h.screen()
	for _, want := range []string{"0a 03 31 32 33", `id (1) LEN: 3 bytes: "123"`} {
		if !strings.Contains(scr, want) {
			t.Errorf("the wire tab lacks %q:\n%s", want, scr)
		}
	}
	h.press("tab") // grpcurl
	scr = h.screen()
	for _, want := range []string{"grpcurl -plaintext -d '{\"id\":\"123\"}'", "TestServer/GetRandom"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the grpcurl tab lacks %q:\n%s", want, scr)
		}
	}
	h.press("esc")
	if h.m.topOverlay() != ovNone || !strings.Contains(h.screen(), "form ✓ valid") {
		t.Fatalf("esc did not go back to the form:\n%s", h.screen())
	}
	// An invalid request is not explained: the reason is shown instead.
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("x")
	h.press("alt+e")
	if h.m.topOverlay() == ovLearn || !strings.Contains(h.screen(), "fix the request first") {
		t.Fatalf("L on an invalid request:\n%s", h.screen())
	}
}

// TestCmdBarEnv: :env FILE switches the environment, the status bar
// names it, and ${VAR} in the next command reads it; :env -none drops it.
func TestCmdBarEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "staging.env")
	if err := os.WriteFile(file, []byte("WHO=staging\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press(":")
	h.typeText("env " + file)
	h.press("enter")
	h.waitFor("the env command", func() bool { return h.m.cmd.running == nil && h.m.s.EnvName() == file }, 10*time.Second)
	statusBar := func() string { lines := strings.Split(h.screen(), "\n"); return lines[len(lines)-1] }
	h.waitFor("the status bar to name the environment", func() bool { return strings.Contains(statusBar(), "env "+file) }, 10*time.Second)
	h.typeText(`call helloworld.Greeter/SayHello {"name":"${WHO}"}`)
	h.press("enter")
	h.waitFor("the call", func() bool { return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "Hello staging") }, 10*time.Second)
	h.typeText("env -none")
	h.press("enter")
	h.waitFor("env -none", func() bool { return h.m.cmd.running == nil && h.m.s.EnvName() == "" }, 10*time.Second)
	if strings.Contains(statusBar(), "env "+file) {
		t.Errorf("the status bar still names the environment:\n%s", statusBar())
	}
}

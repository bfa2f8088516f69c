package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// newCollHarness is an app on a session whose collection is dir.
func newCollHarness(t *testing.T, dir string, w, h int) *harness {
	return newCollHarnessOpts(t, repl.Options{Collection: dir}, w, h)
}

func newCollHarnessOpts(t *testing.T, opts repl.Options, w, h int) *harness {
	t.Helper()
	srv := startDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts.Conn = dynamic.ConnConfig{Target: srv.Target()}
	s, err := repl.NewSession(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, w, h)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCollectionSaveLoadAndTest: alt+s saves the form's call with the
// session's headers and deadline as script lines (secrets as ${VAR}), a
// name clash is refused without touching the file, the file runs as a
// test (t, and repl.RunTests as `grpcsh test` does), and enter loads the
// call back into the form, the headers and the deadline.
func TestCollectionSaveLoadAndTest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".grpcsh")
	t.Setenv("GRPCSH_T_TOKEN", "s3cr3t-token-123")
	t.Setenv("X_API_KEY", "from-the-environment")
	h := newCollHarness(t, dir, 120, 40)
	s := h.m.s
	s.SetHeader("authorization", "Bearer s3cr3t-token-123")
	s.SetHeader("x-api-key", "typed-secret-999")
	s.SetHeader("x-team", "blue green")
	st := s.Settings()
	st.Deadline = 5 * time.Second
	s.SetSettings(st)

	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Ada")
	h.press("alt+s")
	if h.m.topOverlay() != ovColl || h.m.coll.pending == nil {
		t.Fatalf("alt+s did not open the save prompt:\n%s", h.screen())
	}
	h.waitScreen("name: SayHello")
	// Once the (empty) folder is read, its wrapped message must leave the
	// prompt on the screen: the overlay is exactly its height.
	waitHandled[collLoadedMsg](h, 1)
	if n := strings.Count(h.m.coll.View(), "\n") + 1; n != h.m.coll.h || !strings.Contains(h.screen(), "name: SayHello") {
		t.Fatalf("the overlay is %d lines for %d:\n%s", n, h.m.coll.h, h.screen())
	}
	h.press("enter")
	file := filepath.Join(dir, "requests.grpcsh")
	waitHandled[collSavedMsg](h, 1)
	want := `# SayHello
header authorization: "Bearer ${GRPCSH_T_TOKEN}"
header x-api-key: ${X_API_KEY}
header x-team: blue green
set deadline 5s
call helloworld.Greeter/SayHello {"name":"Ada"}
`
	if got := readFile(t, file); got != want {
		t.Fatalf("saved file:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(h.m.flash, "x-api-key saved as ${X_API_KEY}") {
		t.Errorf("no warning about the secret saved as a variable: flash %q", h.m.flash)
	}

	// The same name again: refused, the file as it was, the prompt still
	// holding what was typed.
	h.press("esc") // close the overlay
	h.press("alt+s")
	h.waitScreen("name: SayHello")
	h.press("enter")
	waitHandled[collSavedMsg](h, 2)
	if !strings.Contains(h.m.coll.saveErr, `already has a call named "SayHello"`) || h.m.coll.pending == nil {
		t.Fatalf("a name clash was not refused: err %q\n%s", h.m.coll.saveErr, h.screen())
	}
	if got := readFile(t, file); got != want {
		t.Fatalf("a refused save changed the file:\n%s", got)
	}
	h.press("ctrl+u")
	h.typeText("hello again")
	h.press("enter")
	waitHandled[collSavedMsg](h, 3)
	got := readFile(t, file)
	if !strings.HasPrefix(got, want+"\n# hello again\n") || strings.Count(got, "set deadline") != 1 || strings.Contains(got, "s3cr3t") || strings.Contains(got, "typed-secret") {
		t.Fatalf("second save:\n%s", got)
	}
	waitHandled[collLoadedMsg](h, 4) // read on each opening and after each save
	if n := len(h.m.coll.files); n != 1 || len(h.m.coll.files[0].calls) != 2 || h.m.coll.files[0].calls[1].name != "hello again" {
		t.Fatalf("listing after saving: %+v", h.m.coll.files)
	}

	// The file is a test as it is.
	var out strings.Builder
	code := repl.RunTests(context.Background(), repl.TestOptions{Paths: []string{file}, Out: &out, NewSession: s.NewSessionLike})
	if code != 0 || !strings.HasPrefix(out.String(), "PASS "+file+"\n") {
		t.Fatalf("grpcsh test on the saved file: exit %d\n%s", code, out.String())
	}
	h.press("g", "t")
	waitHandled[collTestMsg](h, 1)
	h.waitScreen("PASS " + file)

	// enter on the first call loads it back.
	for k := range s.Header() {
		s.DelHeader(k)
	}
	s.SetHeader("x-other", "gone after loading")
	st.Deadline = 0
	s.SetSettings(st)
	h.press("g", "down", "enter")
	waitHandled[collResolvedMsg](h, 1)
	if h.m.topOverlay() != ovNone || h.m.focus != focusForm {
		t.Fatalf("after loading: overlay %v focus %v", h.m.topOverlay(), h.m.focus)
	}
	if got := h.m.form.JSON(); got != "{\n  \"name\": \"Ada\"\n}" {
		t.Errorf("form after loading: %q", got)
	}
	md := s.Header()
	if a := md.Get("authorization"); len(a) != 1 || a[0] != "Bearer s3cr3t-token-123" {
		t.Errorf("authorization after loading: %v", a)
	}
	if k := md.Get("x-api-key"); len(k) != 1 || k[0] != "from-the-environment" {
		t.Errorf("x-api-key after loading: %v", k)
	}
	if len(md.Get("x-other")) != 0 || s.Settings().Deadline != 5*time.Second {
		t.Errorf("after loading: headers %v, deadline %v", md, s.Settings().Deadline)
	}
	h.press("ctrl+s")
	h.waitCallDone()
	if c := h.m.call.code(); c != 0 {
		t.Fatalf("the loaded call: %v", c)
	}
}

// TestCollectionSaveFromHistory: w in the history saves an entry; its
// secret headers, redacted in the history file, are written as ${VAR}.
func TestCollectionSaveFromHistory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "coll")
	h := newCollHarness(t, dir, 120, 40)
	h.m.s.SetHeader("authorization", "Bearer not-on-disk-42")
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("2")
	h.press("ctrl+s")
	h.waitCallDone()
	waitHandled[historyLoadedMsg](h, 1)
	h.press("ctrl+r", "w")
	if h.m.topOverlay() != ovColl || h.m.coll.pending == nil {
		t.Fatalf("w did not open the save prompt:\n%s", h.screen())
	}
	h.press("tab", "ctrl+u")
	h.typeText("streams/count")
	h.press("tab", "ctrl+u")
	h.typeText("two ticks")
	h.press("enter")
	waitHandled[collSavedMsg](h, 1)
	got := readFile(t, filepath.Join(dir, "streams", "count.grpcsh"))
	want := "# two ticks\nheader authorization: Bearer ${AUTHORIZATION}\ncall showcase.Showcase/Count {\"count\":2}\n"
	if got != want {
		t.Fatalf("saved from history:\n%s\nwant:\n%s", got, want)
	}
}

// TestCollectionBadInput: a file outside the collection and a file that
// does not parse are clear errors; nothing is written.
func TestCollectionBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.grpcsh"), []byte("call helloworld.Greeter/SayHello {\"name\": \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newCollHarness(t, dir, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("alt+s")
	waitHandled[collLoadedMsg](h, 1)
	h.press("tab", "ctrl+u")
	h.typeText("../outside")
	h.press("enter", "enter")
	if !strings.Contains(h.m.coll.saveErr, "outside the collection") {
		t.Errorf("../outside: %q", h.m.coll.saveErr)
	}
	h.press("ctrl+u")
	h.typeText("broken")
	h.press("tab", "enter")
	waitHandled[collSavedMsg](h, 1)
	if !strings.Contains(h.m.coll.saveErr, "broken.grpcsh cannot be added to") {
		t.Errorf("broken file: %q", h.m.coll.saveErr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "outside.grpcsh")); err == nil {
		t.Error("a file was written outside the collection")
	}
	h.press("esc", "g", "enter")
	if !strings.Contains(h.m.flash, "broken.grpcsh") {
		t.Errorf("enter on a broken file: flash %q", h.m.flash)
	}
}

// TestCollectionGolden is the overlay on a collection with two files.
func TestCollectionGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newCollHarness(t, filepath.Join("testdata", "collection"), sz.w, sz.h)
			h.waitServices()
			h.press("C")
			waitHandled[collLoadedMsg](h, 1)
			h.press("down", "down")
			h.stable()
			scr := h.screen()
			if !strings.Contains(scr, "login.grpcsh") || !strings.Contains(scr, "Count three") {
				t.Errorf("collection view:\n%s", scr)
			}
			golden.RequireEqual(t, scr)
		})
	}
}

// TestRenderCallReadsBack: what renderCall writes, the lexer reads back
// as the same headers and request: quotes, backslashes, dollars and
// ${NAME} references (kept as references) included.
func TestRenderCallReadsBack(t *testing.T) {
	sc := savedCall{
		method:   "showcase.Showcase/Echo",
		requests: []string{`{"fString":"a ${not a var} \"q\""}`},
		state: callState{header: map[string][]string{
			"x-odd":         {`say "hi" \ $5  two  spaces`, "second # not a comment"},
			"x-ref":         {"id-${req_id}"},
			"authorization": {"Bearer ${token}"},
		}},
	}
	text, warns := renderCall("odd one", sc, callState{header: map[string][]string{"x-old": {"1"}}}, nil)
	if len(warns) != 0 {
		t.Errorf("warnings for references kept: %v", warns)
	}
	lookup := func(name string) (string, bool) { return "${" + name + "}", true }
	cmds, err := repl.Parse(text, lookup)
	if err != nil {
		t.Fatalf("%v in:\n%s", err, text)
	}
	calls, end := fileCalls(cmds, strings.Split(text, "\n"), nil)
	if len(calls) != 1 || calls[0].name != "odd one" || string(calls[0].requests[0]) != sc.requests[0] {
		t.Fatalf("read back %+v from:\n%s", calls, text)
	}
	for k, vs := range sc.state.header {
		if got := end.header[k]; strings.Join(got, "|") != strings.Join(vs, "|") {
			t.Errorf("%s read back as %q, want %q, from:\n%s", k, got, vs, text)
		}
	}
	if _, ok := end.header["x-old"]; ok {
		t.Errorf("x-old, not in the call, was not deleted:\n%s", text)
	}
}

// TestCollectionRunsFailingFile: t on a file shows its FAIL line with
// file:line: why, the file's name escaped, and the UI goes on meanwhile.
func TestCollectionRunsFailingFile(t *testing.T) {
	dir := t.TempDir()
	name := "bad\x1b[2Jname.grpcsh"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("# hello\ncall helloworld.Greeter/SayHello {\"name\": \"x\"}\nexpect .message == \"nope\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newCollHarness(t, dir, 120, 40)
	h.waitServices()
	h.press("C")
	waitHandled[collLoadedMsg](h, 1)
	h.press("t")
	if h.m.coll.testing == "" || !strings.Contains(h.screen(), "running") {
		t.Fatalf("t did not start the run:\n%s", h.screen())
	}
	h.press("down") // keys still work while it runs
	if h.m.coll.cursor != 1 {
		t.Errorf("cursor %d after down while the test runs", h.m.coll.cursor)
	}
	waitHandled[collTestMsg](h, 1)
	scr := h.screen()
	if !strings.Contains(scr, `FAIL `) || !strings.Contains(scr, `name.grpcsh:3: expect .message == "nope"`) {
		t.Errorf("no FAIL line:\n%s", scr)
	}
	if len(h.m.coll.testOut) == 0 || !strings.HasSuffix(h.m.coll.testOut[0], `:3: expect .message == "nope": got .message = "Hello x"`) {
		t.Errorf("test output %q", h.m.coll.testOut)
	}
	if strings.ContainsRune(h.m.View().Content, 0x1b) && strings.Contains(h.m.View().Content, "\x1b[2J") {
		t.Errorf("the file name reached the screen raw")
	}
}

// TestCollectionKeyIsTextInTheForm: C typed on the form's text row is the
// first letter of a value, not the collection.
func TestCollectionKeyIsTextInTheForm(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("home")
	h.typeText("Carl")
	h.press("enter")
	if h.m.topOverlay() != ovNone || h.m.form.JSON() != "{\n  \"name\": \"Carl\"\n}" {
		t.Fatalf("overlay %v, form %q", h.m.topOverlay(), h.m.form.JSON())
	}
	h.press("esc")
	h.press("C")
	if h.m.topOverlay() != ovColl {
		t.Fatalf("C on the tree did not open the collection")
	}
}

// TestCollectionFlagHeaders: the -H headers every session starts with are
// where a file's header lines start from: saving does not write them, a
// file that deletes one is read as deleting it, and loading keeps them.
func TestCollectionFlagHeaders(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.grpcsh"), []byte("# without\nheader -d x-flag\ncall helloworld.Greeter/SayHello {\"name\": \"no flag\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newCollHarnessOpts(t, repl.Options{Collection: dir, Header: map[string][]string{"x-flag": {"from -H"}}}, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Flag")
	h.press("alt+s")
	waitHandled[collLoadedMsg](h, 1)
	h.press("tab", "ctrl+u")
	h.typeText("b")
	h.press("tab", "enter")
	waitHandled[collSavedMsg](h, 1)
	if got := readFile(t, filepath.Join(dir, "b.grpcsh")); got != "# SayHello\ncall helloworld.Greeter/SayHello {\"name\":\"Flag\"}\n" {
		t.Fatalf("saved with a -H header:\n%s", got)
	}
	waitHandled[collLoadedMsg](h, 2)
	f := h.m.coll.files[0]
	if f.rel != "a.grpcsh" || len(f.calls) != 1 || len(f.calls[0].state.header) != 0 {
		t.Fatalf("a.grpcsh read as %+v", f)
	}
	h.press("g", "down", "down", "down", "enter") // b.grpcsh's call
	waitHandled[collResolvedMsg](h, 1)
	if got := h.m.s.Header().Get("x-flag"); len(got) != 1 || got[0] != "from -H" {
		t.Errorf("x-flag after loading b's call: %v", got)
	}
}

// A header still holding a ${NAME} (a collection call whose file binds it
// with let) is not sent as text: the call is refused, saying which header,
// and the form keeps what was typed.
func TestSendRefusesUnsetHeaderRef(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.m.s.SetHeader("authorization", "Bearer ${token}")
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("home")
	h.typeText("ada")
	h.press("enter", "ctrl+s")
	if h.m.call != nil {
		t.Fatalf("a call started with an unset ${token} in a header")
	}
	if !strings.Contains(h.m.flash, "not sent: header authorization still holds a ${NAME}") {
		t.Fatalf("flash %q", h.m.flash)
	}
	if got := h.m.form.JSON(); !strings.Contains(got, `"ada"`) {
		t.Fatalf("the form lost its value: %q", got)
	}
	h.m.s.SetHeader("authorization", "Bearer abc")
	h.press("ctrl+s")
	h.waitCallDone()
	if h.m.call == nil || h.m.call.code() != 0 {
		t.Fatalf("with the header set the call did not go: %+v", h.m.call)
	}
}

// TestCollectionTestStops: t again stops a file's run (a slow server must
// not hold up the collection): the run ends at once as cancelled, failed.
func TestCollectionTestStops(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "slow.grpcsh"), []byte("call showcase.Showcase/Sleep {\"duration\": \"60s\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newCollHarness(t, dir, 120, 40)
	h.waitServices()
	h.press("C")
	waitHandled[collLoadedMsg](h, 1)
	h.press("t")
	if h.m.coll.testing == "" || !strings.Contains(h.screen(), "t stops it") {
		t.Fatalf("t did not start the run:\n%s", h.screen())
	}
	start := time.Now()
	h.press("t")
	waitHandled[collTestMsg](h, 1)
	if h.m.coll.testing != "" || h.m.coll.testPassed {
		t.Fatalf("after t again: testing %q, passed %v", h.m.coll.testing, h.m.coll.testPassed)
	}
	if el := time.Since(start); el > 50*time.Second {
		t.Fatalf("the run was not stopped: it took %s", el)
	}
	if !strings.Contains(strings.Join(h.m.coll.testOut, "\n"), "FAIL") {
		t.Errorf("no FAIL line for the stopped run: %q", h.m.coll.testOut)
	}
}

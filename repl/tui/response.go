package tui

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"google.golang.org/grpc/metadata"

	"google.golang.org/protobuf/proto"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// respTab is a section of the response viewer.
type respTab int

const (
	tabBody respTab = iota
	tabHeaders
	tabTrailers
	tabStatus
	tabTiming
	numTabs
)

var tabNames = [numTabs]string{"Body", "Headers", "Trailers", "Status", "Timing"}

// responseModel shows the current call: a tab bar, a one-line summary
// (spinner and elapsed time while running; count and rate of a stream;
// final status and latency) and the selected section in a docView, which
// costs what is on screen however big the response (docview.go).
type responseModel struct {
	ui     *uiCtx
	keys   respKeys
	dv     docView
	tab    respTab
	follow bool // keep the newest stream message in view
	reveal bool // secret header values are shown (v), for this call only
	dirty  bool // the section must be looked at again
	header int  // lines above the document
	w, h   int

	body     *bodyDoc // the Body tab of call shown
	folds    *foldDoc // body, with the blocks folded (z)
	bodyCall *call
	shownTab respTab // the tab of the document in view
}

func newResponse(keys respKeys) responseModel {
	return responseModel{keys: keys, follow: true, dirty: true, header: 2}
}

func (r *responseModel) setSize(w, h int) {
	r.w, r.h = w, h
	r.dv.setSize(max(w, 1), max(h-r.header, 1))
	r.dirty = true
}

// setHeader sets how many lines the tabs and summary take (3 with a stream
// line), so that the document gets the rest.
func (r *responseModel) setHeader(n int) {
	if n != r.header {
		r.header = n
		r.setSize(r.w, r.h)
	}
}

// reset prepares for a new call.
func (r *responseModel) reset() {
	r.tab = tabBody
	r.follow = true
	r.reveal = false
	r.dirty = true
	r.body, r.folds, r.bodyCall = nil, nil, nil
	r.dv.setDoc(nil, true)
}

// follows says the Body tab of a server stream is following its tail
// (a unary response is never followed: it opens at its top).
func (r *responseModel) follows() bool {
	return r.follow && r.tab == tabBody && r.bodyCall != nil && r.bodyCall.method.IsStreamingServer()
}

// typing says the search input has the keys.
func (r *responseModel) typing() bool { return r.dv.typing() }

// searching says esc belongs to the search (it clears it).
func (r *responseModel) searching() bool { return r.dv.searching() }

// Update handles a key on the response of the current call (Component).
func (r *responseModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	kmsg, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if r.dv.typing() {
			return r, r.dv.searchInput(msg) // a paste into the query
		}
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			switch w.Button {
			case tea.MouseWheelUp:
				r.dv.up(3)
				r.follow = false
			case tea.MouseWheelDown:
				r.dv.down(3)
				r.follow = r.dv.atBottom()
			}
		}
		return r, nil
	}
	if ok, cmd := r.dv.searchKey(kmsg, r.keys.Find); ok {
		// The search bar takes a row: a followed stream stays at its tail,
		// unless a match came on screen (refresh stops following then).
		if r.follows() && !r.dv.jumped {
			r.dv.gotoBottom()
		}
		return r, cmd
	}
	k := r.keys
	v := &r.dv
	switch {
	case key.Matches(kmsg, k.Up):
		v.up(1)
		r.follow = false
	case key.Matches(kmsg, k.Down):
		v.down(1)
		r.follow = v.atBottom()
	case key.Matches(kmsg, k.PageUp):
		v.pageUp()
		r.follow = false
	case key.Matches(kmsg, k.PageDown):
		v.pageDown()
		r.follow = v.atBottom()
	case key.Matches(kmsg, k.Top):
		v.gotoTop()
		r.follow = false
	case key.Matches(kmsg, k.Bottom):
		v.gotoBottom()
		r.follow = true
	case key.Matches(kmsg, k.Follow):
		r.follow = !r.follow
		if r.follow {
			v.gotoBottom()
		}
	case key.Matches(kmsg, k.Wrap):
		v.toggleWrap()
	case key.Matches(kmsg, k.Fold):
		return r, r.toggleFold()
	case key.Matches(kmsg, k.Unfold):
		return r, r.unfoldAll()
	case key.Matches(kmsg, k.Left):
		v.sideways(-1)
	case key.Matches(kmsg, k.Right):
		v.sideways(1)
	case key.Matches(kmsg, k.NextTab):
		r.setTab((r.tab + 1) % numTabs)
	case key.Matches(kmsg, k.PrevTab):
		r.setTab((r.tab + numTabs - 1) % numTabs)
	case key.Matches(kmsg, k.Tabs):
		r.setTab(respTab(kmsg.Text[0] - '1'))
	case key.Matches(kmsg, k.Reveal):
		r.reveal = !r.reveal
		r.dirty = true
	}
	return r, nil
}

func (r *responseModel) setTab(t respTab) {
	if t == r.tab {
		return
	}
	r.tab = t
	r.dirty = true
	r.follow = t == tabBody && isStream(r.bodyCall)
}

// refresh brings the section up to date when the call changed: the Body
// tab indexes the messages that arrived (not the whole response again);
// other tabs are small and are rebuilt. A search goes on over what came.
func (r *responseModel) refresh(c *call, s *repl.Session, st Styles, loc *time.Location) tea.Cmd {
	if r.dv.jumped {
		// A match came on screen (maybe in a search step): it stays there.
		r.dv.jumped = false
		r.follow = false
	}
	if !r.dirty {
		return nil
	}
	r.dirty = false
	if c == nil {
		r.dv.setDoc(nil, r.dv.doc != nil)
		return nil
	}
	if isStream(c) {
		r.setHeader(3)
	} else {
		r.setHeader(2)
	}
	fresh := r.shownTab != r.tab || (r.tab == tabBody && r.bodyCall != c)
	r.shownTab = r.tab
	switch r.tab {
	case tabBody:
		if r.bodyCall != c {
			var header func(int) string
			if c.method.IsStreamingServer() {
				header = func(i int) string {
					at, _, _ := c.msgs.get(i)
					return fmt.Sprintf("── #%d · +%s ──", i+1, fmtDur(at))
				}
			}
			r.body = newBodyDoc(&c.msgs, header, s.Settings().Format != "text")
			r.folds = &foldDoc{base: r.body}
			r.bodyCall = c
		}
		r.body.head, r.body.tail = bodyNotes(c, s, st)
		r.body.sync()
		r.dv.setDoc(r.folds, fresh)
		if fresh {
			r.dv.find.restart()
		}
	case tabHeaders:
		r.dv.setDoc(newStaticDoc(mdText(c.respHeader, c.gotHeader, "no response headers yet", r.reveal, st)), fresh)
	case tabTrailers:
		text := st.Dim.Render("trailers arrive when the call ends")
		if !c.running() {
			text = mdText(c.trailer, true, "", r.reveal, st)
		}
		r.dv.setDoc(newStaticDoc(text), fresh)
	case tabStatus:
		r.dv.setDoc(newStaticDoc(statusText(c, s, st)), fresh)
	case tabTiming:
		r.dv.setDoc(newStaticDoc(timingText(c, st, loc)), fresh)
	}
	if r.tab != tabBody {
		// A rebuilt section is searched again, from its top.
		r.dv.find.restart()
	}
	// Streams follow their tail until the user scrolls up; a unary
	// response opens at its top.
	if r.follow && r.tab == tabBody && c.method.IsStreamingServer() {
		r.dv.gotoBottom()
	}
	return r.dv.searchMore()
}

// toggleFold folds or unfolds the block at the top line of the Body tab
// (z); a search goes on over what is shown.
func (r *responseModel) toggleFold() tea.Cmd {
	if r.tab != tabBody || r.folds == nil || r.dv.doc == nil {
		return nil
	}
	top, ok := r.folds.toggle(r.dv.top)
	if !ok {
		return nil
	}
	r.follow = false
	r.dv.top, r.dv.row = top, 0
	r.dv.clamp()
	r.dv.find.restart()
	r.dv.find.jumped = true
	return r.dv.searchMore()
}

// unfoldAll shows every block again (Z), the top line staying on top.
func (r *responseModel) unfoldAll() tea.Cmd {
	if r.folds == nil || len(r.folds.folds) == 0 || r.tab != tabBody {
		return nil
	}
	top := r.folds.toBase(r.dv.top)
	r.folds.folds = nil
	r.dv.top, r.dv.row = top, 0
	r.dv.clamp()
	r.dv.find.restart()
	r.dv.find.jumped = true
	return r.dv.searchMore()
}

// bodyNotes are the Body tab's lines around the messages: the messages
// no longer kept, "waiting…", the status of a failed call.
func bodyNotes(c *call, s *repl.Session, st Styles) (head, tail []docLine) {
	dim := func(t string) docLine { return docLine{text: t, kind: lineDim} }
	if c.msgs.total == 0 {
		switch {
		case c.running() && c.method.IsStreamingServer():
			tail = append(tail, dim("waiting for messages…"))
		case c.running():
			tail = append(tail, dim("waiting for the response…"))
		}
	}
	if d := c.msgs.dropped(); d > 0 {
		tail = append(tail, dim(dynamic.SafeLine(fmt.Sprintf("… %d later messages not kept: %v", d, c.msgs.err))))
	}
	if !c.running() && c.code() != 0 {
		if c.msgs.n > 0 || len(head) > 0 {
			tail = append(tail, docLine{})
		}
		tail = append(tail, newStaticDoc(statusText(c, s, st))...)
	}
	return head, tail
}

// mdText lists headers or trailers, server text escaped, and the values
// of secret-looking keys redacted (dynamic.Redact, the rule -v and the
// history use) unless reveal: then a line says they are shown.
func mdText(md metadata.MD, have bool, empty string, reveal bool, st Styles) string {
	if !have {
		return st.Dim.Render(empty)
	}
	if len(md) == 0 {
		return st.Dim.Render("(none)")
	}
	var b strings.Builder
	secrets := 0
	for _, kv := range repl.MDLines(md, !reveal) {
		if dynamic.IsSecretKey(kv[0]) {
			secrets++
		}
		b.WriteString(st.Key.Render(dynamic.SafeLine(kv[0])) + ": " + st.Value.Render(dynamic.SafeLine(kv[1])) + "\n")
	}
	switch {
	case secrets > 0 && reveal:
		b.WriteString(st.Warn.Render("secrets shown · v hides them") + "\n")
	case secrets > 0:
		b.WriteString(st.Dim.Render(fmt.Sprintf("%d secret value%s redacted · v shows", secrets, plural(secrets))) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// statusText is the code, message and each detail, decoded, or as its
// type URL and base64 bytes when its type is unknown.
func statusText(c *call, s *repl.Session, st Styles) string {
	if c.running() {
		return st.Dim.Render("the call is still running")
	}
	code := c.code()
	var b strings.Builder
	mark := st.OK.Render("✓")
	if code != 0 {
		mark = st.Err.Render("✗")
	}
	fmt.Fprintf(&b, "%s %s (%d)\n", mark, st.Key.Render(repl.CodeName(code)), int(code))
	if c.status != nil && c.status.Status != nil && c.status.Message() != "" {
		b.WriteString(wrap(dynamic.SafeText(c.status.Message()), max(60, 1)) + "\n")
	}
	if c.sendErr != nil && code != 0 {
		b.WriteString(st.Dim.Render("sending: "+dynamic.SafeLine(c.sendErr.Error())) + "\n")
	}
	if c.status != nil && len(c.status.Details) > 0 {
		fmt.Fprintf(&b, "\n%s\n", st.Service.Render(fmt.Sprintf("Details (%d)", len(c.status.Details))))
		f := s.Formatter(true)
		for i, d := range c.status.Details {
			if d.Message == nil {
				fmt.Fprintf(&b, "%d) %s %s\n   base64: %s\n", i+1, st.Type.Render(dynamic.SafeLine(d.TypeURL)), st.Dim.Render("(unknown type)"), base64Text(d.Value))
				continue
			}
			text, err := formatMessage(f, d.Message)
			if err != nil {
				text = "<" + dynamic.SafeLine(err.Error()) + ">"
			} else if st.colorJSON {
				text = repl.ColorJSON(text)
			}
			fmt.Fprintf(&b, "%d) %s\n%s\n", i+1, st.Type.Render(dynamic.SafeLine(string(d.Message.ProtoReflect().Descriptor().FullName()))), text)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func timingText(c *call, st Styles, loc *time.Location) string {
	var b strings.Builder
	row := func(k, v string) { b.WriteString(fit(st.Key.Render(k), 18) + v + "\n") }
	row("started", c.startedAt.In(loc).Format("2006-01-02 15:04:05.000"))
	if c.gotHeader {
		row("headers after", fmtDur(c.headerAt))
	}
	if c.msgs.total > 0 {
		row("first message", fmtDur(c.firstMsgAt))
	}
	if c.running() {
		row("state", "running")
	} else {
		row("total", fmtDur(c.elapsed))
	}
	row("requests sent", fmt.Sprint(c.sent))
	row("responses", fmt.Sprint(c.msgs.total))
	if !c.running() && c.msgs.total > 1 && c.elapsed > 0 {
		row("average rate", fmtRate(float64(c.msgs.total)/c.elapsed.Seconds())+" msg/s")
	}
	return strings.TrimRight(b.String(), "\n")
}

// fmtDur prints a duration to about three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	case d < time.Minute:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// summary is the line under the tabs: spinner and elapsed time while
// running, then the status and latency.
func summary(c *call, st Styles, spin string, now time.Time) string {
	if c == nil {
		return st.Dim.Render("no call yet: ctrl+s sends the request")
	}
	name := dynamic.SafeLine(string(c.method.Name()))
	if c.running() {
		state := "calling"
		switch {
		case c.phase == phaseStarting:
			state = "connecting"
		case c.cancelled:
			state = "cancelling"
		case c.method.IsStreamingClient() && c.phase == phaseOpen && !c.closeQueued:
			state = "streaming · ctrl+s sends · ctrl+x ends"
		case c.method.IsStreamingServer() || c.method.IsStreamingClient():
			state = "streaming"
		}
		return fmt.Sprintf("%s %s %s %s", spin, name, state, fmtElapsed(now.Sub(c.startedAt)))
	}
	code := c.code()
	mark := st.OK.Render("✓ OK")
	if code != 0 {
		mark = st.Err.Render("✗ " + repl.CodeName(code))
	}
	return fmt.Sprintf("%s %s · %s", mark, name, fmtDur(c.elapsed))
}

// fmtElapsed is a running call's elapsed time, in tenths of a second.
func fmtElapsed(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Truncate(time.Second).String()
}

// isStream says the call has a stream panel line.
func isStream(c *call) bool {
	return c != nil && (c.method.IsStreamingServer() || c.method.IsStreamingClient())
}

func (r responseModel) view(c *call, st Styles, spin string, now time.Time) string {
	var tabs []string
	for i := range numTabs {
		name := fmt.Sprintf("%d %s", i+1, tabNames[i])
		if i == r.tab {
			tabs = append(tabs, st.TabActive.Render("["+name+"]"))
		} else {
			tabs = append(tabs, st.Tab.Render(" "+name+" "))
		}
	}
	lines := []string{fit(strings.Join(tabs, ""), r.w), fit(summary(c, st, spin, now), r.w)}
	if isStream(c) {
		lines = append(lines, fit(st.Dim.Render(streamLine(c, now)), r.w))
	}
	lines = append(lines, block(r.dv.view(st), r.w, r.h-len(lines))...)
	return strings.Join(lines, "\n")
}

// streamAt is "#k of N": the stream message at the top of the Body tab.
func (r responseModel) streamAt() (string, bool) {
	if r.tab != tabBody || r.body == nil || r.folds == nil || r.body.header == nil || r.dv.doc == nil {
		return "", false
	}
	k, ok := r.body.msgAt(r.folds.toBase(r.dv.top))
	if !ok {
		return "", false
	}
	return fmt.Sprintf("#%d of %d", k+1, r.body.src.Len()), true
}

// scrollInfo is the viewport position for the box's bottom edge.
func (r responseModel) scrollInfo() string {
	if !r.dv.scrolls() {
		return ""
	}
	var parts []string
	if at, ok := r.streamAt(); ok {
		// Of a long stream a percentage says little: which message is on top.
		parts = append(parts, at)
	} else if r.dv.lines() > r.dv.height() || r.dv.wrap {
		parts = append(parts, fmt.Sprintf("%d%%", r.dv.percent()))
	}
	switch {
	case r.dv.x > 0:
		parts = append(parts, fmt.Sprintf("col %d", r.dv.x+1))
	case r.dv.wide():
		parts = append(parts, "> scrolls right")
	}
	if r.dv.wrap {
		parts = append(parts, "wrap")
	}
	if r.follows() {
		parts = append(parts, "following")
	}
	return strings.Join(parts, " · ")
}

// savedMsg reports saveCmd.
type savedMsg struct {
	path string
	n    int
	err  error
}

// saveCmd writes text to path (0600: responses may hold secrets).
func saveCmd(path, text string) tea.Cmd {
	return guard(func() tea.Msg {
		p := expandHome(path)
		if dir := filepath.Dir(p); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return savedMsg{path: p, err: err}
			}
		}
		err := os.WriteFile(p, []byte(text), 0o600)
		return savedMsg{path: p, n: len(text), err: err}
	})
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// defaultSavePath proposes a file name for a call's response.
func defaultSavePath(c *call, now time.Time) string {
	return fmt.Sprintf("%s-%s.json", c.method.Name(), now.Format("20060102-150405"))
}

func base64Text(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// formatMessage prints a message with the session's settings. The
// formatter's output is already stable (protojson's random spacing undone)
// and terminal-safe: it is kept as it is, without another copy of a 20 MB
// response.
func formatMessage(f dynamic.Formatter, msg proto.Message) (string, error) {
	// Prepare leaves large bytes fields out of the formatting (one base64
	// copy, written straight into the text), and the text is sized once:
	// a 20 MiB payload is not held in protojson's, Indent's and a growing
	// builder's buffers at the same time.
	p, err := f.Prepare(msg, nil)
	if err != nil {
		return "", err
	}
	var n countingWriter
	if _, err := p.WriteTo(&n); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(int(n))
	if _, err := p.WriteTo(&b); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// Component: the response of the app's current call (uiCtx.call).

func (r *responseModel) View() string {
	return r.view(r.ui.call, r.ui.st, r.ui.spinner.View(), r.ui.now())
}
func (r *responseModel) SetSize(w, h int)    { r.setSize(w, h) }
func (r *responseModel) KeyMap() help.KeyMap { return r.keys }

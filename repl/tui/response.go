package tui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
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
// final status and latency) and the selected section in a viewport.
type responseModel struct {
	ui     *uiCtx
	keys   respKeys
	vp     viewport.Model
	tab    respTab
	follow bool // keep the newest stream message in view
	reveal bool // secret header values are shown (v), for this call only
	dirty  bool // the viewport content must be rebuilt
	header int  // lines above the viewport
	w, h   int
	win    streamWindow // the messages the Body tab laid out (stream_window.go)
}

func newResponse(keys respKeys) responseModel {
	vp := viewport.New()
	vp.SoftWrap = false
	vp.KeyMap = viewport.KeyMap{} // keys are handled here, with respKeys
	return responseModel{keys: keys, vp: vp, follow: true, dirty: true, header: 2}
}

func (r *responseModel) setSize(w, h int) {
	r.w, r.h = w, h
	r.vp.SetWidth(max(w, 1))
	r.vp.SetHeight(max(h-r.header, 1))
	r.dirty = true
}

// setHeader sets how many lines the tabs and summary take (3 with a stream
// line), so that the viewport gets the rest.
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
	r.win = streamWindow{}
	r.vp.SetContent("")
	r.vp.GotoTop()
}

// Update handles a key on the response of the current call (Component).
func (r *responseModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	kmsg, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(msg) // mouse wheel
		return r, cmd
	}
	r.slide(kmsg)
	k := r.keys
	switch {
	case key.Matches(kmsg, k.Up):
		r.vp.ScrollUp(1)
		r.follow = false
	case key.Matches(kmsg, k.Down):
		r.vp.ScrollDown(1)
		r.follow = r.vp.AtBottom()
	case key.Matches(kmsg, k.PageUp):
		r.vp.PageUp()
		r.follow = false
	case key.Matches(kmsg, k.PageDown):
		r.vp.PageDown()
		r.follow = r.vp.AtBottom()
	case key.Matches(kmsg, k.Top):
		r.vp.GotoTop()
		r.follow = false
	case key.Matches(kmsg, k.Bottom):
		r.vp.GotoBottom()
		r.follow = true
	case key.Matches(kmsg, k.Follow):
		r.follow = !r.follow
		if r.follow {
			r.vp.GotoBottom()
		}
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
	r.vp.GotoTop()
	r.follow = t == tabBody
}

// refresh rebuilds the viewport content when the call changed.
func (r *responseModel) refresh(c *call, s *repl.Session, st Styles, loc *time.Location) {
	if !r.dirty {
		return
	}
	r.dirty = false
	if c == nil {
		r.vp.SetContent("")
		return
	}
	if isStream(c) {
		r.setHeader(3)
	} else {
		r.setHeader(2)
	}
	var text string
	switch r.tab {
	case tabBody:
		text = r.win.body(c, s, st, r.follow)
	case tabHeaders:
		text = mdText(c.respHeader, c.gotHeader, "no response headers yet", r.reveal, st)
	case tabTrailers:
		if c.running() {
			text = st.Dim.Render("trailers arrive when the call ends")
		} else {
			text = mdText(c.trailer, true, "", r.reveal, st)
		}
	case tabStatus:
		text = statusText(c, s, st)
	case tabTiming:
		text = timingText(c, st, loc)
	}
	atBottom := r.follow
	r.vp.SetContent(text)
	if atBottom && r.tab == tabBody {
		r.vp.GotoBottom()
	}
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
	lines = append(lines, block(r.vp.View(), r.w, r.h-len(lines))...)
	return strings.Join(lines, "\n")
}

// scrollInfo is the viewport position for the box's bottom edge.
func (r responseModel) scrollInfo() string {
	if r.vp.TotalLineCount() <= r.vp.VisibleLineCount() {
		return ""
	}
	s := fmt.Sprintf("%d%%", int(r.vp.ScrollPercent()*100))
	if at, ok := r.streamAt(); ok {
		s = at
	}
	if r.tab == tabBody && r.follow {
		s += " · following"
	}
	return s
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

// formatMessage prints a message with the session's settings; JSON is
// re-indented because protojson varies its spacing between builds on
// purpose, and the viewer (and its golden tests) want it stable.
func formatMessage(f dynamic.Formatter, msg proto.Message) (string, error) {
	text, err := f.Format(msg)
	if err != nil || f.Text {
		// Strings of server text can hold C1 controls and escapes the
		// text format leaves raw.
		return dynamic.SafeText(text), err
	}
	var b bytes.Buffer
	if json.Indent(&b, []byte(text), "", "  ") != nil {
		return dynamic.SafeText(text), nil
	}
	// protojson escapes C0 controls but not C1 ones (U+009B is a CSI).
	return dynamic.SafeText(b.String()), nil
}

// Component: the response of the app's current call (uiCtx.call).

func (r *responseModel) View() string {
	return r.view(r.ui.call, r.ui.st, r.ui.spinner.View(), r.ui.now())
}
func (r *responseModel) SetSize(w, h int)    { r.setSize(w, h) }
func (r *responseModel) KeyMap() help.KeyMap { return r.keys }

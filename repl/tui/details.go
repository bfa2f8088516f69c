package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// detailsModel is the Details pane under the method tree: the selected
// method's kind, types and whole leading comment (server text, through
// dynamic.SafeText, its line breaks kept). It can take the focus (tab,
// a click) and scrolls, so a long comment is read to its end instead of
// being cut at the pane's height (rough edge 6 of issue 12).
type detailsModel struct {
	ui    *uiCtx
	keys  detailKeys
	vp    viewport.Model
	shown string // what the content is of: a method's full name, "" for none
	w, h  int
}

func newDetails(keys detailKeys) detailsModel {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // keys come through detailKeys
	return detailsModel{keys: keys, vp: vp}
}

// show sets what the pane describes; the text is rebuilt every frame (it
// is a few lines), the scroll position only reset when the subject changes.
func (d *detailsModel) show(subject, text string) {
	d.vp.SetContent(text)
	if subject != d.shown {
		d.shown = subject
		d.vp.GotoTop()
	}
}

// Update scrolls (Component); esc and tab are the app's.
func (d *detailsModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	kmsg, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	k := d.keys
	switch {
	case key.Matches(kmsg, k.Up):
		d.vp.ScrollUp(1)
	case key.Matches(kmsg, k.Down):
		d.vp.ScrollDown(1)
	case key.Matches(kmsg, k.PageUp):
		d.vp.PageUp()
	case key.Matches(kmsg, k.PageDown):
		d.vp.PageDown()
	case key.Matches(kmsg, k.Top):
		d.vp.GotoTop()
	case key.Matches(kmsg, k.Bottom):
		d.vp.GotoBottom()
	}
	return d, nil
}

func (d *detailsModel) View() string { return d.vp.View() }
func (d *detailsModel) SetSize(w, h int) {
	d.w, d.h = w, h
	d.vp.SetWidth(max(w, 1))
	d.vp.SetHeight(max(h, 1))
}
func (d *detailsModel) KeyMap() help.KeyMap { return d.keys }

// scrollInfo is the box's bottom edge: where the text is, when it does
// not fit.
func (d *detailsModel) scrollInfo() string {
	if d.vp.TotalLineCount() <= d.vp.VisibleLineCount() {
		return ""
	}
	if d.vp.AtBottom() {
		return "end"
	}
	return fmt.Sprintf("↓ %d more", d.vp.TotalLineCount()-d.vp.YOffset()-d.vp.VisibleLineCount())
}

// methodDetails is the Details text of a method: kind, request and
// response types, and the whole leading comment, wrapped to w.
func methodDetails(m protoreflect.MethodDescriptor, st Styles, w int) string {
	if m == nil {
		return st.Dim.Render(wrap("Select a method: ↑/↓ then enter. / filters.", w))
	}
	var b strings.Builder
	b.WriteString(st.Service.Render(dynamic.SafeLine(string(m.Name()))) + " · " + st.badge(dynamic.MethodKind(m)).Render(dynamic.MethodKind(m).String()) + "\n")
	in, out := dynamic.SafeLine(string(m.Input().FullName())), dynamic.SafeLine(string(m.Output().FullName()))
	if m.IsStreamingClient() {
		in = "stream " + in
	}
	if m.IsStreamingServer() {
		out = "stream " + out
	}
	b.WriteString(wrap("→ "+st.Type.Render(in), w) + "\n")
	b.WriteString(wrap("← "+st.Type.Render(out), w) + "\n")
	if c := commentText(m); c != "" {
		b.WriteString(st.Comment.Render(wrap(c, w)))
	} else {
		b.WriteString(st.Dim.Render("(no comment)"))
	}
	return b.String()
}

// commentText is a descriptor's leading comment as server text made safe,
// each line trimmed, paragraphs kept: lines of one paragraph join (the
// pane wraps them to its width), a blank line stays one.
func commentText(d protoreflect.Descriptor) string {
	f := d.ParentFile()
	if f == nil {
		return ""
	}
	raw := strings.TrimSpace(f.SourceLocations().ByDescriptor(d).LeadingComments)
	var paras []string
	var cur []string
	for _, l := range strings.Split(raw, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, " "))
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, " "))
	}
	return dynamic.SafeText(strings.Join(paras, "\n\n"))
}

package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// treeModel is the services → methods tree: services expand to their
// methods, each with its RPC kind badge; "/" filters by typing.
type treeModel struct {
	ui        *uiCtx
	focused   bool // drawn with the cursor: the tree has the keys
	keys      treeKeys
	services  []protoreflect.ServiceDescriptor
	broken    []brokenService // listed, but their descriptors could not be loaded
	collapsed map[protoreflect.FullName]bool
	loading   bool
	err       error
	version   int // the session's SourceVersion the services are of

	filter    textinput.Model
	filtering bool // the filter input has focus

	rows   []treeRow
	cursor int
	offset int
	w, h   int

	open protoreflect.MethodDescriptor // set by update, sent by Update as a treeOpenMsg
}

// treeRow is one visible line: a service, one of its methods, or a
// service that could not be loaded.
type treeRow struct {
	service protoreflect.ServiceDescriptor
	method  protoreflect.MethodDescriptor // nil on a service row
	broken  *brokenService                // set on a broken service's row
	hits    []int                         // the name's letters the filter matched (treefilter.go)
}

// brokenService is a service the server lists but whose descriptor it
// cannot serve: it is shown with its error, and the others stay usable.
type brokenService struct {
	name string // as the server spelt it: untrusted
	err  error
}

// servicesMsg carries the services the session lists (reflection or
// files); err is set when the list itself failed.
type servicesMsg struct {
	services []protoreflect.ServiceDescriptor
	broken   []brokenService
	err      error
	version  int // the session's SourceVersion they were listed from
}

// loadServicesCmd lists the services in the background: reflection is I/O.
// Each service is looked up on its own, so one the server cannot describe
// is reported beside the others instead of replacing them all.
// ctx ends the lookups when the user quits; each is bounded by the
// session's timeout (-max-time, else -connect-timeout) in any case.
func loadServicesCmd(ctx context.Context, s *repl.Session) tea.Cmd {
	return guard(func() tea.Msg {
		version := s.SourceVersion()
		src := s.SourceContext(ctx)
		names, err := src.ListServices()
		if err != nil {
			return servicesMsg{err: err, version: version}
		}
		msg := servicesMsg{version: version}
		for _, n := range names {
			sd, err := dynamic.FindService(src, string(n))
			if err != nil {
				msg.broken = append(msg.broken, brokenService{name: string(n), err: err})
				continue
			}
			msg.services = append(msg.services, sd)
		}
		slices.SortFunc(msg.services, func(a, b protoreflect.ServiceDescriptor) int {
			return strings.Compare(string(a.FullName()), string(b.FullName()))
		})
		slices.SortFunc(msg.broken, func(a, b brokenService) int { return strings.Compare(a.name, b.name) })
		return msg
	})
}

func newTree(keys treeKeys) treeModel {
	fi := textinput.New()
	fi.Prompt = "/"
	fi.Placeholder = "filter methods"
	fi.CharLimit = 200
	return treeModel{keys: keys, collapsed: map[protoreflect.FullName]bool{}, filter: fi, loading: true}
}

func (t *treeModel) setSize(w, h int) {
	t.w, t.h = w, h
	t.filter.SetWidth(max(w-2, 1))
	t.clamp()
}

func (t *treeModel) setServices(svcs []protoreflect.ServiceDescriptor, broken []brokenService, err error) {
	t.loading = false
	t.err = err
	if err == nil {
		t.broken = broken
		// Keep the cursor on the same method across a reload.
		var keep protoreflect.FullName
		if r, ok := t.selectedRow(); ok {
			keep = r.fullName()
		}
		t.services = svcs
		t.rebuild()
		if keep != "" {
			t.selectName(keep)
		}
	}
}

func (r treeRow) fullName() protoreflect.FullName {
	if r.broken != nil {
		return protoreflect.FullName(r.broken.name)
	}
	if r.method != nil {
		return r.method.FullName()
	}
	return r.service.FullName()
}

func (r treeRow) isMethod() bool { return r.method != nil }

// terms are the filter's words, lower-cased: every one must match a
// method (treefilter.go).
func (t *treeModel) terms() []string {
	return strings.Fields(strings.ToLower(t.filter.Value()))
}

// rebuild computes the visible rows from the services, collapsed state
// and filter; filtered, the best matches come first.
func (t *treeModel) rebuild() {
	terms := t.terms()
	t.rows = t.rows[:0]
	if len(terms) == 0 {
		for _, sd := range t.services {
			t.rows = append(t.rows, treeRow{service: sd})
			if t.collapsed[sd.FullName()] {
				continue
			}
			for i := 0; i < sd.Methods().Len(); i++ {
				t.rows = append(t.rows, treeRow{service: sd, method: sd.Methods().Get(i)})
			}
		}
	}
	for _, rs := range rankServices(t.services, terms) { // none without terms
		t.rows = append(t.rows, treeRow{service: rs.sd})
		for _, m := range rs.methods {
			t.rows = append(t.rows, treeRow{service: rs.sd, method: m.md, hits: m.hits})
		}
	}
	for i := range t.broken {
		if len(terms) == 0 || matchMethod(t.broken[i].name, t.broken[i].name, terms).ok {
			t.rows = append(t.rows, treeRow{broken: &t.broken[i]})
		}
	}
	t.clamp()
}

func (t *treeModel) listHeight() int {
	h := t.h
	if t.filtering || t.filter.Value() != "" {
		h--
	}
	return max(h, 1)
}

func (t *treeModel) clamp() {
	if t.cursor >= len(t.rows) {
		t.cursor = len(t.rows) - 1
	}
	if t.cursor < 0 {
		t.cursor = 0
	}
	lh := t.listHeight()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+lh {
		t.offset = t.cursor - lh + 1
	}
	if t.offset > max(len(t.rows)-lh, 0) {
		t.offset = max(len(t.rows)-lh, 0)
	}
}

func (t *treeModel) selectedRow() (treeRow, bool) {
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return treeRow{}, false
	}
	return t.rows[t.cursor], true
}

// selected is the method under the cursor, nil on a service row.
func (t *treeModel) selected() protoreflect.MethodDescriptor {
	r, ok := t.selectedRow()
	if !ok {
		return nil
	}
	return r.method
}

// selectName moves the cursor to a method or service by full name.
func (t *treeModel) selectName(name protoreflect.FullName) bool {
	for i, r := range t.rows {
		if r.fullName() == name {
			t.cursor = i
			t.clamp()
			return true
		}
	}
	return false
}

// selectMethod shows and selects a method, expanding its service and
// clearing a filter that hides it.
func (t *treeModel) selectMethod(m protoreflect.MethodDescriptor) {
	if t.selectName(m.FullName()) {
		return
	}
	t.filter.SetValue("")
	delete(t.collapsed, m.Parent().FullName())
	t.rebuild()
	t.selectName(m.FullName())
}

// treeOpenMsg asks the app to open the form of a method (tests, and
// anything outside the tree that wants a method opened).
type treeOpenMsg struct{ method protoreflect.MethodDescriptor }

// typing says the filter input takes the keys.
func (t *treeModel) typing() bool { return t.filtering }

// Update handles msg (Component). Opening a method is a treeOpenMsg sent
// to the app, which handles it before the next key: keys typed right
// after enter must reach the form, not the tree.
func (t *treeModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	var cmd tea.Cmd
	*t, cmd = t.update(msg)
	if md := t.open; md != nil {
		t.open = nil
		t.ui.send(treeOpenMsg{method: md})
	}
	return t, cmd
}

func (t *treeModel) View() string        { return t.view(t.ui.st, t.focused) }
func (t *treeModel) SetSize(w, h int)    { t.setSize(w, h) }
func (t *treeModel) KeyMap() help.KeyMap { return t.keys }

func (t treeModel) update(msg tea.Msg) (treeModel, tea.Cmd) {
	kmsg, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if t.filtering {
			var cmd tea.Cmd
			t.filter, cmd = t.filter.Update(msg)
			return t, cmd
		}
		return t, nil
	}
	if t.filtering {
		fk := t.keys.Filtering
		switch {
		case key.Matches(kmsg, fk.Done):
			t.filtering = false
			t.filter.Blur()
			if m := t.selected(); m == nil {
				t.moveToMethod(1)
			}
			return t, nil
		case key.Matches(kmsg, fk.Clear):
			t.filtering = false
			t.filter.Blur()
			t.filter.SetValue("")
			t.rebuild()
			return t, nil
		case key.Matches(kmsg, fk.Prev):
			t.move(-1)
			return t, nil
		case key.Matches(kmsg, fk.Next):
			t.move(1)
			return t, nil
		}
		before := t.filter.Value()
		var cmd tea.Cmd
		t.filter, cmd = t.filter.Update(msg)
		if t.filter.Value() != before {
			t.rebuild()
			t.cursor = 0
			t.moveToMethod(1)
			t.clamp()
		}
		return t, cmd
	}
	k := t.keys
	switch {
	case key.Matches(kmsg, k.Up):
		t.move(-1)
	case key.Matches(kmsg, k.Down):
		t.move(1)
	case key.Matches(kmsg, k.PageUp):
		t.move(-t.listHeight())
	case key.Matches(kmsg, k.PageDown):
		t.move(t.listHeight())
	case key.Matches(kmsg, k.Top):
		t.cursor = 0
		t.clamp()
	case key.Matches(kmsg, k.Bottom):
		t.cursor = len(t.rows) - 1
		t.clamp()
	case key.Matches(kmsg, k.Filter):
		// A fresh filter: "/" then a name finds that name, whatever was
		// typed the time before (esc clears it too).
		t.filtering = true
		if t.filter.Value() != "" {
			t.filter.SetValue("")
			t.rebuild()
		}
		return t, t.filter.Focus()
	case key.Matches(kmsg, k.ClearFilter) && t.filter.Value() != "":
		t.filter.SetValue("")
		t.rebuild()
	case key.Matches(kmsg, k.Open):
		r, ok := t.selectedRow()
		if !ok || r.broken != nil {
			return t, nil
		}
		if r.method == nil {
			if t.collapsed[r.service.FullName()] {
				delete(t.collapsed, r.service.FullName())
				t.rebuild()
			} else if kmsg.String() == "enter" || kmsg.String() == "right" || kmsg.String() == "l" {
				t.move(1)
			}
			return t, nil
		}
		// Opened at once, in this Update: keys typed right after enter
		// must reach the form, not the tree.
		t.open = r.method
		return t, nil
	case key.Matches(kmsg, k.Collapse):
		r, ok := t.selectedRow()
		if !ok || t.filter.Value() != "" || r.broken != nil {
			return t, nil
		}
		name := r.service.FullName()
		if r.method == nil && t.collapsed[name] {
			return t, nil
		}
		t.collapsed[name] = true
		t.rebuild()
		t.selectName(name)
	}
	return t, nil
}

func (t *treeModel) move(d int) {
	t.cursor += d
	t.clamp()
}

// moveToMethod moves the cursor to the nearest method row in direction d.
func (t *treeModel) moveToMethod(d int) {
	for i := t.cursor; i >= 0 && i < len(t.rows); i += d {
		if t.rows[i].isMethod() {
			t.cursor = i
			t.clamp()
			return
		}
	}
}

func (t treeModel) view(st Styles, focused bool) string {
	w := t.w
	var lines []string
	if t.filtering || t.filter.Value() != "" {
		if t.filtering {
			lines = append(lines, fit(t.filter.View(), w))
		} else {
			lines = append(lines, fit(st.Dim.Render("/"+t.filter.Value()+"  (esc clears)"), w))
		}
	}
	switch {
	case t.loading:
		lines = append(lines, st.Dim.Render("loading services…"))
	case t.err != nil:
		lines = append(lines, strings.Split(wrap(st.Err.Render("✗ ")+dynamic.SafeLine(t.err.Error()), w), "\n")...)
		lines = append(lines, strings.Split(wrap(st.Dim.Render(loadHint), w), "\n")...)
	case len(t.rows) == 0 && t.filter.Value() != "":
		lines = append(lines, st.Dim.Render("no method matches"))
	case len(t.rows) == 0:
		lines = append(lines, st.Dim.Render("no services"))
	}
	terms := t.terms()
	lh := t.listHeight()
	for i := t.offset; i < len(t.rows) && i < t.offset+lh; i++ {
		r := t.rows[i]
		sel := i == t.cursor
		marker := "  "
		if sel {
			marker = "▸ "
			if !focused {
				marker = "› "
			}
		}
		var line string
		if r.broken != nil {
			line = marker + st.Err.Render("✗ ") + st.Service.Render(dynamic.SafeLine(r.broken.name)) + st.Dim.Render(" (cannot load)")
		} else if r.method == nil {
			arrow := "▾ "
			if t.collapsed[r.service.FullName()] && len(terms) == 0 {
				arrow = "▸ "
			}
			line = marker + arrow + st.Service.Render(dynamic.SafeLine(string(r.service.FullName())))
			if n := r.service.Methods().Len(); len(terms) == 0 && t.collapsed[r.service.FullName()] {
				line += st.Dim.Render(fmt.Sprintf(" (%d)", n))
			}
		} else {
			kind := dynamic.MethodKind(r.method)
			badge := kind.Short()
			plain := dynamic.SafeLine(string(r.method.Name()))
			name := highlight(plain, r.hits, st)
			left := marker + "  " + name
			pad := w - len([]rune(marker)) - 2 - len(plain) - len(badge)
			if pad < 1 {
				pad = 1
			}
			line = left + strings.Repeat(" ", pad) + st.badge(kind).Render(badge)
		}
		line = fit(line, w)
		if sel && focused {
			line = st.Selected.Render(ansiStrip(line))
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// highlight marks the letters of a name the filter matched.
func highlight(name string, hits []int, st Styles) string {
	if len(hits) == 0 {
		return st.Method.Render(name)
	}
	mark := make([]bool, len(name))
	for _, i := range hits {
		if i >= 0 && i < len(name) {
			mark[i] = true
		}
	}
	var b strings.Builder
	for i := 0; i < len(name); {
		j := i
		for j < len(name) && mark[j] == mark[i] {
			j++
		}
		if mark[i] {
			b.WriteString(st.Match.Render(name[i:j]))
		} else {
			b.WriteString(st.Method.Render(name[i:j]))
		}
		i = j
	}
	return b.String()
}

// loadHint is what to try when the services could not be listed.
const loadHint = "R retries · a server without reflection needs -proto or -protoset files · -max-time bounds the wait"

// brokenInfo is the details pane of a service that could not be loaded.
func brokenInfo(b *brokenService, st Styles, w int) string {
	return st.Err.Render("✗ ") + wrap(dynamic.SafeLine(b.name)+" cannot be loaded: "+dynamic.SafeLine(b.err.Error()), w-2) + "\n" +
		st.Dim.Render(wrap("The other services work. R reloads; -proto or -protoset files can describe it instead.", w))
}

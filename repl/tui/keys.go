package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// Key bindings. The request form (form_keys.go) owns the plain keys while it
// has focus — letters, enter, esc, tab, arrows and the text-editing ctrl
// keys of bubbles' textinput/textarea — so the keys that must work from
// anywhere, the form included, are ctrl keys the form and the text inputs
// leave free: ctrl+s, ctrl+x, ctrl+c, ctrl+r, ctrl+o and alt+1..3.
// TestAppKeysDoNotClashWithForm checks that.

// globalKeys work in every pane.
type globalKeys struct {
	Send      key.Binding // ctrl+s: send the request (or the next message of a client stream)
	CloseSend key.Binding // ctrl+x: close the request stream of a client/bidi stream
	Cancel    key.Binding // ctrl+c: cancel the call in flight; quit when none is
	History   key.Binding // ctrl+r: history
	Metadata  key.Binding // ctrl+o: request headers and deadline
	FocusTree key.Binding // alt+1
	FocusForm key.Binding // alt+2
	FocusResp key.Binding // alt+3
	FocusInfo key.Binding // alt+4: the Details pane
	Learn     key.Binding // alt+e: explain the call, also from a text row of the form (where L is text)
	SaveCall  key.Binding // alt+s: save the form as a call of the collection (collections.go)
	CopyAs    key.Binding // alt+y: the request as a grpcurl, grpcsh or ghz line (copyas.go)

	// Outside text inputs only.
	Quit      key.Binding // q
	Help      key.Binding // ?
	Colon     key.Binding // :
	NextPane  key.Binding // tab
	PrevPane  key.Binding // shift+tab
	Back      key.Binding // esc: cancel the call in flight, close, back to the tree
	HistoryH  key.Binding // H
	MetadataM key.Binding // m
	LearnL    key.Binding // L
	CollC     key.Binding // C: the collection's files and calls
}

// overlayKeys are the help screen's keys.
type overlayKeys struct {
	Scroll    key.Binding // ↑/↓ pgup/pgdn, for the hint bar (the viewport scrolls)
	CloseHelp key.Binding // esc/?/q/L closes the help screen
	Find      searchKeys
	// What Scroll stands for in the hint bar.
	Up, Down, PageUp, PageDown key.Binding
}

// searchKeys find text in a document: the response, history, help.
type searchKeys struct {
	Search, Next, Prev, Clear key.Binding // / n N esc
}

// filterKeys work while the tree's filter input has the keys.
type filterKeys struct {
	Done, Clear, Prev, Next key.Binding
}

type treeKeys struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Open                                    key.Binding // enter/→/l: open the method's form, expand a service
	Collapse                                key.Binding // ←/h
	Filter                                  key.Binding // /
	ClearFilter                             key.Binding // esc while filtered
	Reload                                  key.Binding // R
	Filtering                               filterKeys
	Methods                                 key.Binding // esc in the form: back to the tree (the hint bar's)
}

type respKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	NextTab, PrevTab                        key.Binding
	Tabs                                    key.Binding // 1..5
	Save                                    key.Binding // s
	Copy                                    key.Binding // y
	Follow                                  key.Binding // f: follow the newest stream message
	Edit                                    key.Binding // e: back to the form
	Reveal                                  key.Binding // v: show the secret header values redacted in Headers/Trailers
	Wrap                                    key.Binding // w: wrap long lines
	Fold                                    key.Binding // z: fold the block at the top line
	Unfold                                  key.Binding // Z: unfold all
	Left, Right                             key.Binding // < > shift+←/→: scroll sideways
	Find                                    searchKeys
}

// detailKeys scroll the Details pane (details.go).
type detailKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// mouseKeys describe the mouse for the "?" screen; they match no key
// (mouse.go handles the mouse).
type mouseKeys struct {
	Click, Wheel, Select key.Binding
}

type histKeys struct {
	Up, Down, Top, Bottom key.Binding
	Rerun                 key.Binding // enter/r
	Edit                  key.Binding // e
	Save                  key.Binding // w: save to the collection
	Close                 key.Binding // esc/q
	Targets               key.Binding // t: this target's calls / every target's
	Find                  searchKeys
}

// collKeys are the collections overlay's (collections.go).
type collKeys struct {
	Up, Down, Top, Bottom key.Binding
	Load                  key.Binding // enter: the call into the form
	Test                  key.Binding // t: run the file as a test
	Reload                key.Binding // R
	Close                 key.Binding // esc/q
	// While saving: tab between the file and the name, enter saves, esc
	// cancels.
	Field, Confirm, Abort key.Binding
}

type metaKeys struct {
	Up, Down    key.Binding
	Add         key.Binding // a
	Edit        key.Binding // enter/e
	Delete      key.Binding // d/x
	Close       key.Binding // esc/q
	Save, Abort key.Binding // while editing: enter/esc
}

type cmdKeys struct {
	Run, Abort      key.Binding // enter, esc
	Older, Newer    key.Binding // ↑, ↓ through the commands typed before
	Scroll, Scroll2 key.Binding // pgup/pgdn in the output pane
	Close           key.Binding
	Complete        key.Binding // tab: methods, messages, flags, ${VARS}
}

type keyMap struct {
	Global globalKeys
	Over   overlayKeys
	Tree   treeKeys
	Resp   respKeys
	Hist   histKeys
	Meta   metaKeys
	Cmd    cmdKeys
	Info   detailKeys
	Mouse  mouseKeys
	Coll   collKeys
}

func kb(keys []string, helpKey, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, desc))
}

func newKeyMap() keyMap {
	km := baseKeyMap()
	// The Details pane scrolls as the response does.
	r := km.Resp
	km.Info = detailKeys{Up: r.Up, Down: r.Down, PageUp: r.PageUp, PageDown: r.PageDown, Top: r.Top, Bottom: r.Bottom}
	return km
}

func baseKeyMap() keyMap {
	find := searchKeys{
		Search: kb([]string{"/"}, "/", "search"),
		Next:   kb([]string{"n"}, "n/N", "next/previous match"),
		Prev:   kb([]string{"N"}, "N", "previous match"),
		Clear:  kb([]string{"esc"}, "esc", "clear search"),
	}
	return keyMap{
		Global: globalKeys{
			Send:      kb([]string{"ctrl+s"}, "ctrl+s", "send"),
			CloseSend: kb([]string{"ctrl+x"}, "ctrl+x", "end request stream"),
			Cancel:    kb([]string{"ctrl+c"}, "ctrl+c", "cancel call · quit"),
			History:   kb([]string{"ctrl+r"}, "ctrl+r/H", "history"),
			Metadata:  kb([]string{"ctrl+o"}, "ctrl+o/m", "headers & deadline"),
			FocusTree: kb([]string{"alt+1"}, "alt+1", "focus methods"),
			FocusForm: kb([]string{"alt+2"}, "alt+2", "focus request"),
			FocusResp: kb([]string{"alt+3"}, "alt+3", "focus response"),
			FocusInfo: kb([]string{"alt+4"}, "alt+4", "focus details"),
			Learn:     kb([]string{"alt+e"}, "alt+e", "explain the call"),
			SaveCall:  kb([]string{"alt+s"}, "alt+s", "save call to collection"),
			CopyAs:    kb([]string{"alt+y"}, "alt+y", "copy as grpcurl/ghz"),
			Quit:      kb([]string{"q"}, "q", "quit"),
			Help:      kb([]string{"?"}, "?", "all keys"),
			Colon:     kb([]string{":"}, ":", "command bar"),
			NextPane:  kb([]string{"tab"}, "tab", "next pane"),
			PrevPane:  kb([]string{"shift+tab"}, "shift+tab", "previous pane"),
			Back:      kb([]string{"esc"}, "esc", "cancel call · back"),
			HistoryH:  kb([]string{"H"}, "H", "history"),
			MetadataM: kb([]string{"m"}, "m", "headers"),
			LearnL:    kb([]string{"L"}, "L", "explain the call"),
			CollC:     kb([]string{"C"}, "C", "collection"),
		},
		Over: overlayKeys{
			Scroll:    kb([]string{"up", "down", "pgup", "pgdown"}, "↑/↓ pgup/pgdn", "scroll"),
			CloseHelp: kb([]string{"esc", "?", "q", "L"}, "esc/?", "close"),
			Find:      find,
			Up:        kb([]string{"up", "k"}, "↑/k", "scroll up"),
			Down:      kb([]string{"down", "j"}, "↓/j", "scroll down"),
			PageUp:    kb([]string{"pgup", "b"}, "pgup", "page up"),
			PageDown:  kb([]string{"pgdown", "space"}, "pgdn", "page down"),
		},
		Tree: treeKeys{
			Up:          kb([]string{"up", "k"}, "↑/k", "up"),
			Down:        kb([]string{"down", "j"}, "↓/j", "down"),
			Top:         kb([]string{"home", "g"}, "g", "first"),
			Bottom:      kb([]string{"end", "G"}, "G", "last"),
			PageUp:      kb([]string{"pgup"}, "pgup", "page up"),
			PageDown:    kb([]string{"pgdown"}, "pgdn", "page down"),
			Open:        kb([]string{"enter", "right", "l"}, "enter", "open form"),
			Collapse:    kb([]string{"left", "h"}, "←/h", "collapse"),
			Filter:      kb([]string{"/"}, "/", "filter"),
			ClearFilter: kb([]string{"esc"}, "esc", "clear filter"),
			Reload:      kb([]string{"R"}, "R", "reload services"),
			Filtering: filterKeys{
				Done:  kb([]string{"enter"}, "enter", "done"),
				Clear: kb([]string{"esc"}, "esc", "clear"),
				Prev:  kb([]string{"up", "ctrl+p"}, "↑/↓", "move"),
				Next:  kb([]string{"down", "ctrl+n"}, "↓", "move"),
			},
			Methods: kb([]string{"esc"}, "esc", "methods"),
		},
		Resp: respKeys{
			Up:       kb([]string{"up", "k"}, "↑/k", "scroll up"),
			Down:     kb([]string{"down", "j"}, "↓/j", "scroll down"),
			PageUp:   kb([]string{"pgup", "b"}, "pgup", "page up"),
			PageDown: kb([]string{"pgdown", "space"}, "pgdn", "page down"),
			Top:      kb([]string{"home", "g"}, "g", "top"),
			Bottom:   kb([]string{"end", "G"}, "G", "bottom"),
			NextTab:  kb([]string{"]", "right", "l"}, "]/→", "next section"),
			PrevTab:  kb([]string{"[", "left", "h"}, "[/←", "previous section"),
			Tabs:     kb([]string{"1", "2", "3", "4", "5"}, "1-5", "section by number"),
			Save:     kb([]string{"s"}, "s", "save to file"),
			Copy:     kb([]string{"y"}, "y", "copy (OSC 52)"),
			Follow:   kb([]string{"f"}, "f", "follow newest"),
			Edit:     kb([]string{"e"}, "e", "edit request"),
			Reveal:   kb([]string{"v"}, "v", "show/hide secret headers"),
			Wrap:     kb([]string{"w"}, "w", "wrap long lines"),
			Fold:     kb([]string{"z"}, "z", "fold/unfold block at top"),
			Unfold:   kb([]string{"Z"}, "Z", "unfold all"),
			Left:     kb([]string{"<", "shift+left"}, "</shift+←", "scroll left"),
			Right:    kb([]string{">", "shift+right"}, ">/shift+→", "scroll right"),
			Find:     find,
		},
		Hist: histKeys{
			Up:      kb([]string{"up", "k"}, "↑/k", "up"),
			Down:    kb([]string{"down", "j"}, "↓/j", "down"),
			Top:     kb([]string{"home", "g"}, "g", "newest"),
			Bottom:  kb([]string{"end", "G"}, "G", "oldest"),
			Rerun:   kb([]string{"enter", "r"}, "enter/r", "re-run"),
			Edit:    kb([]string{"e"}, "e", "edit in form"),
			Close:   kb([]string{"esc", "q"}, "esc", "close"),
			Targets: kb([]string{"t"}, "t", "all targets · this one"),
			Save:    kb([]string{"w"}, "w", "save to collection"),
			Find:    find,
		},
		Coll: collKeys{
			Up:      kb([]string{"up", "k"}, "↑/k", "up"),
			Down:    kb([]string{"down", "j"}, "↓/j", "down"),
			Top:     kb([]string{"home", "g"}, "g", "first"),
			Bottom:  kb([]string{"end", "G"}, "G", "last"),
			Load:    kb([]string{"enter"}, "enter", "load into form"),
			Test:    kb([]string{"t"}, "t", "run file as test · stop"),
			Reload:  kb([]string{"R"}, "R", "reload"),
			Close:   kb([]string{"esc", "q"}, "esc", "close"),
			Field:   kb([]string{"tab", "shift+tab"}, "tab", "file/name"),
			Confirm: kb([]string{"enter"}, "enter", "save"),
			Abort:   kb([]string{"esc"}, "esc", "cancel"),
		},
		Meta: metaKeys{
			Up:     kb([]string{"up", "k"}, "↑/k", "up"),
			Down:   kb([]string{"down", "j"}, "↓/j", "down"),
			Add:    kb([]string{"a"}, "a", "add header"),
			Edit:   kb([]string{"enter", "e"}, "enter", "edit"),
			Delete: kb([]string{"d", "x", "delete"}, "d", "delete"),
			Close:  kb([]string{"esc", "q"}, "esc", "close"),
			Save:   kb([]string{"enter"}, "enter", "saves"),
			Abort:  kb([]string{"esc"}, "esc", "cancels"),
		},
		Cmd: cmdKeys{
			Run:      kb([]string{"enter"}, "enter", "run"),
			Abort:    kb([]string{"esc"}, "esc", "close"),
			Older:    kb([]string{"up"}, "↑", "older command"),
			Newer:    kb([]string{"down"}, "↓", "newer command"),
			Scroll:   kb([]string{"pgup"}, "pgup", "scroll output"),
			Scroll2:  kb([]string{"pgdown"}, "pgdn", "scroll output"),
			Close:    kb([]string{"esc"}, "esc", "closes"),
			Complete: kb([]string{"tab"}, "tab", "complete"),
		},
		Mouse: mouseKeys{
			Click: key.NewBinding(key.WithHelp("click", "focus · pick row or tab")),
			Wheel: key.NewBinding(key.WithHelp("wheel", "scroll pane under it")),
			// The TUI reports the mouse: terminals select text with shift.
			Select: key.NewBinding(key.WithHelp("shift+drag", "select text")),
		},
	}
}

// Each pane's keys are a help.KeyMap: ShortHelp is its part of the hint
// bar, FullHelp its section of the "?" screen, so both come from the
// bindings that dispatch.

func (k treeKeys) ShortHelp() []key.Binding { return []key.Binding{k.Open, k.Filter} }
func (k treeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Open, k.Collapse, k.Filter, k.ClearFilter, k.Top, k.Bottom, k.Reload}}
}

func (k respKeys) ShortHelp() []key.Binding { return []key.Binding{k.NextTab, k.Save, k.Copy, k.Edit} }
func (k respKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.NextTab, k.PrevTab, k.Tabs, k.Save, k.Copy, k.Follow, k.Edit, k.Reveal, k.Wrap, k.Fold, k.Unfold, k.Left, k.Right, k.Find.Search, k.Find.Next, k.Find.Clear}}
}

func (k histKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Rerun, k.Edit, k.Targets, k.Close}
}
func (k histKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Rerun, k.Edit, k.Targets, k.Save, k.Close, k.Find.Search, k.Find.Next}}
}

func (k collKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Load, k.Test, k.Close}
}
func (k collKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.Load, k.Test, k.Reload, k.Close, k.Field, k.Confirm, k.Abort}}
}

func (k metaKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Add, k.Edit, k.Delete, k.Close} }
func (k metaKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func (k detailKeys) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Up, k.PageDown} }
func (k detailKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

func (k mouseKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Click, k.Wheel, k.Select} }
func (k mouseKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func (k cmdKeys) ShortHelp() []key.Binding { return []key.Binding{k.Run, k.Abort} }
func (k cmdKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Run, k.Complete, k.Older, k.Newer, k.Scroll, k.Abort}}
}

var _ = []help.KeyMap{treeKeys{}, respKeys{}, histKeys{}, metaKeys{}, cmdKeys{}, detailKeys{}, mouseKeys{}, collKeys{}}

// flat is a KeyMap's full help in one column.
func flat(km help.KeyMap) []key.Binding {
	var out []key.Binding
	for _, col := range km.FullHelp() {
		out = append(out, col...)
	}
	return out
}

// hints is bindings as a box's or a pane's one-line hint ("a add · esc
// close"), from their help text: the bindings are declared once, above.
func hints(bs ...key.Binding) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		h := b.Help()
		parts = append(parts, h.Key+" "+h.Desc)
	}
	return strings.Join(parts, " · ")
}

// helpKeys is a help.KeyMap built for the current focus.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

var _ help.KeyMap = helpKeys{}

// helpSection is one titled group of the full help.
type helpSection struct {
	title string
	keys  []key.Binding
}

// sections lists every binding, grouped, for the "?" screen.
func (k keyMap) sections(form help.KeyMap) []helpSection {
	g := k.Global
	out := []helpSection{
		{"Everywhere (also while typing in the form)", []key.Binding{g.Send, g.CloseSend, g.Cancel, g.History, g.Metadata, g.FocusTree, g.FocusForm, g.FocusResp, g.FocusInfo, g.Learn, g.SaveCall, g.CopyAs}},
		{"Outside text inputs", []key.Binding{g.NextPane, g.PrevPane, g.Back, g.Colon, g.HistoryH, g.MetadataM, g.LearnL, g.CollC, g.Help, g.Quit}},
		{"Methods", flat(k.Tree)},
		{"Response", flat(k.Resp)},
		{"History", flat(k.Hist)},
		{"Collection", flat(k.Coll)},
		{"Headers & deadline", flat(k.Meta)},
		{"Command bar", flat(k.Cmd)},
		{"Details", flat(k.Info)},
		{"Mouse", flat(k.Mouse)},
	}
	if form != nil {
		out = append(out, helpSection{"Request form", flat(form)})
	}
	return out
}

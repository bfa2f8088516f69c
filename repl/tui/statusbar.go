package tui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/grpc/connectivity"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// The status bar: target and transport (Conn.Describe: TLS or plaintext),
// connection state (Conn.WatchState: "reconnecting" while the channel is
// in TRANSIENT_FAILURE), the last call's status and latency, and the
// request headers and deadline in force. Transient messages (saved,
// copied, errors) take the help bar's line.

// connStateMsg is a connectivity change of the session's connection.
type connStateMsg struct {
	conn  *dynamic.Conn
	state connectivity.State
	ch    <-chan connectivity.State
	ok    bool // false: the watch ended (connection closed or ctx done)
}

// watchStateCmd waits for the next state of the connection.
func watchStateCmd(conn *dynamic.Conn, ch <-chan connectivity.State) tea.Cmd {
	return guard(func() tea.Msg {
		st, ok := <-ch
		return connStateMsg{conn: conn, state: st, ch: ch, ok: ok}
	})
}

// startWatch begins watching the session's current connection.
func startWatch(ctx context.Context, s *repl.Session) (*dynamic.Conn, tea.Cmd) {
	conn := s.Conn()
	if conn == nil {
		return nil, nil
	}
	return conn, watchStateCmd(conn, conn.WatchState(ctx))
}

// stateText names a connectivity state for the bar; never by color alone.
func stateText(st connectivity.State, known bool, styles Styles) string {
	if !known {
		return styles.Dim.Render("○ …")
	}
	switch st {
	case connectivity.Ready:
		return styles.OK.Render("● ready")
	case connectivity.Connecting:
		return styles.Warn.Render("◌ connecting")
	case connectivity.Idle:
		return styles.Dim.Render("○ idle")
	case connectivity.TransientFailure:
		return styles.Err.Render("✗ reconnecting")
	case connectivity.Shutdown:
		return styles.Err.Render("✗ closed")
	}
	return st.String()
}

// flashMsg clears a transient message when its id is still current.
type flashMsg struct{ id int }

func flashCmd(id int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return flashMsg{id: id} })
}

type statusInfo struct {
	describe  string
	state     connectivity.State
	known     bool
	noServer  bool
	last      *call
	extra     string // headers and deadline
	version   string
	hint      string // the right-hand hint ("? help")
	now       time.Time
	spin      string
	cmdActive bool
}

func statusBarView(st Styles, in statusInfo, w int) string {
	sep := st.StatusKey.Render(" │ ")
	parts := []string{st.StatusTitle.Render(" grpcsh")}
	if in.noServer {
		parts = append(parts, st.StatusBar.Render("no server (files only)"))
	} else {
		desc := st.StatusBar.Render(in.describe)
		// Skipping verification must not be missed: it is shown as a
		// warning, not as part of the address.
		if before, after, found := strings.Cut(in.describe, " (insecure: not verified)"); found {
			desc = st.StatusBar.Render(before+" ") + st.Err.Render("⚠ INSECURE: certificate not verified") + st.StatusBar.Render(after)
		}
		parts = append(parts, desc, stateText(in.state, in.known, st))
	}
	if c := in.last; c != nil {
		if c.running() {
			parts = append(parts, st.StatusBar.Render(in.spin+" "+string(c.method.Name())+" "+fmtElapsed(in.now.Sub(c.startedAt))))
		} else if c.code() == 0 {
			parts = append(parts, st.OK.Render("✓ OK")+st.StatusBar.Render(" "+fmtDur(c.elapsed)))
		} else {
			parts = append(parts, st.Err.Render("✗ "+repl.CodeName(c.code()))+st.StatusBar.Render(" "+fmtDur(c.elapsed)))
		}
	}
	left := strings.Join(parts, sep)
	right := st.StatusKey.Render(in.hint + " ")
	if in.extra != "" {
		left += sep + st.StatusBar.Render(in.extra)
	}
	lw := w - len([]rune(ansiStrip(right)))
	return fit(fit(left, max(lw, 0))+right, w)
}

package tui

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/connectivity"
)

// The goldens wait for READY and refuse a flash on their screen; these
// tests cover what the bar shows in every other state, through the same
// messages the program gets.

// statusLine is the last line of the screen: the status bar.
func (h *harness) statusLine() string {
	lines := strings.Split(h.screen(), "\n")
	return lines[len(lines)-1]
}

// helpLine is the line above the status bar: short help, or a flash.
func (h *harness) helpLine() string {
	lines := strings.Split(h.screen(), "\n")
	return lines[len(lines)-2]
}

// TestStatusBarStates delivers each connectivity state as the watch does
// (connStateMsg from the session's connection) and reads the bar: before
// the first state "○ …", then connecting, reconnecting, ready, idle and
// closed. The app goes on watching the same channel, and ignores the watch
// of a connection it no longer uses and a watch that ended.
func TestStatusBarStates(t *testing.T) {
	h := newHarness(t, 100, 24)
	// The watch's first state is queued, not handled yet.
	if got := h.statusLine(); !strings.Contains(got, "○ …") {
		t.Fatalf("before the first state the bar shows %q, want ○ …", got)
	}
	conn := h.m.s.Conn()
	ch := make(chan connectivity.State, 1)
	for _, tt := range []struct {
		state connectivity.State
		want  string
	}{
		{connectivity.Connecting, "◌ connecting"},
		{connectivity.TransientFailure, "✗ reconnecting"},
		{connectivity.Ready, "● ready"},
		{connectivity.Idle, "○ idle"},
		{connectivity.Connecting, "◌ connecting"},
		{connectivity.Ready, "● ready"},
	} {
		_, cmd := h.m.Update(connStateMsg{conn: conn, state: tt.state, ch: ch, ok: true})
		if got := h.statusLine(); !strings.Contains(got, tt.want) {
			t.Fatalf("state %v: the bar shows %q, want %q", tt.state, got, tt.want)
		}
		// The app waits for the next state on the same channel.
		if cmd == nil {
			t.Fatalf("state %v: the app stopped watching", tt.state)
		}
		ch <- connectivity.Shutdown
		next, ok := cmd().(connStateMsg)
		if !ok || next.state != connectivity.Shutdown || next.conn != conn || next.ch != ch || !next.ok {
			t.Fatalf("state %v: the next watch gave %+v", tt.state, next)
		}
	}
	// A state of another (older) connection changes nothing.
	h.m.Update(connStateMsg{conn: nil, state: connectivity.TransientFailure, ch: ch, ok: true})
	if got := h.statusLine(); !strings.Contains(got, "● ready") {
		t.Fatalf("an old connection's state reached the bar: %q", got)
	}
	// A watch that ended (closed channel) leaves the last state.
	if _, cmd := h.m.Update(connStateMsg{conn: conn, ok: false}); cmd != nil || !strings.Contains(h.statusLine(), "● ready") {
		t.Fatalf("after the watch ended: cmd %v, bar %q", cmd != nil, h.statusLine())
	}
	h.m.Update(connStateMsg{conn: conn, state: connectivity.Shutdown, ch: ch, ok: true})
	if got := h.statusLine(); !strings.Contains(got, "✗ closed") {
		t.Fatalf("shutdown: the bar shows %q", got)
	}
}

// TestFlashClears: a flash takes the help line's place, a newer flash
// replaces it, the timer of the older one does not clear the newer, and
// the newer's own timer brings the help back. Errors are marked ✗.
func TestFlashClears(t *testing.T) {
	h := newHarness(t, 100, 24)
	h.waitServices()
	help := h.helpLine()
	if strings.Contains(help, "●") || strings.Contains(help, "✗") {
		t.Fatalf("the help line shows a flash before any: %q", help)
	}
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Fl")
	h.press("ctrl+s")
	h.waitCallDone()
	help = h.helpLine()
	h.waitScreen("Hello Fl")
	h.press("y") // copy the response
	first := h.m.flashID
	if got := h.helpLine(); !strings.Contains(got, "● ") || !strings.Contains(got, "copied") {
		t.Fatalf("after y the help line shows %q, want the copied flash", got)
	}
	errCmd := h.m.setFlash("history not saved: disk full", true)
	if got := h.helpLine(); !strings.Contains(got, "✗ history not saved: disk full") {
		t.Fatalf("an error flash shows %q", got)
	}
	h.send(flashMsg{id: first}) // the first flash's timer runs out
	if got := h.helpLine(); !strings.Contains(got, "disk full") {
		t.Fatalf("the older flash's timer cleared the newer flash: %q", got)
	}
	if errCmd == nil {
		t.Fatal("a flash has no timer")
	}
	h.clearFlash()
	if got := h.helpLine(); got != help {
		t.Fatalf("after the flash the help line is %q, want %q", got, help)
	}
	// The timer sends the flash's id.
	if msg, ok := flashCmd(42, time.Millisecond)().(flashMsg); !ok || msg.id != 42 {
		t.Fatalf("flashCmd(42) sent %#v", msg)
	}
}

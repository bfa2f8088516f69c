package tui

import (
	"github.com/grpcsh/grpcsh/repl"
)

// Calls sent from the form (ctrl+s, a history re-run) are recorded for the
// command bar's let and expect, as the bar's own `call` is: `:expect
// .message == "Hello x"` checks the call just made, wherever it was made.

// observeEvents records a batch of the current call's events.
func (m *appModel) observeEvents(msg callEventsMsg) {
	c := m.call
	if c == nil || c.id != msg.id {
		return
	}
	if c.obs == nil {
		c.obs = repl.ObserveCall(c.method)
	}
	for _, ev := range msg.events {
		c.obs.Record(ev)
	}
}

// observeEnd hands the ended call to the command bar's executor.
func (m *appModel) observeEnd(c *call) {
	if c.obs == nil {
		c.obs = repl.ObserveCall(c.method)
	}
	c.obs.Failed(c.status)
	m.exec.observed(c.obs)
}

// observed keeps o for the next command line: the executor belongs to the
// goroutine that runs the command bar's lines, so o is handed over there
// (exec), not set from the UI's goroutine.
func (e *cmdExecutor) observed(o *repl.ObservedCall) {
	e.mu.Lock()
	e.pending = o
	e.mu.Unlock()
}

// takeObserved applies the call the form made last, if any.
func (e *cmdExecutor) takeObserved() {
	e.mu.Lock()
	o := e.pending
	e.pending = nil
	e.mu.Unlock()
	e.x.SetLast(o)
}

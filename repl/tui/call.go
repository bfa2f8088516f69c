package tui

import (
	"context"
	"errors"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// A call's life in the TUI: Update starts it with startCallCmd, which
// connects (Session.Start waits for a reconnect), sends the first request
// and, for unary and server-streaming methods, closes the request side.
// readEventsCmd then drains the stream's events in batches; client and bidi
// streams send further requests one at a time with sendCmd (queued in the
// model, so their order is kept) and end with closeSendCmd. Nothing here
// blocks Update: every network step is a tea.Cmd.

type callPhase int

const (
	phaseStarting   callPhase = iota // connecting, first request on its way
	phaseOpen                        // the call runs; a client stream may send
	phaseHalfClosed                  // requests done, responses may follow
	phaseDone                        // the EndEvent arrived (or the call never started)
)

// call is one RPC, running or done.
type call struct {
	id        int
	method    protoreflect.MethodDescriptor
	stream    *dynamic.Stream
	cancel    context.CancelFunc
	startedAt time.Time // wall clock (app.now)
	phase     callPhase
	header    metadata.MD // request headers sent (for history)

	requests    []string // JSON of the requests sent, the first maxKeptRequests
	sent        int
	queue       []proto.Message // requests waiting for the one being sent
	sending     bool
	closeQueued bool // close the request side once the queue is sent

	respHeader metadata.MD
	gotHeader  bool
	headerAt   time.Duration
	firstMsgAt time.Duration
	trailer    metadata.MD
	status     *dynamic.Status
	elapsed    time.Duration
	msgs       msgLog
	rate       rateMeter
	cancelled  bool // the user cancelled
	sendErr    error
	saved      bool               // added to history
	obs        *repl.ObservedCall // for the command bar's let and expect (observe.go)
}

const maxKeptRequests = 100

func (c *call) running() bool { return c.phase != phaseDone }

// canSend says the user may send another request on this call.
func (c *call) canSend() bool {
	return c.method.IsStreamingClient() && (c.phase == phaseStarting || c.phase == phaseOpen) && !c.closeQueued
}

func (c *call) code() codes.Code {
	if c.status == nil || c.status.Status == nil {
		return codes.OK
	}
	return c.status.Code()
}

// callStartedMsg reports startCallCmd's result.
type callStartedMsg struct {
	id      int
	stream  *dynamic.Stream
	err     error // the call could not start (no connection...)
	sendErr error // the first request could not be sent
	sent    bool  // the first request was sent
	closed  bool  // the request side was closed
}

// callEventsMsg is a batch of events of a call; closed says the stream's
// event channel is closed (the EndEvent was the last one).
type callEventsMsg struct {
	id     int
	events []dynamic.Event
	closed bool
}

// callSentMsg reports one sendCmd.
type callSentMsg struct {
	id  int
	err error
}

// callClosedMsg reports closeSendCmd.
type callClosedMsg struct {
	id  int
	err error
}

// startCallCmd starts a call of m and sends first (nil sends nothing yet:
// a client stream opened empty); for unary and server-streaming methods it
// also closes the request side.
func startCallCmd(ctx context.Context, s *repl.Session, id int, m protoreflect.MethodDescriptor, first proto.Message) tea.Cmd {
	return guard(func() tea.Msg {
		stream, err := s.Start(ctx, m)
		if err != nil {
			return callStartedMsg{id: id, err: err}
		}
		msg := callStartedMsg{id: id, stream: stream}
		if first != nil {
			if err := stream.Send(first); err != nil {
				msg.sendErr = err
				return msg
			}
			msg.sent = true
		}
		if !m.IsStreamingClient() {
			msg.sendErr = stream.CloseSend()
			msg.closed = true
		}
		return msg
	})
}

// batchMax bounds one batch of events; batchWindow is how long a batch
// keeps collecting after its first event, so that a fast stream updates the
// screen a few dozen times a second, not once per message.
const (
	batchMax    = 4096
	batchWindow = 25 * time.Millisecond
)

// readEventsCmd waits for the next event of a call and returns it with
// whatever else arrives within batchWindow.
func readEventsCmd(id int, ch <-chan dynamic.Event) tea.Cmd {
	return guard(func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return callEventsMsg{id: id, closed: true}
		}
		evs := []dynamic.Event{ev}
		if _, end := ev.(dynamic.EndEvent); end {
			_, ok := <-ch
			return callEventsMsg{id: id, events: evs, closed: !ok}
		}
		timer := time.NewTimer(batchWindow)
		defer timer.Stop()
		for len(evs) < batchMax {
			select {
			case ev, ok := <-ch:
				if !ok {
					return callEventsMsg{id: id, events: evs, closed: true}
				}
				evs = append(evs, ev)
			case <-timer.C:
				return callEventsMsg{id: id, events: evs}
			}
		}
		return callEventsMsg{id: id, events: evs}
	})
}

// sendCmd sends one more request of a client or bidi stream.
func sendCmd(id int, stream *dynamic.Stream, msg proto.Message) tea.Cmd {
	return guard(func() tea.Msg {
		return callSentMsg{id: id, err: stream.Send(msg)}
	})
}

// closeSendCmd closes the request side of a stream.
func closeSendCmd(id int, stream *dynamic.Stream) tea.Cmd {
	return guard(func() tea.Msg {
		return callClosedMsg{id: id, err: stream.CloseSend()}
	})
}

// startErrorStatus turns an error of Session.Start (no connection,
// cancelled while connecting) into a status for display.
func startErrorStatus(err error) *dynamic.Status {
	st, ok := status.FromError(err)
	if !ok {
		code := codes.Unavailable
		switch {
		case errors.Is(err, context.Canceled):
			code = codes.Canceled
		case errors.Is(err, context.DeadlineExceeded):
			code = codes.DeadlineExceeded
		default:
			if c := status.Code(errors.Unwrap(err)); c != codes.Unknown && c != codes.OK {
				code = c
			}
		}
		st = status.New(code, err.Error())
	}
	return &dynamic.Status{Status: st}
}

// The app's side of a call: the keys that start, feed and cancel it, and
// what the callModel asks for (afterCalls).

// afterCalls handles, at once, what the callModel sent to the app.
func (m *appModel) afterCalls(cmd tea.Cmd) tea.Cmd { return m.drain(cmd) }

// cancelCall cancels the call in flight; its EndEvent then says CANCELLED.
func (m *appModel) cancelCall() tea.Cmd { return m.afterCalls(m.callModel.cancel()) }

func (m *appModel) closeSend() tea.Cmd { return m.afterCalls(m.callModel.closeSend()) }

func (m *appModel) queueSend(c *call, msg proto.Message) tea.Cmd {
	return m.afterCalls(m.callModel.queueSend(c, msg))
}

// send is ctrl+s: start a call with the form's request, or send the form's
// message on the client stream that is open.
func (m *appModel) send() tea.Cmd {
	m.overlays = nil
	if !m.hasForm {
		md := m.tree.selected()
		if md == nil {
			return m.setFlash("select a method first (↑/↓, enter)", true)
		}
		m.openForm(md)
	} else if md := m.tree.selected(); m.focus == focusTree && md != nil && md.FullName() != m.method.FullName() {
		m.openForm(md)
	}
	c := m.call
	if c != nil && c.running() {
		if c.method.FullName() == m.method.FullName() && c.canSend() {
			msg, err := m.form.Message()
			if err != nil {
				return m.setFlashWhile("not sent: "+err.Error(), true, m.whileFormInvalid())
			}
			return m.queueSend(c, msg)
		}
		return m.setFlashWhile("a call is running: esc or ctrl+c cancels it", true, m.whileCallRuns())
	}
	msg, err := m.form.Message()
	if err != nil {
		cmd := m.setFocus(focusForm)
		return tea.Batch(cmd, m.setFlashWhile("not sent: "+err.Error(), true, m.whileFormInvalid()))
	}
	return m.startCall(m.method, []proto.Message{msg}, false)
}

// unsetHeaderRef finds a header whose value still holds a ${NAME}: a call
// loaded from a collection whose file binds NAME with let. Sent as it is,
// the reference would reach the server as text.
func unsetHeaderRef(md metadata.MD) (string, bool) {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range md[k] {
			if hasRef(v) {
				return k, true
			}
		}
	}
	return "", false
}

// startCall starts a call of md sending reqs (callModel.start) and shows
// its response.
func (m *appModel) startCall(md protoreflect.MethodDescriptor, reqs []proto.Message, closeAfter bool) tea.Cmd {
	if key, ok := unsetHeaderRef(m.s.Header()); ok {
		return m.setFlash("not sent: header "+key+" still holds a ${NAME} that nothing has set (its file binds it with let when it runs: t in the collection runs the file; ctrl+o sets the header)", true)
	}
	m.nextID++
	start := m.callModel.start(m.nextID, md, reqs, closeAfter)
	m.resp.reset()
	m.cmd.showOut = false
	var cmds []tea.Cmd
	if !md.IsStreamingClient() {
		cmds = append(cmds, m.setFocus(focusResp))
	}
	cmds = append(cmds, start, m.startSpinner())
	return tea.Batch(cmds...)
}

// finish records a call that ended in the history.
func (m *appModel) finish(c *call) tea.Cmd {
	if c.saved {
		return nil
	}
	c.saved = true
	m.observeEnd(c)
	m.resp.dirty = true
	e := entryOf(c, m.s.Target())
	m.hist.add(e)
	cmds := []tea.Cmd{addHistoryCmd(m.store, e)}
	if c.cancelled {
		cmds = append(cmds, m.setFlash(string(c.method.Name())+" cancelled", false))
	}
	return tea.Batch(cmds...)
}

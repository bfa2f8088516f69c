package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
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

	respHeader    metadata.MD
	gotHeader     bool
	headerAt      time.Duration
	firstMsgAt    time.Duration
	trailer       metadata.MD
	status        *dynamic.Status
	elapsed       time.Duration
	msgs          msgRing
	rate          rateMeter
	cancelled     bool // the user cancelled
	sendErr       error
	saved         bool // added to history
	historyHeader metadata.MD
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

// The app's side of a call: starting, sending, cancelling, and taking in
// its events.

// cancelCall cancels the call in flight; its EndEvent then says CANCELLED.
func (m *appModel) cancelCall() tea.Cmd {
	c := m.call
	if c == nil || !c.running() {
		return nil
	}
	if c.cancelled {
		return m.setFlash("cancelling… (ctrl+c again once it has ended quits)", false)
	}
	c.cancelled = true
	c.cancel()
	if c.stream != nil {
		c.stream.Cancel()
	}
	m.resp.dirty = true
	return m.setFlash("cancelling "+string(c.method.Name())+"…", false)
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
				return m.setFlash("not sent: "+err.Error(), true)
			}
			return m.queueSend(c, msg)
		}
		return m.setFlash("a call is running: esc or ctrl+c cancels it", true)
	}
	msg, err := m.form.Message()
	if err != nil {
		cmd := m.setFocus(focusForm)
		return tea.Batch(cmd, m.setFlash("not sent: "+err.Error(), true))
	}
	return m.startCall(m.method, []proto.Message{msg}, false)
}

// startCall starts a call of md sending reqs: the first at once; for a
// client stream the others are queued and, with closeAfter, the request
// side is closed after them (a history re-run).
func (m *appModel) startCall(md protoreflect.MethodDescriptor, reqs []proto.Message, closeAfter bool) tea.Cmd {
	m.nextID++
	ctx, cancel := context.WithCancel(m.ctx)
	c := &call{
		id:        m.nextID,
		method:    md,
		cancel:    cancel,
		startedAt: m.now(),
		phase:     phaseStarting,
		header:    m.s.Header(),
		msgs:      newMsgRing(m.keep),
	}
	var first proto.Message
	if len(reqs) > 0 {
		first = reqs[0]
		c.addRequest(first)
		for _, r := range reqs[1:] {
			c.queue = append(c.queue, r)
			c.addRequest(r)
		}
	}
	c.closeQueued = closeAfter && md.IsStreamingClient()
	m.call = c
	m.resp.reset()
	m.cmd.showOut = false
	var cmds []tea.Cmd
	if !md.IsStreamingClient() {
		cmds = append(cmds, m.setFocus(focusResp))
	}
	cmds = append(cmds, startCallCmd(ctx, m.s, c.id, md, first), m.startSpinner())
	return tea.Batch(cmds...)
}

func (c *call) addRequest(msg proto.Message) {
	if len(c.requests) >= maxKeptRequests {
		return
	}
	b, err := protojson.MarshalOptions{}.Marshal(msg)
	if err != nil {
		return
	}
	c.requests = append(c.requests, string(b))
}

func (m *appModel) queueSend(c *call, msg proto.Message) tea.Cmd {
	c.queue = append(c.queue, msg)
	c.addRequest(msg)
	m.resp.dirty = true
	return tea.Batch(m.pump(c), m.setFlash(fmt.Sprintf("message %d queued", c.sent+len(c.queue)), false))
}

// pump sends the next queued request, or closes the request side when asked
// and nothing is left to send.
func (m *appModel) pump(c *call) tea.Cmd {
	if c.stream == nil || c.sending || !c.running() {
		return nil
	}
	if len(c.queue) > 0 {
		msg := c.queue[0]
		c.queue = c.queue[1:]
		c.sending = true
		return sendCmd(c.id, c.stream, msg)
	}
	if c.closeQueued && c.phase == phaseOpen {
		c.phase = phaseHalfClosed
		return closeSendCmd(c.id, c.stream)
	}
	return nil
}

// closeSend is ctrl+x: no more requests on the open client stream.
func (m *appModel) closeSend() tea.Cmd {
	c := m.call
	if c == nil || !c.running() || !c.method.IsStreamingClient() {
		return m.setFlash("ctrl+x ends the requests of a running client or bidi stream", true)
	}
	if c.closeQueued || c.phase == phaseHalfClosed {
		return nil
	}
	c.closeQueued = true
	m.resp.dirty = true
	return tea.Batch(m.pump(c), m.setFlash("request stream closed: waiting for the server", false))
}

func (m *appModel) onStarted(msg callStartedMsg) tea.Cmd {
	c := m.call
	if c == nil || c.id != msg.id {
		if msg.stream != nil {
			msg.stream.Cancel()
		}
		return nil
	}
	m.resp.dirty = true
	if msg.err != nil {
		c.phase = phaseDone
		c.status = startErrorStatus(msg.err)
		if c.cancelled && c.status.Code() != codes.Canceled {
			c.status = &dynamic.Status{Status: status.New(codes.Canceled, "cancelled while connecting: "+msg.err.Error())}
		}
		c.elapsed = m.now().Sub(c.startedAt)
		c.cancel()
		return m.finish(c)
	}
	c.stream = msg.stream
	if c.cancelled {
		c.stream.Cancel()
	}
	if msg.sendErr != nil {
		c.sendErr = msg.sendErr
	}
	if msg.sent {
		c.sent++
	}
	if msg.closed {
		c.phase = phaseHalfClosed
	} else {
		c.phase = phaseOpen
	}
	return tea.Batch(readEventsCmd(c.id, c.stream.Events()), m.pump(c))
}

func (m *appModel) onSent(msg callSentMsg) tea.Cmd {
	c := m.call
	if c == nil || c.id != msg.id {
		return nil
	}
	c.sending = false
	m.resp.dirty = true
	if msg.err != nil {
		c.sendErr = msg.err
		c.queue = nil
		return m.setFlash("not sent: "+msg.err.Error(), true)
	}
	c.sent++
	return m.pump(c)
}

func (m *appModel) onEvents(msg callEventsMsg) tea.Cmd {
	c := m.call
	if c == nil || c.id != msg.id {
		return nil
	}
	// Format only the messages the ring will keep.
	nMsgs := 0
	for _, ev := range msg.events {
		if _, ok := ev.(dynamic.MessageEvent); ok {
			nMsgs++
		}
	}
	skip := max(nMsgs-m.keep, 0)
	f := m.s.Formatter(true)
	colorJSON := m.st.colorJSON && m.s.Settings().Format != "text"
	var cmd tea.Cmd
	for _, ev := range msg.events {
		switch e := ev.(type) {
		case dynamic.HeaderEvent:
			c.respHeader, c.gotHeader, c.headerAt = e.Header, true, e.Elapsed
		case dynamic.MessageEvent:
			if c.msgs.total == 0 {
				c.firstMsgAt = e.Elapsed
			}
			if skip > 0 {
				skip--
				c.msgs.skip(1)
				continue
			}
			text, err := formatMessage(f, e.Message)
			if err != nil {
				text = dynamic.SafeLine(fmt.Sprintf("<response %d: %v>", e.Index, err))
			}
			colored := text
			if colorJSON {
				colored = repl.ColorJSON(text)
			}
			c.msgs.push(streamMsg{index: e.Index, at: e.Elapsed, json: text, colored: colored})
		case dynamic.EndEvent:
			c.status = e.Status
			c.trailer = e.Trailer
			c.elapsed = e.Elapsed
			c.phase = phaseDone
			if e.Sent > c.sent {
				c.sent = e.Sent
			}
			c.cancel()
			cmd = m.finish(c)
		}
	}
	c.rate.add(m.now(), c.msgs.total)
	m.resp.dirty = true
	if msg.closed || c.phase == phaseDone || c.stream == nil {
		return cmd
	}
	return tea.Batch(cmd, readEventsCmd(c.id, c.stream.Events()))
}

// finish records a call that ended in the history.
func (m *appModel) finish(c *call) tea.Cmd {
	if c.saved {
		return nil
	}
	c.saved = true
	m.resp.dirty = true
	e := entryOf(c, m.s.Target())
	m.hist.add(e)
	cmds := []tea.Cmd{addHistoryCmd(m.store, e)}
	if c.cancelled {
		cmds = append(cmds, m.setFlash(string(c.method.Name())+" cancelled", false))
	}
	return tea.Batch(cmds...)
}

package tui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// callModel is the lifecycle of the call in flight (start, stream, cancel,
// end) and the connection state the status line shows. It knows nothing
// of the panes: what the app must do about a call (redraw the response,
// flash, record the ended call) it says with messages through uiCtx.send,
// which the app handles when the callModel method returns (afterCalls).
// The current call itself is uiCtx.call: the response pane and the
// status bar read it.
type callModel struct {
	ctx  context.Context
	ui   *uiCtx
	keep int // stream messages kept per call

	// The status line's connection state.
	conn       *dynamic.Conn
	connState  connectivity.State
	stateKnown bool
	describe   string
}

// callChangedMsg: the call changed, the response pane redraws.
type callChangedMsg struct{}

// callFlashMsg: a flash about the call for the hint bar.
type callFlashMsg struct {
	text     string
	isErr    bool
	untilEnd bool // true only while the call runs: cleared when it ends
}

// callEndedMsg: the call ended; the app records it in the history.
type callEndedMsg struct{ c *call }

func (k *callModel) changed() { k.ui.send(callChangedMsg{}) }

func (k *callModel) flash(text string, isErr bool) tea.Cmd {
	k.ui.send(callFlashMsg{text: text, isErr: isErr})
	return nil
}

// flashUntilEnd is a flash about the running call that its end makes
// stale ("request stream closed", "cancelling…").
func (k *callModel) flashUntilEnd(text string) tea.Cmd {
	k.ui.send(callFlashMsg{text: text, untilEnd: true})
	return nil
}

func (k *callModel) end(c *call) tea.Cmd {
	k.ui.send(callEndedMsg{c: c})
	return nil
}

// running says a call is in flight.
func (k *callModel) running() bool { return k.ui.call != nil && k.ui.call.running() }

// start makes call id of md, sending reqs: the first at once; for a client
// stream the others are queued and, with closeAfter, the request side is
// closed after them (a history re-run).
func (k *callModel) start(id int, md protoreflect.MethodDescriptor, reqs []proto.Message, closeAfter bool) tea.Cmd {
	ctx, cancel := context.WithCancel(k.ctx)
	c := &call{
		id:        id,
		method:    md,
		cancel:    cancel,
		startedAt: k.ui.now(),
		phase:     phaseStarting,
		header:    k.ui.s.Header(),
		msgs:      newMsgRing(k.keep),
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
	k.ui.call = c
	return startCallCmd(ctx, k.ui.s, c.id, md, first)
}

// cancel cancels the call in flight; its EndEvent then says CANCELLED.
func (k *callModel) cancel() tea.Cmd {
	c := k.ui.call
	if c == nil || !c.running() {
		return nil
	}
	if c.cancelled {
		return k.flashUntilEnd("cancelling… (ctrl+c again once it has ended quits)")
	}
	c.cancelled = true
	c.cancel()
	if c.stream != nil {
		c.stream.Cancel()
	}
	k.changed()
	return k.flashUntilEnd("cancelling " + string(c.method.Name()) + "…")
}

// onClosed: the request side of call msg.id is closed.
func (k *callModel) onClosed(msg callClosedMsg) {
	if c := k.ui.call; c != nil && c.id == msg.id {
		if msg.err != nil {
			c.sendErr = msg.err
		}
		if c.phase == phaseOpen || c.phase == phaseStarting {
			c.phase = phaseHalfClosed
		}
	}
}

// watchConn follows the session's connection after a command that may
// have changed it, and says whether it did.
func (k *callModel) watchConn() (tea.Cmd, bool) {
	conn := k.ui.s.Conn()
	if conn == k.conn {
		return nil, false
	}
	k.conn = conn
	k.describe = ""
	k.stateKnown = false
	if conn == nil {
		return nil, true
	}
	k.describe = conn.Describe()
	return watchStateCmd(conn, conn.WatchState(k.ctx)), true
}

// onConnState takes a state of the watched connection.
func (k *callModel) onConnState(msg connStateMsg) tea.Cmd {
	if msg.conn != k.ui.s.Conn() || !msg.ok {
		return nil // an old connection's watch, or the watch ended
	}
	k.connState, k.stateKnown = msg.state, true
	return watchStateCmd(msg.conn, msg.ch)
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

func (k *callModel) queueSend(c *call, msg proto.Message) tea.Cmd {
	c.queue = append(c.queue, msg)
	c.addRequest(msg)
	k.changed()
	// Numbered from 1, as the stream line counts them ("3 sent") and the
	// responses are (#1): the ones sent, the one sending, the queue.
	n := c.sent + len(c.queue)
	if c.sending {
		n++
	}
	flash := k.flashUntilEnd(fmt.Sprintf("request #%d queued", n))
	return tea.Batch(k.pump(c), flash)
}

// pump sends the next queued request, or closes the request side when asked
// and nothing is left to send.
func (k *callModel) pump(c *call) tea.Cmd {
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
func (k *callModel) closeSend() tea.Cmd {
	c := k.ui.call
	if c == nil || !c.running() || !c.method.IsStreamingClient() {
		return k.flash("ctrl+x ends the requests of a running client or bidi stream", true)
	}
	if c.closeQueued || c.phase == phaseHalfClosed {
		return nil
	}
	c.closeQueued = true
	k.changed()
	return tea.Batch(k.pump(c), k.flashUntilEnd("request stream closed: waiting for the server"))
}

func (k *callModel) onStarted(msg callStartedMsg) tea.Cmd {
	c := k.ui.call
	if c == nil || c.id != msg.id {
		if msg.stream != nil {
			msg.stream.Cancel()
		}
		return nil
	}
	k.changed()
	if msg.err != nil {
		c.phase = phaseDone
		c.status = startErrorStatus(msg.err)
		if c.cancelled && c.status.Code() != codes.Canceled {
			c.status = &dynamic.Status{Status: status.New(codes.Canceled, "cancelled while connecting: "+msg.err.Error())}
		}
		c.elapsed = k.ui.now().Sub(c.startedAt)
		c.cancel()
		return k.end(c)
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
	return tea.Batch(readEventsCmd(c.id, c.stream.Events()), k.pump(c))
}

func (k *callModel) onSent(msg callSentMsg) tea.Cmd {
	c := k.ui.call
	if c == nil || c.id != msg.id {
		return nil
	}
	c.sending = false
	k.changed()
	if msg.err != nil {
		c.sendErr = msg.err
		c.queue = nil
		return k.flash("not sent: "+msg.err.Error(), true)
	}
	c.sent++
	return k.pump(c)
}

func (k *callModel) onEvents(msg callEventsMsg) tea.Cmd {
	c := k.ui.call
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
	skip := max(nMsgs-k.keep, 0)
	f := k.ui.s.Formatter(true)
	colorJSON := k.ui.st.colorJSON && k.ui.s.Settings().Format != "text"
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
			cmd = k.end(c)
		}
	}
	c.rate.add(k.ui.now(), c.msgs.total)
	k.changed()
	if msg.closed || c.phase == phaseDone || c.stream == nil {
		return cmd
	}
	return tea.Batch(cmd, readEventsCmd(c.id, c.stream.Events()))
}

package repl

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// ObservedCall is a call made outside the command language — the TUI's
// request form — recorded the way `call` records its own, so that let and
// expect on the command bar read whichever call was made last. It is
// filled from one goroutine (the TUI's), then handed to the executor with
// SetLast; it is not changed after that.
type ObservedCall struct{ r callResult }

// ObserveCall starts the record of a call of m.
func ObserveCall(m protoreflect.MethodDescriptor) *ObservedCall {
	return &ObservedCall{r: callResult{method: m}}
}

// Record takes one event of the call, as `call` does (with the same
// bounds on what is kept).
func (o *ObservedCall) Record(ev dynamic.Event) { o.r.record(ev) }

// Failed records the status of a call that ended without an end event
// (it never started).
func (o *ObservedCall) Failed(st *dynamic.Status) {
	if !o.r.ended {
		o.r.status = st
		o.r.err = &RPCError{Method: o.r.method, Status: st}
	}
}

// SetLast makes o the last call let and expect read. Call it from the
// goroutine that runs the executor's commands.
func (x *Executor) SetLast(o *ObservedCall) {
	if o != nil {
		x.last = &o.r
	}
}

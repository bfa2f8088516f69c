package repl

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itchyny/gojq"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// callResult is what the last call left for let and expect: its messages
// as they arrived (turned into JSON only when a query asks, so that calls
// that nothing inspects cost nothing more), its metadata and its status.
type callResult struct {
	method   protoreflect.MethodDescriptor
	messages []proto.Message // *dynamicpb.Message, or *dynamic.WireMessage
	header   metadata.MD
	trailer  metadata.MD
	status   *dynamic.Status
	ended    bool // an EndEvent came: the call reached the server
	elapsed  time.Duration
	err      error // what the call command returned
	// accepted says `expect status` has checked the call's failure: the
	// script goes on, and expressions may look at what the call left.
	accepted bool

	input   *queryInput // built on first use
	dropped int         // messages past maxKeptMessages, not kept
	kept    int         // bytes of the messages kept (their wire size)
}

// maxKeptMessages and maxKeptBytes bound what a call keeps for let and
// expect: a script that streams a million messages through, or a
// thousand of 20 MiB, must not hold them all. (A call's first message is
// kept whatever its size: it is no copy, and a unary call's response is
// held while it is printed anyway.)
const maxKeptMessages = 10000

// maxKeptBytes bounds them by size too: 10,000 messages of a megabyte
// each would otherwise be 10 GB. A variable for the tests.
var maxKeptBytes = 64 << 20

// record takes one event of the call.
func (r *callResult) record(ev dynamic.Event) {
	switch e := ev.(type) {
	case dynamic.HeaderEvent:
		r.header = e.Header
	case dynamic.MessageEvent:
		if r.dropped > 0 {
			r.dropped++
			break
		}
		// One response (unary, client stream) is bounded by the
		// connection's message size: only streams are sized.
		size := 0
		if r.method == nil || r.method.IsStreamingServer() {
			size = proto.Size(e.Proto())
		}
		if len(r.messages) < maxKeptMessages && r.kept+size <= maxKeptBytes {
			r.messages = append(r.messages, e.Proto())
			r.kept += size
		} else {
			// Past either bound let and expect refuse the call
			// (queryInput), so what was kept is of no use: let it go.
			r.dropped += len(r.messages) + 1
			r.messages, r.kept = nil, 0
		}
	case dynamic.EndEvent:
		r.status, r.trailer, r.elapsed, r.ended = e.Status, e.Trailer, e.Elapsed, true
	}
}

// failed says the call did not end with OK.
func (r *callResult) failed() bool { return r.err != nil || !r.status.OK() }

// queryVariables are the variables every let and expect expression sees,
// in the order the values are passed.
var queryVariables = []string{"$status", "$headers", "$trailers", "$elapsed_ms"}

// queryInput is a call's result as plain JSON values for gojq.
type queryInput struct {
	dot  any
	vars []any
}

// jsonValue turns a message into plain JSON values, numbers kept exact
// (json.Number) so that int64 fields compare as they are.
func jsonValue(s *Session, m proto.Message) (any, error) {
	text, err := (dynamic.Formatter{Types: s.Types()}).Format(m)
	if err != nil {
		return nil, err
	}
	return decodeJSON(text)
}

func decodeJSON(text string) (any, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// queryInput builds `.` and the variables: `.` is the response message of
// a unary or client-stream call (null when none came), the array of
// messages of a server or bidi stream.
func (r *callResult) queryInput(s *Session) (*queryInput, error) {
	if r.input != nil {
		return r.input, nil
	}
	if r.dropped > 0 {
		return nil, fmt.Errorf("the call returned %d messages: let and expect look at calls of at most %d messages and %d bytes", len(r.messages)+r.dropped, maxKeptMessages, maxKeptBytes)
	}
	msgs := make([]any, 0, len(r.messages))
	for i, m := range r.messages {
		v, err := jsonValue(s, m)
		if err != nil {
			return nil, fmt.Errorf("response %d as JSON: %w", i+1, err)
		}
		msgs = append(msgs, v)
	}
	var dot any = msgs
	if r.method != nil && !r.method.IsStreamingServer() {
		dot = nil
		if len(msgs) > 0 {
			dot = msgs[0]
		}
	}
	st := map[string]any{"code": json.Number("0"), "name": "OK", "message": "", "details": []any{}}
	if r.status != nil && r.status.Status != nil {
		details := []any{}
		for _, d := range r.status.Details {
			detail := map[string]any{}
			if d.Message != nil {
				if dm, ok := d.Message.(*dynamicpb.Message); ok {
					if v, err := jsonValue(s, dm); err == nil {
						if obj, ok := v.(map[string]any); ok {
							detail = obj
						}
					}
				} else if text, err := (dynamic.Formatter{Types: s.Types()}).Format(d.Message); err == nil {
					if v, err := decodeJSON(text); err == nil {
						if obj, ok := v.(map[string]any); ok {
							detail = obj
						}
					}
				}
			} else {
				detail["value"] = base64.StdEncoding.EncodeToString(d.Value)
			}
			detail["@type"] = d.TypeURL
			details = append(details, detail)
		}
		st = map[string]any{
			"code":    json.Number(fmt.Sprint(int(r.status.Code()))),
			"name":    CodeName(r.status.Code()),
			"message": r.status.Message(),
			"details": details,
		}
	}
	r.input = &queryInput{dot: dot, vars: []any{st, mdValue(r.header), mdValue(r.trailer), float64(r.elapsed.Microseconds()) / 1000}}
	return r.input, nil
}

// mdValue is metadata for a query: each key's values joined with ", " (as
// HTTP joins repeated headers), -bin values in base64.
func mdValue(md metadata.MD) map[string]any {
	out := map[string]any{}
	for k, vs := range md {
		vs = slices.Clone(vs)
		if strings.HasSuffix(k, "-bin") {
			for i, v := range vs {
				vs[i] = base64.StdEncoding.EncodeToString([]byte(v))
			}
		}
		out[k] = strings.Join(vs, ", ")
	}
	return out
}

// query is a compiled jq expression of let or expect, with its source.
type query struct {
	src  string
	code *gojq.Code
	// left is the left-hand side of a comparison (.count in .count == 3),
	// whose value a failed expect shows; nil for other expressions.
	left    *gojq.Code
	leftSrc string
}

// compileQuery compiles src, found at pos in the script. A jq syntax error
// points at its line and column.
func compileQuery(src string, pos Pos) (*query, error) {
	q, err := gojq.Parse(src)
	if err != nil {
		at := pos
		if pe, ok := err.(*gojq.ParseError); ok {
			off := min(max(pe.Offset-len(pe.Token), 0), len(src))
			at.Col += len([]rune(src[:off]))
		}
		return nil, &SyntaxError{Pos: at, Msg: fmt.Sprintf("jq: %v in %q", err, src)}
	}
	code, err := gojq.Compile(q, gojq.WithVariables(queryVariables))
	if err != nil {
		return nil, &SyntaxError{Pos: pos, Msg: fmt.Sprintf("jq: %v in %q", err, src)}
	}
	out := &query{src: src, code: code}
	switch q.Op {
	case gojq.OpEq, gojq.OpNe, gojq.OpLt, gojq.OpLe, gojq.OpGt, gojq.OpGe:
		if q.Left != nil && len(q.FuncDefs) == 0 {
			if left, err := gojq.Compile(q.Left, gojq.WithVariables(queryVariables)); err == nil {
				out.left, out.leftSrc = left, q.Left.String()
			}
		}
	}
	return out, nil
}

// run evaluates the query on in and returns every value it yields.
func (q *query) run(ctx context.Context, code *gojq.Code, in *queryInput) ([]any, error) {
	iter := code.RunWithContext(ctx, in.dot, in.vars...)
	var out []any
	for {
		v, ok := iter.Next()
		if !ok {
			return out, nil
		}
		if err, ok := v.(error); ok {
			if h, ok := err.(*gojq.HaltError); ok && h.Value() == nil {
				return out, nil
			}
			return out, fmt.Errorf("jq: %v", err)
		}
		out = append(out, v)
		if len(out) > 1000 {
			return out, fmt.Errorf("jq: more than 1000 values")
		}
	}
}

// compactJSON prints a query's value on one line, for messages and for
// let's bindings; what came from the server goes through SafeLine where it
// is shown.
func compactJSON(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

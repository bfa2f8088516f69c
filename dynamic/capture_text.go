package dynamic

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
)

// headerMeaning says what a gRPC header is for, for the learner.
var headerMeaning = map[string]string{
	":method":                 "every gRPC call is an HTTP/2 POST",
	":scheme":                 "http without TLS, https with it",
	":path":                   "/package.Service/Method: which method to run",
	":authority":              "the server's name, as HTTP's Host",
	":status":                 "HTTP status: 200 even when the call fails; grpc-status says how it went",
	"content-type":            "application/grpc: the body is gRPC's length-prefixed messages",
	"te":                      "trailers: the client reads trailers, where gRPC's status comes",
	"grpc-timeout":            "the deadline: a number and a unit (H, M, S, m ms, u µs, n ns)",
	"user-agent":              "the client library",
	"grpc-status":             "the call's status code (in the trailers)",
	"grpc-message":            "the status message, percent-encoded",
	"grpc-encoding":           "how the messages are compressed",
	"grpc-accept-encoding":    "the compressions this side can read",
	"grpc-status-details-bin": "base64 of a google.rpc.Status: the error's details",
}

// Text renders the call's frames, annotated: headers one per line with
// what they mean (secret values redacted), DATA with the 5-byte gRPC
// prefix and the message decoded field by field, the connection's own
// frames on one line each, and the timing.
func (c *CapturedCall) Text() string {
	var b strings.Builder
	if c.Shared {
		fmt.Fprintf(&b, "The real call, as HTTP/2 frames of its stream %d on the session's connection (→ client to server, ← server to client):\n", c.Stream)
	} else {
		fmt.Fprintf(&b, "The real call, as HTTP/2 frames captured on its connection (→ client to server, ← server to client):\n")
	}
	for _, f := range c.Frames {
		arrow := "←"
		if f.Sent {
			arrow = "→"
		}
		what := f.Type
		if f.StreamID != 0 {
			what += fmt.Sprintf(" stream %d", f.StreamID)
		}
		if f.Flags != "" {
			what += " [" + f.Flags + "]"
		}
		if f.Type == "HEADERS" && !f.Sent && strings.Contains(f.Flags, "END_STREAM") {
			what += ", the trailers"
		}
		fmt.Fprintf(&b, "%s %s, %d bytes, at %s", arrow, what, f.Length, fmtDuration(f.At))
		if f.Detail != "" {
			fmt.Fprintf(&b, ": %s", SafeLine(f.Detail))
		}
		b.WriteString("\n")
		for _, kv := range f.Header {
			v := kv[1]
			// Pseudo-headers (:authority...) are HTTP/2's own, never
			// credentials, though ":authority" contains "auth".
			if !strings.HasPrefix(kv[0], ":") && IsSecretKey(kv[0]) {
				v = Redact(map[string][]string{kv[0]: {v}})[kv[0]][0]
			}
			line := fmt.Sprintf("    %s: %s", SafeLine(kv[0]), SafeLine(v))
			meaning := headerMeaning[kv[0]]
			if kv[0] == "grpc-status" {
				if n, err := strconv.Atoi(v); err == nil {
					meaning = fmt.Sprintf("%s: %s", meaning, codes.Code(n))
				}
			}
			if meaning == "" && !strings.HasPrefix(kv[0], ":") && !strings.HasPrefix(kv[0], "grpc-") {
				meaning = "metadata"
			}
			if meaning != "" {
				line = fmt.Sprintf("%-44s  %s", line, meaning)
			}
			b.WriteString(line + "\n")
		}
		for i, msg := range f.Messages {
			md := c.Method.Output()
			if f.Sent {
				md = c.Method.Input()
			}
			comp := "0: not compressed"
			if f.Compressed[i] {
				comp = "1: compressed"
			}
			fmt.Fprintf(&b, "    gRPC prefix: %02x = %s, then %d as 4 bytes big-endian = the message's length\n", map[bool]int{false: 0, true: 1}[f.Compressed[i]], comp, len(msg))
			fmt.Fprintf(&b, "    a %s, %d bytes: %s\n", md.FullName(), len(msg), shortHex(msg))
			if !f.Compressed[i] {
				writeWireFields(&b, AnnotateWire(md, msg), "      ")
			}
		}
		for _, n := range f.NotKept {
			fmt.Fprintf(&b, "    a gRPC message of %d bytes, not kept: past the bytes the capture keeps per call\n", n)
		}
	}
	for _, n := range c.Notes {
		b.WriteString(n + "\n")
	}
	if c.Running {
		fmt.Fprintf(&b, "The call is still running: %d response message(s) so far.\n", c.Responses)
		return b.String()
	}
	code := codes.OK
	if c.Status != nil && c.Status.Status != nil {
		code = c.Status.Code()
	}
	fmt.Fprintf(&b, "The call took %s: %s, %d response message(s).\n", fmtDuration(c.Elapsed), code, c.Responses)
	return b.String()
}

func shortHex(b []byte) string {
	h := hexBytes(b)
	if len(h) > 60 {
		h = h[:57] + "..."
	}
	return h
}

// fmtDuration prints milliseconds with a fixed precision.
func fmtDuration(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}

package repl

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Exit codes, grpcurl's convention: a failed RPC exits 64 + its code.
const (
	ExitOK      = 0
	ExitRuntime = 1
	ExitUsage   = 2
	ExitRPCBase = 64
)

// RPCError is a call that ended with a non-OK status.
type RPCError struct {
	Method protoreflect.MethodDescriptor
	Status *dynamic.Status
}

func (e *RPCError) Error() string {
	return fmt.Sprintf("%s: %s", e.Status.Code(), dynamic.SafeLine(e.Status.Message()))
}

// UsageError is a mistake in how grpcsh was called or in a command.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usageErrorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// ExitCode maps an error to grpcsh's exit code: 0, 1 (runtime or
// connection), 2 (usage or syntax), 64 + the gRPC code for a failed call.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	// An error that knows its code (a script's, or `exit N`) says it.
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	var rpc *RPCError
	if errors.As(err, &rpc) {
		return ExitRPCBase + int(rpc.Status.Code())
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		return ExitUsage
	}
	var jsonErr *dynamic.JSONError
	if errors.As(err, &jsonErr) {
		return ExitUsage
	}
	if errors.Is(err, dynamic.ErrTextDefaults) {
		return ExitUsage
	}
	var configErr *dynamic.ConfigError
	if errors.As(err, &configErr) {
		return ExitUsage
	}
	return ExitRuntime
}

// Output prints what calls produce: responses to Out, everything else
// (headers, trailers and status with -v, errors) to Err.
type Output struct {
	Out, Err io.Writer
	// Pretty prints indented JSON (on a terminal); otherwise one compact
	// JSON object per line, for jq and scripts.
	Pretty bool
	Color  bool // colour the pretty JSON (off with NO_COLOR)
	// observe sees every event before it is printed: the executor keeps
	// the last call's result for let and expect this way.
	observe func(dynamic.Event)
}

// Event prints one event of a call.
func (o *Output) Event(s *Session, ev dynamic.Event) error {
	if o.observe != nil {
		o.observe(ev)
	}
	st := s.Settings()
	switch e := ev.(type) {
	case dynamic.HeaderEvent:
		if st.Verbose {
			fmt.Fprintf(o.Err, "Response headers received (%s):\n%s", e.Elapsed.Round(1000), formatMD(e.Header))
		}
	case dynamic.MessageEvent:
		var decorate func(string) string
		if o.Pretty && o.Color && !st.EmitDefaults && st.Format != "text" {
			decorate = ColorJSON
		}
		// Prepared, not formatted whole: large bytes values are streamed
		// from the message rather than copied (see dynamic.Formatted).
		text, err := s.Formatter(o.Pretty).Prepare(e.Proto(), decorate)
		if err != nil {
			return fmt.Errorf("printing response %d: %w", e.Index, err)
		}
		if _, err := text.WriteTo(o.Out); err != nil {
			return err
		}
	case dynamic.EndEvent:
		if st.Verbose {
			fmt.Fprintf(o.Err, "Response trailers received:\n%s", formatMD(e.Trailer))
			fmt.Fprintf(o.Err, "Sent %d request(s), received %d response(s) in %s\n", e.Sent, e.Received, e.Elapsed.Round(1000))
		}
	}
	return nil
}

// FormatStatus describes a failed call's status and its details for
// stderr: code, message, then each detail decoded, or its type URL and
// base64 bytes when its type is unknown.
func FormatStatus(s *Session, st *dynamic.Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ERROR:\n  Code: %s\n  Message: %s\n", st.Code(), dynamic.SafeLine(st.Message()))
	if len(st.Details) > 0 {
		b.WriteString("  Details:\n")
		b.WriteString(FormatDetails(s, st))
	}
	return b.String()
}

func formatMD(md metadata.MD) string {
	var b strings.Builder
	for _, kv := range MDLines(md, true) {
		fmt.Fprintf(&b, "  %s: %s\n", kv[0], kv[1])
	}
	if b.Len() == 0 {
		b.WriteString("  (empty)\n")
	}
	return b.String()
}

// MDLines lists metadata as grpcsh prints it, keys sorted: binary values
// ("-bin" keys) in base64, control characters in text escaped (see
// dynamic.SafeLine) so that a server cannot write escape sequences to the
// terminal, and, with redact,
// secret-looking values hidden.
func MDLines(md metadata.MD, redact bool) [][2]string {
	shown := md
	if redact {
		shown = dynamic.Redact(md)
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out [][2]string
	for _, k := range keys {
		for i, v := range md[k] {
			switch {
			case redact && dynamic.IsSecretKey(k):
				v = shown[k][i]
			case strings.HasSuffix(k, "-bin"):
				v = base64Of([]byte(v))
			default:
				v = dynamic.SafeLine(v)
			}
			out = append(out, [2]string{dynamic.SafeLine(k), v})
		}
	}
	return out
}

// CodeName is a status code's canonical name, as the gRPC specification
// spells it: NOT_FOUND, CANCELLED (with two Ls).
func CodeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("CODE_%d", c)
}

// codeNames are the canonical names of the status codes, as the gRPC
// specification spells them (CANCELLED with two Ls).
var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
	"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
}

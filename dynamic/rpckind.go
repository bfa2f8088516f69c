package dynamic

import "google.golang.org/protobuf/reflect/protoreflect"

// RPCKind is a method's kind: which sides stream. It is the one vocabulary
// of kinds: String is the long name (output, errors, explain), Short the
// badge (the TUI's tree, the history file's "kind").
type RPCKind int

const (
	Unary RPCKind = iota
	ServerStream
	ClientStream
	BidiStream
)

// MethodKind is m's kind.
func MethodKind(m protoreflect.MethodDescriptor) RPCKind {
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		return BidiStream
	case m.IsStreamingServer():
		return ServerStream
	case m.IsStreamingClient():
		return ClientStream
	}
	return Unary
}

var rpcKindNames = [...]struct{ short, long string }{
	Unary:        {"unary", "unary"},
	ServerStream: {"server", "server stream"},
	ClientStream: {"client", "client stream"},
	BidiStream:   {"bidi", "bidi stream"},
}

// String is the long name: "unary", "server stream", "client stream",
// "bidi stream".
func (k RPCKind) String() string {
	if k < 0 || int(k) >= len(rpcKindNames) {
		return "unknown kind"
	}
	return rpcKindNames[k].long
}

// Short is the one-word name: "unary", "server", "client", "bidi".
func (k RPCKind) Short() string {
	if k < 0 || int(k) >= len(rpcKindNames) {
		return "unknown"
	}
	return rpcKindNames[k].short
}

// StreamsRequests says the client sends a stream (client and bidi).
func (k RPCKind) StreamsRequests() bool { return k == ClientStream || k == BidiStream }

// StreamsResponses says the server answers with a stream (server and bidi).
func (k RPCKind) StreamsResponses() bool { return k == ServerStream || k == BidiStream }

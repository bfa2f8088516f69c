package dynamic_test

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// TestRPCKindNames: one kind per method of the showcase, with the short
// name the TUI's badges and the history use and the long one of output.
func TestRPCKindNames(t *testing.T) {
	sd := showcasepb.File_showcase_proto.Services().ByName("Showcase")
	for _, tc := range []struct {
		method      string
		kind        dynamic.RPCKind
		short, long string
		reqs, resps bool
	}{
		{"Echo", dynamic.Unary, "unary", "unary", false, false},
		{"Count", dynamic.ServerStream, "server", "server stream", false, true},
		{"Sum", dynamic.ClientStream, "client", "client stream", true, false},
		{"Chat", dynamic.BidiStream, "bidi", "bidi stream", true, true},
	} {
		k := dynamic.MethodKind(sd.Methods().ByName(protoreflect.Name(tc.method)))
		if k != tc.kind || k.Short() != tc.short || k.String() != tc.long || k.StreamsRequests() != tc.reqs || k.StreamsResponses() != tc.resps {
			t.Errorf("%s: kind %d %q/%q streams %v/%v, want %d %q/%q %v/%v", tc.method, k, k.Short(), k, k.StreamsRequests(), k.StreamsResponses(), tc.kind, tc.short, tc.long, tc.reqs, tc.resps)
		}
	}
	if got := dynamic.RPCKind(9).String(); got != "unknown kind" {
		t.Errorf("an out-of-range kind is %q", got)
	}
}

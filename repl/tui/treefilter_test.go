package tui

import (
	"strings"
	"testing"

	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// grpc-go's interop TestService has the method names the fuzzy filter is
// for: FullDuplexCall, HalfDuplexCall, StreamingOutputCall...
func interopServices() []protoreflect.ServiceDescriptor {
	f := testgrpc.File_grpc_testing_test_proto
	var out []protoreflect.ServiceDescriptor
	for i := 0; i < f.Services().Len(); i++ {
		out = append(out, f.Services().Get(i))
	}
	return out
}

func filteredMethods(t *treeModel) []string {
	var out []string
	for _, r := range t.rows {
		if r.method != nil {
			out = append(out, string(r.method.Name()))
		}
	}
	return out
}

// The tree's filter matches the letters of a method's name in order and
// ranks word-start and contiguous matches first; "/" starts a new filter
// (rough edge of issue 12: it appended to the last one).
func TestTreeFuzzyFilter(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	tr := &h.m.tree
	tr.setServices(append(interopServices(), tr.services...), nil, nil)
	h.press("/")
	h.typeText("fdc")
	got := filteredMethods(tr)
	if len(got) == 0 || got[0] != "FullDuplexCall" {
		t.Fatalf("fdc: methods %v, want FullDuplexCall first", got)
	}
	if sel := tr.selected(); sel == nil || sel.Name() != "FullDuplexCall" {
		t.Fatalf("fdc selected %v", sel)
	}
	for _, name := range got {
		if name == "SayHello" || name == "EmptyCall" {
			t.Errorf("fdc matched %s, which lacks f…d…c", name)
		}
	}
	// The letters matched are the ones marked in the name.
	if !strings.Contains(h.screen(), "FullDuplexCall") {
		t.Fatalf("screen:\n%s", h.screen())
	}
	if hits := tr.rows[tr.cursor].hits; len(hits) != 3 || hits[0] != 0 || hits[1] != 4 || hits[2] != 10 {
		t.Errorf("fdc hit letters %v of FullDuplexCall, want [0 4 10] (F, D, C: the word starts)", hits)
	}

	// A prefix ranks above a scattered match: "half" is HalfDuplexCall.
	h.press("enter", "/")
	if tr.filter.Value() != "" {
		t.Fatalf("/ kept the old filter %q: it must start a fresh one", tr.filter.Value())
	}
	h.typeText("half")
	if got := filteredMethods(tr); len(got) == 0 || got[0] != "HalfDuplexCall" {
		t.Fatalf("half: %v", got)
	}
	// "soc" ranks StreamingOutputCall (three word starts) above a method
	// whose letters are scattered.
	h.press("enter", "/")
	h.typeText("soc")
	if got := filteredMethods(tr); len(got) == 0 || got[0] != "StreamingOutputCall" {
		t.Fatalf("soc: %v", got)
	}
	// A word that is a substring of the service still narrows to it.
	h.press("enter", "/")
	h.typeText("greeter say")
	if got := filteredMethods(tr); len(got) != 1 || got[0] != "SayHello" {
		t.Fatalf("greeter say: %v", got)
	}
	h.press("enter")
	if sel := tr.selected(); sel == nil || sel.Name() != "SayHello" {
		t.Fatalf("enter selected %v", sel)
	}
	h.press("/")
	h.typeText("zzzq")
	if !strings.Contains(h.screen(), "no method matches") {
		t.Fatalf("no match:\n%s", h.screen())
	}
}

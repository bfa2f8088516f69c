package form

import (
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A oneof is a header row over its members; ←/→ or enter pick the member
// (none, member 1, member 2, …), the others keep their text for when the
// user switches back.

// cycleOneof moves a oneof through none, member 1, member 2, ...
func (m *Model) cycleOneof(r row, delta int) {
	var members []*fieldNode
	cur := -1
	for _, f := range r.msg.fields {
		if f.fd.ContainingOneof() == r.oneof {
			if f.set {
				cur = len(members)
			}
			members = append(members, f)
		}
	}
	n := len(members) + 1
	next := ((cur+1+delta)%n+n)%n - 1
	for _, f := range members {
		f.set = false
	}
	if next >= 0 {
		r.msg.setField(members[next])
	}
}

// oneofMember returns the set member of a oneof (nil if none).
func (fm *msgNode) oneofMember(oo protoreflect.OneofDescriptor) *fieldNode {
	for _, f := range fm.fields {
		if f.fd.ContainingOneof() == oo && f.set {
			return f
		}
	}
	return nil
}

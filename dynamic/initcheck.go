package dynamic

import (
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// checkInitialized is proto.CheckInitialized(m), skipped for the types
// that cannot fail it: no required field in them or in any message type
// they hold, no extensions. protojson and proto check every message they
// read or write, and for a dynamic message (the check walks it through
// reflection) that was four walks per call, request and response, in and
// out, of types that are nearly always proto3 (BenchmarkScriptVsStub).
// Readers and writers here pass AllowPartial and call this instead.
func checkInitialized(m proto.Message) error {
	if m == nil || !mayBeUninitialized(m.ProtoReflect().Descriptor()) {
		return nil
	}
	return proto.CheckInitialized(m)
}

var uninitializable sync.Map // protoreflect.MessageDescriptor → bool

// mayBeUninitialized says whether a message of type md can lack a
// required field: md or a message type reachable from its fields has one,
// or has extension ranges (an extension may be of such a type).
func mayBeUninitialized(md protoreflect.MessageDescriptor) bool {
	if v, ok := uninitializable.Load(md); ok {
		return v.(bool)
	}
	v := reachesRequired(md, map[protoreflect.FullName]bool{})
	uninitializable.Store(md, v)
	return v
}

func reachesRequired(md protoreflect.MessageDescriptor, seen map[protoreflect.FullName]bool) bool {
	if seen[md.FullName()] {
		return false // already being looked at, higher up
	}
	seen[md.FullName()] = true
	if md.RequiredNumbers().Len() > 0 || md.ExtensionRanges().Len() > 0 {
		return true
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsMap() {
			fd = fd.MapValue()
		}
		if m := fd.Message(); m != nil && reachesRequired(m, seen) {
			return true
		}
	}
	return false
}

package form

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// durationWidget edits a google.protobuf.Duration as a Go duration (1.5s,
// 100ms, 2h45m) or its proto JSON form (dynamic.ParseDuration reads them).
type durationWidget struct{ textBase }

func (durationWidget) name() string { return "duration" }

func (durationWidget) matches(t valueType) bool {
	return t.msg != nil && t.msg.FullName() == "google.protobuf.Duration"
}

func (durationWidget) parse(t valueType, text string, _ *valueCtx, _ bool) (protoreflect.Value, error) {
	secs, nanos, err := dynamic.ParseDuration(text)
	if err != nil {
		return protoreflect.Value{}, err
	}
	dm := dynamicpb.NewMessage(t.msg)
	fds := t.msg.Fields()
	dm.Set(fds.ByName("seconds"), protoreflect.ValueOfInt64(secs))
	dm.Set(fds.ByName("nanos"), protoreflect.ValueOfInt32(nanos))
	return protoreflect.ValueOfMessage(dm), nil
}

func (durationWidget) format(_ valueType, pv protoreflect.Value) string {
	m := pv.Message()
	fds := m.Descriptor().Fields()
	secs := m.Get(fds.ByName("seconds")).Int()
	nanos := m.Get(fds.ByName("nanos")).Int()
	return dynamic.FormatDuration(secs, int32(nanos)) //nolint:gosec // nanos is an int32 field
}

func (durationWidget) placeholder(valueType) string { return "e.g. 1.5s, 100ms, 1h30m" }

func (durationWidget) emptyText(valueType) string { return "0s" }

func (durationWidget) hint(valueType) string { return "1.5s, 100ms, 2h45m, -3s" }

func (durationWidget) startsValue(_ valueType, r rune) bool { return startsNumber(r) }

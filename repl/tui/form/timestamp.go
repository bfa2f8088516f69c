package form

import (
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// timestampWidget edits a google.protobuf.Timestamp as RFC 3339 text, a
// date, or now / now±duration (dynamic.ParseTimestamp reads them).
type timestampWidget struct{ textBase }

func (timestampWidget) name() string { return "timestamp" }

func (timestampWidget) matches(t valueType) bool {
	return t.msg != nil && t.msg.FullName() == "google.protobuf.Timestamp"
}

func (timestampWidget) parse(t valueType, text string, ctx *valueCtx, _ bool) (protoreflect.Value, error) {
	ts, err := dynamic.ParseTimestamp(text, ctx.clock)
	if err != nil {
		return protoreflect.Value{}, err
	}
	dm := dynamicpb.NewMessage(t.msg)
	fds := t.msg.Fields()
	dm.Set(fds.ByName("seconds"), protoreflect.ValueOfInt64(ts.Unix()))
	dm.Set(fds.ByName("nanos"), protoreflect.ValueOfInt32(int32(ts.Nanosecond()))) //nolint:gosec // below 1e9
	return protoreflect.ValueOfMessage(dm), nil
}

func (timestampWidget) format(_ valueType, pv protoreflect.Value) string {
	m := pv.Message()
	fds := m.Descriptor().Fields()
	secs := m.Get(fds.ByName("seconds")).Int()
	nanos := m.Get(fds.ByName("nanos")).Int()
	return time.Unix(secs, nanos).UTC().Format(time.RFC3339Nano)
}

func (timestampWidget) placeholder(valueType) string { return "RFC 3339 or now" }

func (timestampWidget) emptyText(valueType) string { return "1970-01-01T00:00:00Z" }

func (timestampWidget) hint(valueType) string { return "RFC 3339 (2024-05-01T12:00:00Z), now, now-1h" }

// startsValue: a date, or n for now.
func (timestampWidget) startsValue(_ valueType, r rune) bool { return r >= '0' && r <= '9' || r == 'n' }

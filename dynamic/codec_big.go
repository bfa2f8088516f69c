package dynamic

import (
	"google.golang.org/grpc/encoding"
	grpcproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// bigCodec is grpc's proto codec, except that a large response whose
// size is mostly top-level bytes fields (showcase.Showcase/Big's payload,
// a file download) is read with one copy instead of two: grpc's codec
// gathers the received frames into a pooled buffer and proto.Unmarshal
// copies each bytes field out of it again, so a 20 MiB payload was held
// three times (frames, buffer, message) before it was printed. Here the
// frames are gathered into a buffer of the message's own, and those bytes
// fields point into it (issue 12: a 20 MiB response to a pipe peaks at
// ≤ 3× its size; BenchmarkPipeBigResponse).
type bigCodec struct{}

// bigCodecMin is the message size below which the default codec is used:
// small messages are not worth a scan, and nothing is saved.
const bigCodecMin = 1 << 20

var defaultCodec = encoding.GetCodecV2(grpcproto.Name)

// Name is empty, not "proto": grpc sets a call's content-subtype from the
// name of a codec forced on it, and "proto" would change the request's
// content-type from application/grpc to application/grpc+proto.
func (bigCodec) Name() string { return "" }

// Marshal and Unmarshal of small messages are grpc's codec's, but for the
// required-field check, made only where it can fail (checkInitialized).
func (bigCodec) Marshal(v any) (mem.BufferSlice, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return defaultCodec.Marshal(v)
	}
	if err := checkInitialized(m); err != nil {
		return nil, err
	}
	size := proto.Size(m)
	if !mem.IsBelowBufferPoolingThreshold(size) {
		return defaultCodec.Marshal(v)
	}
	buf, err := proto.MarshalOptions{AllowPartial: true, UseCachedSize: true}.MarshalAppend(make([]byte, 0, size), m)
	if err != nil {
		return nil, err
	}
	return mem.BufferSlice{mem.SliceBuffer(buf)}, nil
}

func (bigCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return defaultCodec.Unmarshal(data, v)
	}
	if len(data) == 1 && data[0].Len() < bigCodecMin {
		// A small message in one frame (most are): read in place, not
		// gathered into a pooled copy first.
		if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data[0].ReadOnlyData(), m); err != nil {
			return err
		}
		return checkInitialized(m)
	}
	if data.Len() < bigCodecMin {
		buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
		defer buf.Free()
		if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(buf.ReadOnlyData(), m); err != nil {
			return err
		}
		return checkInitialized(m)
	}
	// Materialize allocates a buffer that is not the pool's: the message
	// may keep pointing into it.
	return unmarshalAliasing(data.Materialize(), m)
}

// unmarshalAliasing is proto.Unmarshal(b, m), except that the large
// singular top-level bytes fields of m are set to slices of b rather than
// copies. b must not change afterwards. It does so only when those fields
// are at least half of b, so that a small field does not keep a large
// buffer alive.
func unmarshalAliasing(b []byte, m proto.Message) error {
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	// aliasable says a field is one whose last value alone counts, so that
	// taking its occurrences out of b and setting the last one afterwards
	// gives what proto.Unmarshal gives.
	aliasable := func(num protowire.Number) protoreflect.FieldDescriptor {
		fd := fields.ByNumber(num)
		if fd == nil || fd.Kind() != protoreflect.BytesKind || fd.Cardinality() == protoreflect.Repeated ||
			(fd.ContainingOneof() != nil && !fd.ContainingOneof().IsSynthetic()) {
			return nil
		}
		return fd
	}
	// First pass: which fields have a large value, and how much of b they are.
	big := map[protowire.Number][]byte{}
	bigBytes := 0
	for rest := b; len(rest) > 0; {
		num, typ, n := protowire.ConsumeTag(rest)
		if n < 0 {
			return proto.Unmarshal(b, m) // let proto say what is wrong
		}
		l := protowire.ConsumeFieldValue(num, typ, rest[n:])
		if l < 0 {
			return proto.Unmarshal(b, m)
		}
		if typ == protowire.BytesType && l-protowire.SizeVarint(uint64(l)) >= bigCodecMin/4 && aliasable(num) != nil {
			val, _ := protowire.ConsumeBytes(rest[n:])
			big[num] = nil
			bigBytes += len(val)
		}
		rest = rest[n+l:]
	}
	if len(big) == 0 || bigBytes < len(b)/2 {
		return proto.Unmarshal(b, m)
	}
	// Second pass: every occurrence of those fields out of what proto
	// reads, the last one kept to be set.
	var others []byte
	for rest := b; len(rest) > 0; {
		num, typ, n := protowire.ConsumeTag(rest)
		l := protowire.ConsumeFieldValue(num, typ, rest[n:])
		if _, ok := big[num]; ok && typ == protowire.BytesType {
			big[num], _ = protowire.ConsumeBytes(rest[n:])
		} else {
			others = append(others, rest[:n+l]...)
		}
		rest = rest[n+l:]
	}
	kept := 0
	for _, val := range big {
		kept += len(val)
	}
	if kept < len(b)/2 {
		return proto.Unmarshal(b, m) // the large values were not the last
	}
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(others, m); err != nil {
		return err
	}
	for num, val := range big {
		r.Set(aliasable(num), protoreflect.ValueOfBytes(val))
	}
	return checkInitialized(m)
}

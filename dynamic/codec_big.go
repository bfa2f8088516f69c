package dynamic

import (
	"runtime/debug"

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
// fields point into it; from bigReleaseMin on, each frame is let go once
// copied (gatherReleasing), so that the frames and the copy are not held
// together either (issue 12: a 20 MiB response peaks at ≤ 3× its size;
// BenchmarkPipeBigResponse, BenchmarkTUIBigMem).
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
	if w, ok := v.(*WireMessage); ok {
		if wire, ok := w.undecoded(); ok {
			// Read from JSON into its wire form (ParseRequestJSON): a
			// plain shape has no required fields to check.
			return mem.BufferSlice{mem.SliceBuffer(wire)}, nil
		}
		v = w.Message()
	}
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
	if w, ok := v.(*WireMessage); ok && w.wire == nil && w.msg.Load() == nil {
		return w.unmarshalWire(data) // a reply kept in its wire form (Call.WireReplies)
	}
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
	if data.Len() < bigReleaseMin {
		// Materialize allocates a buffer that is not the pool's: the
		// message may keep pointing into it.
		return unmarshalAliasing(data.Materialize(), m)
	}
	return unmarshalAliasing(gatherReleasing(data), m)
}

// bigReleaseMin is the message size from which gatherReleasing copies the
// received frames: below it the frames and their copy together are a few
// MiB, not worth the forced garbage collections.
const bigReleaseMin = 8 << 20

// releaseMemory is debug.FreeOSMemory, a variable so that
// BenchmarkBigReceive can time it and tests count it.
var releaseMemory = debug.FreeOSMemory

// gatherReleasing is data.Materialize() for a message of several MiB,
// except that the received frames and their copy are not resident at
// once. Materialize's copy doubles the message: the frames (grpc's pooled
// buffers, 16 KiB each) stay until grpc frees them after Unmarshal, and
// then sit in grpc's sync.Pools until two collections. A 20 MiB response
// to a pipe peaked at 62.9 MiB, 3.14× the payload (idle process 20.8 MiB
// + frames + copy; BenchmarkPipeBigResponse, limit 3×), and the TUI's
// 27 MiB of text was built while the frames were still resident (3.43×
// above idle; BenchmarkTUIBigMem).
//
// So each frame, once copied, is replaced in data by the same bytes in
// the copy, and the frame itself dropped: the transport has handed it
// over, and grpc frees data after Unmarshal through the same backing
// array, so what it frees is the copy's SliceBuffers, whose Free does
// nothing (the frame is not freed here: its Free would return it to
// grpc's pool, where it stays resident). A stats handler's or binary
// log's reference to the message (grpc's payInfo, Ref'd, sharing data's
// backing array) sees the same bytes and length; the frame it had a
// reference to is garbage like the others, not returned to the pool, as
// is a frame that also held the start of the next message (split by the
// transport, sharing one refcount: the next message's Free then leaves
// it at one instead of zero).
//
// Dropped frames are garbage but still resident until the GC frees them
// and the runtime returns their pages to the OS, which it does lazily (a
// collection alone does not lower the peak: the copy's pages are new
// ones). So every quarter of the message, and once at the end (before
// the TUI formats the message), debug.FreeOSMemory collects them and
// gives their pages back, which caps the growth above the message at a
// quarter of it: a 20 MiB response to a pipe now peaks at 2.37× the
// payload (idle process 20.9 MiB), the TUI at 2.46× above idle (49.2 MiB,
// 46.7 of it the message and its text, kept).
//
// The cost (BenchmarkBigReceive, a 2-core VM, the server in another
// process): the collections take 14 ms of a 20 MiB receive and 26 ms of
// a 64 MiB one, what a one-shot call pays. A process that receives large
// messages again and again pays more: the pages given back must be
// faulted in again by the next receive, which on that VM (where a first
// touch of 64 MiB of new memory takes 200-370 ms) made back-to-back
// receives take 210-220 ms instead of 85 for 20 MiB, 535-700 instead of
// 250-290 for 64 MiB.
func gatherReleasing(data mem.BufferSlice) []byte {
	b := make([]byte, data.Len())
	step := (len(b) + 3) / 4
	off, released := 0, 0
	for i, buf := range data {
		n := copy(b[off:], buf.ReadOnlyData())
		data[i] = mem.SliceBuffer(b[off : off+n : off+n])
		off += n
		if off-released >= step || (off == len(b) && released < off) {
			releaseMemory()
			released = off
		}
	}
	return b
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

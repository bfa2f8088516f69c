package dynamic

import (
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"
)

// FuzzParseTextValue: every text reader of textvalue.go gives a value or an
// error, never a panic, and what it gives back is in range and reads back
// the same once written out again.
func FuzzParseTextValue(f *testing.F) {
	for _, seed := range []string{"0x7fffffffffffffff", "-0b1", "1.5e300", "-inf", "hex:0a:1b", "AQ==", "@~/x",
		"now-90s", "2024-05-01 12:00:00.5+02:00", "-315576000000.999999999s", "1h2m3.5s", "fooBar.baz_qux,a",
		"2.5", "off", "9999-12-31T23:59:59.999999999Z"} {
		f.Add(seed)
	}
	clock := func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseInt(s, protoreflect.Int32Kind); err == nil {
			if back, err := ParseInt(strconv.FormatInt(n, 10), protoreflect.Int32Kind); err != nil || back != n || n != int64(int32(n)) {
				t.Fatalf("int32 %q = %d, back %d %v", s, n, back, err)
			}
		}
		if n, err := ParseInt(s, protoreflect.Int64Kind); err == nil {
			if back, err := ParseInt(strconv.FormatInt(n, 10), protoreflect.Int64Kind); err != nil || back != n {
				t.Fatalf("int64 %q = %d, back %d %v", s, n, back, err)
			}
		}
		if u, err := ParseUint(s, protoreflect.Uint32Kind); err == nil && u != uint64(uint32(u)) {
			t.Fatalf("uint32 %q = %d", s, u)
		}
		if v, err := ParseFloat(s, 64); err == nil {
			if back, err := ParseFloat(FormatFloat(v, 64), 64); err != nil || back != v && v == v {
				t.Fatalf("double %q = %v, back %v %v", s, v, back, err)
			}
		}
		if secs, nanos, err := ParseDuration(s); err == nil {
			if secs > maxDurationSeconds || secs < -maxDurationSeconds || nanos >= 1e9 || nanos <= -1e9 ||
				secs > 0 && nanos < 0 || secs < 0 && nanos > 0 {
				t.Fatalf("duration %q = %d s %d ns", s, secs, nanos)
			}
			text := FormatDuration(secs, nanos)
			if bs, bn, err := ParseDuration(text); err != nil || bs != secs || bn != nanos {
				t.Fatalf("duration %q = %d %d, written %q, back %d %d %v", s, secs, nanos, text, bs, bn, err)
			}
		}
		if ts, err := ParseTimestamp(s, clock); err == nil {
			if ts.Before(minTimestamp) || ts.After(maxTimestamp) {
				t.Fatalf("timestamp %q = %v out of range", s, ts)
			}
			if back, err := ParseTimestamp(ts.Format(time.RFC3339Nano), clock); err != nil || !back.Equal(ts) {
				t.Fatalf("timestamp %q = %v, back %v %v", s, ts, back, err)
			}
		}
		if paths, err := ParseFieldMask(s); err == nil && len(paths) > 0 {
			for _, p := range paths {
				for _, seg := range strings.Split(p, ".") {
					if snakeCase(camelCase(seg)) != seg {
						t.Fatalf("mask %q: segment %q does not survive JSON", s, seg)
					}
				}
			}
			if back, err := ParseFieldMask(strings.Join(paths, ",")); err != nil || !slices.Equal(back, paths) {
				t.Fatalf("mask %q = %v, back %v %v", s, paths, back, err)
			}
		}
		if b, err := ParseBytes(s, nil); err == nil && b != nil {
			if back, err := ParseBytes("hex:"+hex.EncodeToString(b), nil); err != nil || string(back) != string(b) {
				t.Fatalf("bytes %q = %x, back %x %v", s, b, back, err)
			}
		}
		for kind := protoreflect.DoubleKind; kind <= protoreflect.Sint64Kind; kind++ {
			if kind == protoreflect.GroupKind || kind == protoreflect.MessageKind {
				continue
			}
			if pv, err := ParseScalar(kind, structpb.NullValue(0).Descriptor(), s, nil); err == nil && !pv.IsValid() {
				t.Fatalf("%v %q: no value and no error", kind, s)
			}
		}
		if d, err := ParseTimeout(s); err == nil && d < 0 {
			t.Fatalf("timeout %q = %v", s, d)
		}
	})
}

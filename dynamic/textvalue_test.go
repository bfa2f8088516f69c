package dynamic_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

func TestParseIntBasesAndRanges(t *testing.T) {
	for _, tt := range []struct {
		in   string
		kind protoreflect.Kind
		want int64
		err  string
	}{
		{"-2147483648", protoreflect.Int32Kind, math.MinInt32, ""},
		{"2147483648", protoreflect.Int32Kind, 0, "out of range for int32 (-2147483648 to 2147483647)"},
		{"0x10", protoreflect.Sfixed32Kind, 16, ""},
		{"-0b101", protoreflect.Sint64Kind, -5, ""},
		{"0o17", protoreflect.Int64Kind, 15, ""},
		{"+7", protoreflect.Int64Kind, 7, ""},
		{"-9223372036854775808", protoreflect.Sint64Kind, math.MinInt64, ""},
		{"9223372036854775808", protoreflect.Int64Kind, 0, "out of range for int64"},
		{"1.5", protoreflect.Int32Kind, 0, "not an integer"},
		{"", protoreflect.Int32Kind, 0, "not an integer"},
	} {
		got, err := dynamic.ParseInt(tt.in, tt.kind)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseInt(%q, %v) = %d, %v; want error %q", tt.in, tt.kind, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseInt(%q, %v) = %d, %v; want %d", tt.in, tt.kind, got, err, tt.want)
		}
	}
	if u, err := dynamic.ParseUint("4294967295", protoreflect.Fixed32Kind); err != nil || u != math.MaxUint32 {
		t.Errorf("max fixed32: %d %v", u, err)
	}
	if _, err := dynamic.ParseUint("4294967296", protoreflect.Uint32Kind); err == nil || !strings.Contains(err.Error(), "0 to 4294967295") {
		t.Errorf("uint32 overflow: %v", err)
	}
	if u, err := dynamic.ParseUint("-0", protoreflect.Uint64Kind); err != nil || u != 0 {
		t.Errorf("-0: %d %v", u, err)
	}
	if _, err := dynamic.ParseUint("-1", protoreflect.Uint64Kind); err == nil {
		t.Error("-1 accepted as uint64")
	}
	if u, err := dynamic.ParseUint("0xffffffffffffffff", protoreflect.Uint64Kind); err != nil || u != math.MaxUint64 {
		t.Errorf("hex uint64: %d %v", u, err)
	}
}

func TestParseFloatWords(t *testing.T) {
	if f, err := dynamic.ParseFloat("-inf", 64); err != nil || !math.IsInf(f, -1) {
		t.Errorf("-inf: %v %v", f, err)
	}
	if f, err := dynamic.ParseFloat("NaN", 32); err != nil || !math.IsNaN(f) {
		t.Errorf("NaN: %v %v", f, err)
	}
	if _, err := dynamic.ParseFloat("1e39", 32); err == nil || !strings.Contains(err.Error(), "out of range for float") {
		t.Errorf("1e39 as float: %v", err)
	}
	if _, err := dynamic.ParseFloat("abc", 64); err == nil || !strings.Contains(err.Error(), "not a number") {
		t.Errorf("abc: %v", err)
	}
	if got := dynamic.FormatFloat(math.Inf(1), 64); got != "inf" {
		t.Errorf("FormatFloat(+inf) = %q", got)
	}
	if got := dynamic.FormatFloat(0.1, 32); got != "0.1" {
		t.Errorf("FormatFloat(0.1, 32) = %q", got)
	}
}

func TestParseBytesForms(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "payload.bin")
	if err := os.WriteFile(file, []byte{1, 2, 250}, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in   string
		want string
		err  string
	}{
		{"hex:0A:0b", "\x0a\x0b", ""},
		{"HEX: 00 ff", "\x00\xff", ""},
		{"hex:abc", "", "odd number of hex digits"},
		{"hex:zz", "", "not hex"},
		{"AQ==", "\x01", ""},
		{"AQ", "\x01", ""},
		{"-_8", "\xfb\xff", ""},
		{"@" + file, "\x01\x02\xfa", ""},
		{"@", "", "@ needs a file path"},
		{"@" + filepath.Join(dir, "missing"), "", "cannot read " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"not base64!", "", "not base64"},
		{"", "", ""},
	} {
		got, err := dynamic.ParseBytes(tt.in, os.ReadFile)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBytes(%q) = %x, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("ParseBytes(%q) = %x, %v; want %x", tt.in, got, err, tt.want)
		}
	}
	// Without a reader, "@path" is only checked for its syntax.
	read := func(string) ([]byte, error) { return nil, errors.New("read") }
	if b, err := dynamic.ParseBytes("@/no/such", nil); err != nil || b != nil {
		t.Errorf("syntax-only @path: %v %v", b, err)
	}
	if _, err := dynamic.ParseBytes("@x", read); err == nil || err.Error() != "cannot read x: read" {
		t.Errorf("reader error: %v", err)
	}
}

func TestParseEnumByNameNumberAndCase(t *testing.T) {
	ed := structpb.NullValue(0).Descriptor()
	for _, in := range []string{"NULL_VALUE", "null_value", "0"} {
		if n, err := dynamic.ParseEnum(ed, in); err != nil || n != 0 {
			t.Errorf("ParseEnum(%q) = %d, %v", in, n, err)
		}
	}
	// NullValue is an open (proto3) enum: an undeclared number is kept.
	if n, err := dynamic.ParseEnum(ed, "7"); err != nil || n != 7 {
		t.Errorf("open enum number: %d %v", n, err)
	}
	if _, err := dynamic.ParseEnum(ed, "NOPE"); err == nil || err.Error() != `unknown NullValue value "NOPE"` {
		t.Errorf("unknown name: %v", err)
	}
}

func TestParseTimestampForms(t *testing.T) {
	clock := func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		in, want, err string
	}{
		{"2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z", ""},
		{"2024-05-01 14:00:00.5+02:00", "2024-05-01T12:00:00.5Z", ""},
		{"2024-02-29", "2024-02-29T00:00:00Z", ""},
		{"now", "2024-05-01T12:00:00Z", ""},
		{"NOW-90s", "2024-05-01T11:58:30Z", ""},
		{"now+1h", "2024-05-01T13:00:00Z", ""},
		{"", "1970-01-01T00:00:00Z", ""},
		{"now-x", "", "after now± comes a duration"},
		{"2024-05-01T12:00:00", "", "add a time zone"},
		{"0000-12-31T00:00:00Z", "", "out of range (years 1 to 9999)"},
		{"yesterday", "", "not RFC 3339"},
	} {
		got, err := dynamic.ParseTimestamp(tt.in, clock)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseTimestamp(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339Nano) != tt.want {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDurationGoAndProtoForms(t *testing.T) {
	for _, tt := range []struct {
		in    string
		secs  int64
		nanos int32
		err   string
	}{
		{"100ms", 0, 100000000, ""},
		{"1h30m", 5400, 0, ""},
		{"-1.5s", -1, -500000000, ""},
		{"3.000000001s", 3, 1, ""},
		{"-315576000000.5s", -315576000000, -500000000, ""},
		{"315576000001s", 0, 0, "out of range"},
		{"1.5", 0, 0, "missing unit"},
		{"soon", 0, 0, "not a duration"},
		{"", 0, 0, ""},
	} {
		s, n, err := dynamic.ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDuration(%q) = %d %d %v; want error %q", tt.in, s, n, err, tt.err)
			}
			continue
		}
		if err != nil || s != tt.secs || n != tt.nanos {
			t.Errorf("ParseDuration(%q) = %d %d %v; want %d %d", tt.in, s, n, err, tt.secs, tt.nanos)
		}
	}
	for _, tt := range []struct {
		secs  int64
		nanos int32
		want  string
	}{
		{90, 0, "1m30s"},
		{0, 100000000, "100ms"},
		{-315576000000, -500000000, "-315576000000.5s"},
		{315576000000, 0, "315576000000s"},
	} {
		if got := dynamic.FormatDuration(tt.secs, tt.nanos); got != tt.want {
			t.Errorf("FormatDuration(%d, %d) = %q; want %q", tt.secs, tt.nanos, got, tt.want)
		}
	}
}

// ParseTimeout is what the script language's deadline setting reads with.
func TestParseTimeoutTakesSecondsAndOff(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"500ms", 500 * time.Millisecond, ""},
		{"2.5", 2500 * time.Millisecond, ""},
		{"off", 0, ""},
		{"NONE", 0, ""},
		{"0", 0, ""},
		{"-1s", 0, `invalid duration "-1s": it cannot be negative`},
		{"-2", 0, `invalid duration "-2": it cannot be negative`},
		{"soon", 0, `invalid duration "soon" (write e.g. 500ms, 2s, 1m, or off)`},
		{"NaN", 0, `invalid duration "NaN" (write e.g. 500ms, 2s, 1m, or off)`},
		{"1e300", 0, `invalid duration "1e300" (write e.g. 500ms, 2s, 1m, or off)`},
	} {
		got, err := dynamic.ParseTimeout(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseTimeout(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseTimeout(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseFieldMaskPaths(t *testing.T) {
	p, err := dynamic.ParseFieldMask(" fooBar.bazQux , a_b ")
	if err != nil || len(p) != 2 || p[0] != "foo_bar.baz_qux" || p[1] != "a_b" {
		t.Errorf("camelCase mask: %v %v", p, err)
	}
	for in, want := range map[string]string{
		"foo_1":  `path "foo_1" cannot be written in JSON`,
		"a,,b":   "empty path between commas",
		"a..b":   `empty segment in "a..b"`,
		"a-b":    `invalid character '-' in "a-b"`,
		"a.1b":   `segment "1b" of "a.1b" starts with a digit`,
		"a__b.c": `path "a__b.c" cannot be written in JSON`,
	} {
		if _, err := dynamic.ParseFieldMask(in); err == nil || err.Error() != want {
			t.Errorf("ParseFieldMask(%q) = %v; want %q", in, err, want)
		}
	}
}

// ParseJSONWith reads as ParseJSON does, with any resolver: an Any's type
// resolves through it, and errors are *JSONError with line:col and path.
func TestParseJSONWithAnyResolver(t *testing.T) {
	md := (&structpb.Struct{}).ProtoReflect().Descriptor()
	msg, err := dynamic.ParseJSONWith(protoregistry.GlobalTypes, md, []byte(`{"a": {"b": [1, "x"]}}`))
	if err != nil || len(msg.String()) == 0 {
		t.Fatalf("ParseJSONWith: %v %v", msg, err)
	}
	if m, err := dynamic.ParseJSONWith(protoregistry.GlobalTypes, md, []byte("  \n")); err != nil || m == nil {
		t.Fatalf("empty text: %v %v", m, err)
	}
	anyMD := (&anypb.Any{}).ProtoReflect().Descriptor()
	_, err = dynamic.ParseJSONWith(protoregistry.GlobalTypes, anyMD, []byte("{\n  \"@type\": \"type.googleapis.com/google.protobuf.Duration\",\n  \"value\": true\n}"))
	var je *dynamic.JSONError
	if !errors.As(err, &je) || je.Line != 3 {
		t.Fatalf("bad Any value: %v", err)
	}
}

func TestParseScalarEachKind(t *testing.T) {
	ed := structpb.NullValue(0).Descriptor()
	for _, tt := range []struct {
		kind protoreflect.Kind
		in   string
		want any
	}{
		{protoreflect.Int32Kind, " -0x10 ", int32(-16)},
		{protoreflect.Sfixed64Kind, "9", int64(9)},
		{protoreflect.Uint32Kind, "0b11", uint32(3)},
		{protoreflect.Fixed64Kind, "7", uint64(7)},
		{protoreflect.FloatKind, "1.5", float32(1.5)},
		{protoreflect.DoubleKind, "-2e-3", -2e-3},
		{protoreflect.BoolKind, "true", true},
		{protoreflect.StringKind, " kept as typed ", " kept as typed "},
		{protoreflect.EnumKind, "NULL_VALUE", protoreflect.EnumNumber(0)},
	} {
		pv, err := dynamic.ParseScalar(tt.kind, ed, tt.in, nil)
		if err != nil || pv.Interface() != tt.want {
			t.Errorf("ParseScalar(%v, %q) = %v, %v; want %v", tt.kind, tt.in, pv.Interface(), err, tt.want)
		}
	}
	if pv, err := dynamic.ParseScalar(protoreflect.BytesKind, nil, "hex:ff", nil); err != nil || string(pv.Bytes()) != "\xff" {
		t.Errorf("bytes: %v %v", pv, err)
	}
	if _, err := dynamic.ParseScalar(protoreflect.BoolKind, nil, "yes", nil); err == nil || err.Error() != "not a bool (true or false)" {
		t.Errorf("bool yes: %v", err)
	}
	if _, err := dynamic.ParseScalar(protoreflect.MessageKind, nil, "{}", nil); err == nil {
		t.Error("a message kind parsed as a scalar")
	}
}

package dynamic

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Text values: what a person types for one protobuf value (in the TUI's
// request form, and for scripts), turned into the value. None of this knows
// about a UI: the form adds placeholders, hints and field paths around it.
// Every error says what was expected, with an example.

// ParseScalar reads the text of one value of a scalar kind, or of an enum
// of ed: numbers as ParseInt / ParseUint / ParseFloat, bool as true/false,
// bytes as ParseBytes (readFile nil: "@path" only checked), enums as
// ParseEnum. A string is the text as it is; any other text is trimmed.
func ParseScalar(kind protoreflect.Kind, ed protoreflect.EnumDescriptor, text string, readFile func(string) ([]byte, error)) (protoreflect.Value, error) {
	s := strings.TrimSpace(text)
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		n, err := ParseInt(s, kind)
		return protoreflect.ValueOfInt32(int32(n)), err //nolint:gosec // ParseInt checked the range
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		n, err := ParseInt(s, kind)
		return protoreflect.ValueOfInt64(n), err
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		n, err := ParseUint(s, kind)
		return protoreflect.ValueOfUint32(uint32(n)), err //nolint:gosec // ParseUint checked the range
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		n, err := ParseUint(s, kind)
		return protoreflect.ValueOfUint64(n), err
	case protoreflect.FloatKind:
		f, err := ParseFloat(s, 32)
		return protoreflect.ValueOfFloat32(float32(f)), err
	case protoreflect.DoubleKind:
		f, err := ParseFloat(s, 64)
		return protoreflect.ValueOfFloat64(f), err
	case protoreflect.BoolKind:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return protoreflect.Value{}, errors.New("not a bool (true or false)")
		}
		return protoreflect.ValueOfBool(b), nil
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(text), nil
	case protoreflect.BytesKind:
		b, err := ParseBytes(text, readFile)
		return protoreflect.ValueOfBytes(b), err
	case protoreflect.EnumKind:
		n, err := ParseEnum(ed, s)
		return protoreflect.ValueOfEnum(n), err
	}
	return protoreflect.Value{}, fmt.Errorf("unsupported kind %v", kind)
}

// ParseInt reads an integer of an int32/int64 kind (sint, sfixed too): an
// optional sign, then decimal digits or 0x / 0o / 0b digits.
func ParseInt(s string, kind protoreflect.Kind) (int64, error) {
	bits := 64
	if kind == protoreflect.Int32Kind || kind == protoreflect.Sint32Kind || kind == protoreflect.Sfixed32Kind {
		bits = 32
	}
	neg, digits, base := splitIntBase(s)
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, intRangeError(kind)
		}
		return 0, errors.New("not an integer")
	}
	limit := uint64(1) << (bits - 1) // |min|
	if neg {
		if u > limit {
			return 0, intRangeError(kind)
		}
		return int64(-u), nil //nolint:gosec // checked above
	}
	if u > limit-1 {
		return 0, intRangeError(kind)
	}
	return int64(u), nil
}

// ParseUint reads an integer of a uint32/uint64 kind (fixed too), in the
// bases ParseInt takes; "-0" is 0, any other negative number is out of range.
func ParseUint(s string, kind protoreflect.Kind) (uint64, error) {
	bits := 64
	if kind == protoreflect.Uint32Kind || kind == protoreflect.Fixed32Kind {
		bits = 32
	}
	neg, digits, base := splitIntBase(s)
	u, err := strconv.ParseUint(digits, base, bits)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, intRangeError(kind)
		}
		return 0, errors.New("not an integer")
	}
	if neg && u != 0 {
		return 0, intRangeError(kind)
	}
	return u, nil
}

// IntRange gives the smallest and largest value of an integer kind as text.
func IntRange(kind protoreflect.Kind) (string, string) {
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return strconv.Itoa(math.MinInt32), strconv.Itoa(math.MaxInt32)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.FormatInt(math.MinInt64, 10), strconv.FormatInt(math.MaxInt64, 10)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return "0", strconv.FormatUint(math.MaxUint32, 10)
	}
	return "0", strconv.FormatUint(math.MaxUint64, 10)
}

func intRangeError(kind protoreflect.Kind) error {
	lo, hi := IntRange(kind)
	return fmt.Errorf("out of range for %v (%s to %s)", kind, lo, hi)
}

// splitIntBase splits an optional sign and a 0x/0o/0b prefix off an integer.
func splitIntBase(s string) (neg bool, digits string, base int) {
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	base = 10
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, s = 16, s[2:]
		case 'o', 'O':
			base, s = 8, s[2:]
		case 'b', 'B':
			base, s = 2, s[2:]
		}
	}
	return neg, s, base
}

// ParseFloat reads a float (bits 32) or double (bits 64); inf, -inf and nan
// are words. A finite number too large for the type is an error, not ±inf.
func ParseFloat(s string, bits int) (float64, error) {
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), nil
	case "-inf", "-infinity":
		return math.Inf(-1), nil
	case "nan":
		return math.NaN(), nil
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) && math.IsInf(f, 0) {
			if bits == 32 {
				return 0, fmt.Errorf("out of range for float (max ±%g; type inf for infinity)", math.MaxFloat32)
			}
			return 0, fmt.Errorf("out of range for double (max ±%g; type inf for infinity)", math.MaxFloat64)
		}
		if !errors.Is(err, strconv.ErrRange) {
			return 0, errors.New("not a number (1.5, -2e-3, inf, nan)")
		}
	}
	return f, nil
}

// FormatFloat writes a float the way ParseFloat reads it back.
func FormatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// ParseBytes reads bytes: base64 (standard or URL alphabet, padded or not),
// "hex:" followed by hex digits (spaces and colons between them are
// ignored), or "@path" to read a file ("~/" is the home directory). With
// readFile nil, "@path" is only checked for its syntax and gives nil.
func ParseBytes(text string, readFile func(string) ([]byte, error)) ([]byte, error) {
	s := strings.TrimSpace(text)
	switch {
	case s == "":
		return []byte{}, nil
	case strings.HasPrefix(s, "@"):
		path, _ := BytesFilePath(s)
		if path == "" {
			return nil, errors.New("@ needs a file path")
		}
		if readFile == nil {
			return nil, nil
		}
		b, err := readFile(ExpandHome(path))
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", path, UnwrapPathError(err))
		}
		return b, nil
	case strings.HasPrefix(strings.ToLower(s), "hex:"):
		h := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == ':' {
				return -1
			}
			return r
		}, s[4:])
		b, err := hex.DecodeString(h)
		if err != nil {
			if len(h)%2 == 1 {
				return nil, errors.New("odd number of hex digits")
			}
			return nil, errors.New("not hex (hex:0a1b2c)")
		}
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64 (use hex:… for hex, @path for a file)")
}

// BytesFilePath is the path of an "@path" bytes text (ok false when the
// text is not one).
func BytesFilePath(text string) (path string, ok bool) {
	s := strings.TrimSpace(text)
	if !strings.HasPrefix(s, "@") {
		return "", false
	}
	return strings.TrimSpace(s[1:]), true
}

// ExpandHome replaces a leading "~/" with the home directory.
func ExpandHome(path string) string {
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return home + path[1:]
		}
	}
	return path
}

// UnwrapPathError drops the operation and path of an *os.PathError (the
// caller names the path itself): "no such file or directory".
func UnwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ParseEnum reads an enum value by name, by number (any number for an open
// enum, a declared one for a closed enum), or by a name in another case when
// only one value matches.
func ParseEnum(ed protoreflect.EnumDescriptor, s string) (protoreflect.EnumNumber, error) {
	if ed == nil {
		return 0, errors.New("unknown enum")
	}
	if ev := ed.Values().ByName(protoreflect.Name(s)); ev != nil {
		return ev.Number(), nil
	}
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		if ed.Values().ByNumber(protoreflect.EnumNumber(n)) != nil || !ed.IsClosed() {
			return protoreflect.EnumNumber(n), nil
		}
		return 0, fmt.Errorf("%d is not a value of %s", n, ed.Name())
	}
	var found protoreflect.EnumValueDescriptor
	vals := ed.Values()
	for i := 0; i < vals.Len(); i++ {
		if strings.EqualFold(string(vals.Get(i).Name()), s) {
			if found != nil {
				found = nil
				break
			}
			found = vals.Get(i)
		}
	}
	if found != nil {
		return found.Number(), nil
	}
	return 0, fmt.Errorf("unknown %s value %q", ed.Name(), s)
}

// Timestamps range over years 1 to 9999 (google.protobuf.Timestamp).
var (
	minTimestamp = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTimestamp = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// ParseTimestamp reads a google.protobuf.Timestamp: RFC 3339 (fractional
// seconds optional, a space for the T allowed), a date (midnight UTC),
// "now", "now+1h", "now-90s" (clock gives now). The empty text is the epoch.
func ParseTimestamp(text string, clock func() time.Time) (time.Time, error) {
	s := strings.TrimSpace(text)
	var t time.Time
	switch {
	case s == "":
		return time.Unix(0, 0).UTC(), nil
	case strings.EqualFold(s, "now"):
		t = clock()
	case len(s) > 3 && strings.EqualFold(s[:3], "now") && (s[3] == '+' || s[3] == '-'):
		d, err := time.ParseDuration(strings.TrimSpace(s[4:]))
		if err != nil {
			return t, errors.New("after now± comes a duration (now-1h, now+30m)")
		}
		if s[3] == '-' {
			d = -d
		}
		t = clock().Add(d)
	default:
		var err error
		if t, err = time.Parse(time.RFC3339Nano, strings.Replace(s, " ", "T", 1)); err != nil {
			if d, derr := time.Parse(time.DateOnly, s); derr == nil {
				t = d
			} else if _, lerr := time.Parse("2006-01-02T15:04:05.999999999", strings.Replace(s, " ", "T", 1)); lerr == nil {
				return t, errors.New("add a time zone (Z or +02:00)")
			} else {
				return t, errors.New("not RFC 3339 (2024-05-01T12:00:00Z) or now")
			}
		}
	}
	if t.Before(minTimestamp) || t.After(maxTimestamp) {
		return t, errors.New("out of range (years 1 to 9999)")
	}
	return t.UTC(), nil
}

// maxDurationSeconds is the range of google.protobuf.Duration.
const maxDurationSeconds = 315576000000

var protoDurationRE = regexp.MustCompile(`^([-+]?)(\d+)(?:\.(\d{1,9}))?s$`)

// ParseDuration reads a google.protobuf.Duration: a Go duration ("1.5s",
// "100ms", "1h2m3s") or the proto JSON form ("3.000000001s", also beyond
// Go's ±292 years). A number without a unit is an error: ParseTimeout is the
// reader that takes bare seconds.
func ParseDuration(text string) (seconds int64, nanos int32, err error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return 0, 0, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return int64(d / time.Second), int32(d % time.Second), nil
	}
	if m := protoDurationRE.FindStringSubmatch(s); m != nil {
		secs, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil || secs > maxDurationSeconds {
			return 0, 0, errors.New("out of range (±315576000000s)")
		}
		frac := m[3] + strings.Repeat("0", 9-len(m[3]))
		n, _ := strconv.ParseInt(frac, 10, 32)
		nanos := int32(n)
		if m[1] == "-" {
			secs, nanos = -secs, -nanos
		}
		return secs, nanos, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, 0, errors.New("missing unit (1.5s, 100ms, 2h45m)")
	}
	return 0, 0, errors.New("not a duration (1.5s, 100ms, 2h45m)")
}

// FormatDuration writes a google.protobuf.Duration the way ParseDuration
// reads it back: as a Go duration ("1m30s") where one can hold it, else in
// the proto JSON form ("315576000000s").
func FormatDuration(seconds int64, nanos int32) string {
	if seconds > -9223372035 && seconds < 9223372035 {
		return (time.Duration(seconds)*time.Second + time.Duration(nanos)).String()
	}
	secs, ns := seconds, int64(nanos)
	sign := ""
	if secs < 0 || ns < 0 {
		sign, secs, ns = "-", -secs, -ns
	}
	s := sign + strconv.FormatUint(uint64(secs), 10) //nolint:gosec // made non-negative above
	if ns != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return s + "s"
}

// ParseTimeout reads a timeout or deadline as a person sets it: a Go
// duration (500ms, 2s, 1m30s), a number of seconds (grpcurl's -max-time:
// 2.5), or off, none or 0 for none (0). It cannot be negative. The script
// language's deadline setting reads with it.
func ParseTimeout(s string) (time.Duration, error) {
	switch strings.ToLower(s) {
	case "off", "none", "0", "":
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > float64(math.MaxInt64/int64(time.Second)) {
			return 0, fmt.Errorf("invalid duration %q (write e.g. 500ms, 2s, 1m, or off)", s)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < 0 {
		return 0, fmt.Errorf("invalid duration %q: it cannot be negative", s)
	}
	return d, nil
}

// ParseFieldMask reads a google.protobuf.FieldMask: comma-separated paths
// of dot-separated field names. camelCase names become snake_case; a path
// that the JSON form of a FieldMask cannot carry is an error.
func ParseFieldMask(text string) ([]string, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, nil
	}
	var paths []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, errors.New("empty path between commas")
		}
		segs := strings.Split(p, ".")
		for i, seg := range segs {
			if seg == "" {
				return nil, fmt.Errorf("empty segment in %q", p)
			}
			for _, r := range seg {
				if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
					return nil, fmt.Errorf("invalid character %q in %q", r, p)
				}
			}
			if seg[0] >= '0' && seg[0] <= '9' {
				return nil, fmt.Errorf("segment %q of %q starts with a digit", seg, p)
			}
			seg = snakeCase(seg)
			if snakeCase(camelCase(seg)) != seg {
				return nil, fmt.Errorf("path %q cannot be written in JSON", p)
			}
			segs[i] = seg
		}
		paths = append(paths, strings.Join(segs, "."))
	}
	return paths, nil
}

// camelCase and snakeCase mirror protojson's FieldMask conversion
// (underscores are dropped; a lowercase letter after one is capitalized).
func camelCase(s string) string {
	var b []byte
	wasUnderscore := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' {
			if wasUnderscore && c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		wasUnderscore = c == '_'
	}
	return string(b)
}

func snakeCase(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			b = append(b, '_', c-'A'+'a')
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

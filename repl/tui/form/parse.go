package form

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// valueCtx is what parsing and building need besides the text: the resolver
// for Any, the clock for "now" and file reading for "@path" bytes.
type valueCtx struct {
	res      Resolver
	anyNames []protoreflect.FullName // picker choices for Any; nil: from res
	now      func() time.Time
	readFile func(string) ([]byte, error)
}

func (c *valueCtx) resolver() Resolver {
	if c == nil || c.res == nil {
		return protoregistry.GlobalTypes
	}
	return c.res
}

// protoResolver adapts a Resolver to what protojson and proto need.
type protoResolver struct{ Resolver }

func (r protoResolver) FindExtensionByName(n protoreflect.FullName) (protoreflect.ExtensionType, error) {
	if x, ok := r.Resolver.(protoregistry.ExtensionTypeResolver); ok {
		return x.FindExtensionByName(n)
	}
	return nil, protoregistry.NotFound
}

func (r protoResolver) FindExtensionByNumber(m protoreflect.FullName, n protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	if x, ok := r.Resolver.(protoregistry.ExtensionTypeResolver); ok {
		return x.FindExtensionByNumber(m, n)
	}
	return nil, protoregistry.NotFound
}

func (c *valueCtx) protoResolver() protoResolver {
	return protoResolver{c.resolver()}
}

// findType resolves a message type by full name or type URL.
func (c *valueCtx) findType(name string) (protoreflect.MessageType, error) {
	name = strings.TrimSpace(name)
	var mt protoreflect.MessageType
	var err error
	if strings.Contains(name, "/") {
		mt, err = c.resolver().FindMessageByURL(name)
	} else {
		mt, err = c.resolver().FindMessageByName(protoreflect.FullName(name))
	}
	if err != nil || mt == nil {
		return nil, fmt.Errorf("unknown message type %q", name)
	}
	if mt.Descriptor().IsMapEntry() {
		return nil, fmt.Errorf("%s is a map entry, not a message type", name)
	}
	return mt, nil
}

// anyTypeNames lists the message types offered by the Any type picker.
func (c *valueCtx) anyTypeNames() []protoreflect.FullName {
	if c.anyNames != nil {
		return c.anyNames
	}
	var names []protoreflect.FullName
	if r, ok := c.resolver().(interface {
		RangeMessages(func(protoreflect.MessageType) bool)
	}); ok {
		r.RangeMessages(func(mt protoreflect.MessageType) bool {
			if !mt.Descriptor().IsMapEntry() {
				names = append(names, mt.Descriptor().FullName())
			}
			return true
		})
	}
	sortNames(names)
	c.anyNames = names
	return names
}

func sortNames(names []protoreflect.FullName) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && names[j] < names[j-1]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

func (c *valueCtx) clock() time.Time {
	if c == nil || c.now == nil {
		return clockNow()
	}
	return c.now()
}

func (c *valueCtx) read(path string) ([]byte, error) {
	if c == nil || c.readFile == nil {
		return os.ReadFile(path)
	}
	return c.readFile(path)
}

// parse converts the text of a text, enum or well-known-type input. With
// doIO false, "@path" bytes are only checked for syntax and "now" is not
// resolved precisely (validation); with doIO true the value is real.
func (v *valueNode) parse(ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	t := v.t
	if t.msg == nil {
		return parseScalar(t, v.text, ctx, doIO)
	}
	dm := dynamicpb.NewMessage(t.msg)
	fds := t.msg.Fields()
	switch t.wkt {
	case wktTimestamp:
		ts, err := parseTimestamp(v.text, ctx.clock)
		if err != nil {
			return protoreflect.Value{}, err
		}
		dm.Set(fds.ByName("seconds"), protoreflect.ValueOfInt64(ts.Unix()))
		dm.Set(fds.ByName("nanos"), protoreflect.ValueOfInt32(int32(ts.Nanosecond())))
	case wktDuration:
		secs, nanos, err := parseDuration(v.text)
		if err != nil {
			return protoreflect.Value{}, err
		}
		dm.Set(fds.ByName("seconds"), protoreflect.ValueOfInt64(secs))
		dm.Set(fds.ByName("nanos"), protoreflect.ValueOfInt32(nanos))
	case wktWrapper:
		vfd := fds.ByName("value")
		pv, err := parseScalar(typeOfField(vfd), v.text, ctx, doIO)
		if err != nil {
			return protoreflect.Value{}, err
		}
		dm.Set(vfd, pv)
	case wktJSON:
		text := strings.TrimSpace(v.text)
		if text == "" {
			text = placeholder(t)
		}
		if err := (protojson.UnmarshalOptions{}).Unmarshal([]byte(text), dm); err != nil {
			return protoreflect.Value{}, jsonProblem([]byte(text), err, true)
		}
	case wktFieldMask:
		paths, err := parseFieldMask(v.text)
		if err != nil {
			return protoreflect.Value{}, err
		}
		l := dm.Mutable(fds.ByName("paths")).List()
		for _, p := range paths {
			l.Append(protoreflect.ValueOfString(p))
		}
	default:
		return protoreflect.Value{}, errors.New("not a text value")
	}
	return protoreflect.ValueOfMessage(dm), nil
}

// parseScalar parses the text of a scalar (or enum) value. The empty text
// is the default value.
func parseScalar(t valueType, text string, ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	s := strings.TrimSpace(text)
	kind := t.scalar
	if s == "" && kind != protoreflect.StringKind && kind != protoreflect.BytesKind {
		if t.hasDef {
			return t.def, nil
		}
		switch kind {
		case protoreflect.EnumKind:
			if t.enum != nil && t.enum.Values().Len() > 0 {
				return protoreflect.ValueOfEnum(t.enum.Values().Get(0).Number()), nil
			}
			return protoreflect.ValueOfEnum(0), nil
		case protoreflect.BoolKind:
			return protoreflect.ValueOfBool(false), nil
		}
	}
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		n, err := parseInt(s, kind, 32)
		return protoreflect.ValueOfInt32(int32(n)), err
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		n, err := parseInt(s, kind, 64)
		return protoreflect.ValueOfInt64(n), err
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		n, err := parseUint(s, kind, 32)
		return protoreflect.ValueOfUint32(uint32(n)), err
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		n, err := parseUint(s, kind, 64)
		return protoreflect.ValueOfUint64(n), err
	case protoreflect.FloatKind:
		f, err := parseFloat(s, 32)
		return protoreflect.ValueOfFloat32(float32(f)), err
	case protoreflect.DoubleKind:
		f, err := parseFloat(s, 64)
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
		b, err := parseBytes(text, ctx, doIO)
		return protoreflect.ValueOfBytes(b), err
	case protoreflect.EnumKind:
		n, err := parseEnum(t.enum, s)
		return protoreflect.ValueOfEnum(n), err
	}
	return protoreflect.Value{}, fmt.Errorf("unsupported kind %v", kind)
}

// intRange gives the range of an integer kind as text.
func intRange(kind protoreflect.Kind) (string, string) {
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

func rangeErr(kind protoreflect.Kind) error {
	lo, hi := intRange(kind)
	return fmt.Errorf("out of range for %v (%s to %s)", kind, lo, hi)
}

// splitBase splits an optional sign and a 0x/0o/0b prefix off an integer.
func splitBase(s string) (neg bool, digits string, base int) {
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

func parseInt(s string, kind protoreflect.Kind, bits int) (int64, error) {
	neg, digits, base := splitBase(s)
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, rangeErr(kind)
		}
		return 0, errors.New("not an integer")
	}
	limit := uint64(1) << (bits - 1) // |min|
	if neg {
		if u > limit {
			return 0, rangeErr(kind)
		}
		return int64(-u), nil //nolint:gosec // checked above
	}
	if u > limit-1 {
		return 0, rangeErr(kind)
	}
	return int64(u), nil
}

func parseUint(s string, kind protoreflect.Kind, bits int) (uint64, error) {
	neg, digits, base := splitBase(s)
	u, err := strconv.ParseUint(digits, base, bits)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, rangeErr(kind)
		}
		return 0, errors.New("not an integer")
	}
	if neg && u != 0 {
		return 0, rangeErr(kind)
	}
	return u, nil
}

func parseFloat(s string, bits int) (float64, error) {
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

// parseBytes accepts base64 (standard or URL alphabet, padded or not),
// "hex:" followed by hex digits, or "@path" to read a file.
func parseBytes(text string, ctx *valueCtx, doIO bool) ([]byte, error) {
	s := strings.TrimSpace(text)
	switch {
	case s == "":
		return []byte{}, nil
	case strings.HasPrefix(s, "@"):
		path := strings.TrimSpace(s[1:])
		if path == "" {
			return nil, errors.New("@ needs a file path")
		}
		if !doIO {
			return nil, nil
		}
		b, err := ctx.read(expandHome(path))
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPathErr(err))
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

func expandHome(path string) string {
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return home + path[1:]
		}
	}
	return path
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkFile checks that an "@path" of a bytes value can be read (called
// when the user leaves the input, not on every key).
func checkFile(v *valueNode) {
	if v.err != "" || v.t.scalar != protoreflect.BytesKind {
		return
	}
	s := strings.TrimSpace(v.text)
	if !strings.HasPrefix(s, "@") {
		return
	}
	path := strings.TrimSpace(s[1:])
	st, err := os.Stat(expandHome(path))
	switch {
	case err != nil:
		v.err = fmt.Sprintf("cannot read %s: %v", path, unwrapPathErr(err))
	case st.IsDir():
		v.err = path + " is a directory"
	}
}

func parseEnum(ed protoreflect.EnumDescriptor, s string) (protoreflect.EnumNumber, error) {
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
	// Case-insensitive match is accepted only when unambiguous.
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

// enumCanonical returns the declared name of an enum text ("red" → "RED").
func enumCanonical(ed protoreflect.EnumDescriptor, s string) string {
	n, err := parseEnum(ed, strings.TrimSpace(s))
	if err != nil {
		return s
	}
	if _, numErr := strconv.Atoi(strings.TrimSpace(s)); numErr == nil {
		return strings.TrimSpace(s)
	}
	if ev := ed.Values().ByNumber(n); ev != nil {
		return string(ev.Name())
	}
	return s
}

// Timestamps range over years 1 to 9999 (google.protobuf.Timestamp).
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// parseTimestamp accepts RFC 3339 (with or without fractional seconds),
// a date (midnight UTC), "now", "now+1h" and "now-90s".
func parseTimestamp(text string, now func() time.Time) (time.Time, error) {
	s := strings.TrimSpace(text)
	var t time.Time
	switch {
	case s == "":
		return time.Unix(0, 0).UTC(), nil
	case strings.EqualFold(s, "now"):
		t = now()
	case len(s) > 3 && strings.EqualFold(s[:3], "now") && (s[3] == '+' || s[3] == '-'):
		d, err := time.ParseDuration(strings.TrimSpace(s[4:]))
		if err != nil {
			return t, errors.New("after now± comes a duration (now-1h, now+30m)")
		}
		if s[3] == '-' {
			d = -d
		}
		t = now().Add(d)
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
	if t.Before(minTime) || t.After(maxTime) {
		return t, errors.New("out of range (years 1 to 9999)")
	}
	return t.UTC(), nil
}

// maxDurationSeconds is the range of google.protobuf.Duration.
const maxDurationSeconds = 315576000000

var protoDurationRE = regexp.MustCompile(`^([-+]?)(\d+)(?:\.(\d{1,9}))?s$`)

// parseDuration accepts Go durations ("1.5s", "100ms", "1h2m3s") and
// the proto JSON form ("3.000000001s", also beyond Go's ±292 years).
func parseDuration(text string) (int64, int32, error) {
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

// parseFieldMask splits comma-separated paths; camelCase segments are
// turned into snake_case; every path must survive protojson's conversion.
func parseFieldMask(text string) ([]string, error) {
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

// ---------------------------------------------------------------------------
// Formatting values as text for the inputs.

func formatFloat(f float64, bits int) string {
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

func formatScalar(t valueType, pv protoreflect.Value) string {
	switch t.scalar {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.FormatInt(pv.Int(), 10)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.FormatUint(pv.Uint(), 10)
	case protoreflect.FloatKind:
		return formatFloat(pv.Float(), 32)
	case protoreflect.DoubleKind:
		return formatFloat(pv.Float(), 64)
	case protoreflect.BoolKind:
		return strconv.FormatBool(pv.Bool())
	case protoreflect.StringKind:
		return pv.String()
	case protoreflect.BytesKind:
		return base64.StdEncoding.EncodeToString(pv.Bytes())
	case protoreflect.EnumKind:
		if t.enum != nil {
			if ev := t.enum.Values().ByNumber(pv.Enum()); ev != nil {
				return string(ev.Name())
			}
		}
		return strconv.Itoa(int(pv.Enum()))
	}
	return fmt.Sprint(pv.Interface())
}

// formatWKT formats a well-known type for its text input.
func formatWKT(t valueType, m protoreflect.Message) string {
	fds := m.Descriptor().Fields()
	switch t.wkt {
	case wktTimestamp:
		secs := m.Get(fds.ByName("seconds")).Int()
		nanos := m.Get(fds.ByName("nanos")).Int()
		return time.Unix(secs, nanos).UTC().Format(time.RFC3339Nano)
	case wktDuration:
		secs := m.Get(fds.ByName("seconds")).Int()
		nanos := m.Get(fds.ByName("nanos")).Int()
		if secs > -9223372035 && secs < 9223372035 {
			return (time.Duration(secs)*time.Second + time.Duration(nanos)).String()
		}
		return formatProtoDuration(secs, nanos)
	case wktWrapper:
		vfd := fds.ByName("value")
		return formatScalar(typeOfField(vfd), m.Get(vfd))
	case wktJSON:
		b, err := protojson.Marshal(m.Interface())
		if err != nil {
			return ""
		}
		var out bytes.Buffer
		if json.Compact(&out, b) != nil {
			return string(b)
		}
		return out.String()
	case wktFieldMask:
		l := m.Get(fds.ByName("paths")).List()
		paths := make([]string, l.Len())
		for i := range paths {
			paths[i] = l.Get(i).String()
		}
		return strings.Join(paths, ",")
	}
	return ""
}

func formatProtoDuration(secs, nanos int64) string {
	sign := ""
	if secs < 0 || nanos < 0 {
		sign, secs, nanos = "-", -secs, -nanos
	}
	s := sign + strconv.FormatInt(secs, 10)
	if nanos != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", nanos), "0")
	}
	return s + "s"
}

package dynamic

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The form (and the command language's text values) take "100ms" or
// "1m30s" for a google.protobuf.Duration, but its JSON spelling is seconds,
// "0.1s", and protojson only says "invalid value". Where a JSON request
// bites, the error says how to write it (rough edge 10 of issue 12).

var invalidWKT = regexp.MustCompile(`^invalid google\.protobuf\.(Duration|Timestamp) value "(.*)"$`)

// jsonHint rewrites protojson's message about a Duration or Timestamp
// that the form would take but JSON does not; other messages are kept.
func jsonHint(msg string) string {
	m := invalidWKT.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	switch v := m[2]; m[1] {
	case "Duration":
		d, err := time.ParseDuration(v)
		if err != nil {
			return msg + `: a JSON Duration is seconds with an "s", e.g. "1.5s"`
		}
		return fmt.Sprintf("%q is not a JSON Duration: write %q", v, JSONDuration(d))
	case "Timestamp":
		return msg + `: a JSON Timestamp is an RFC 3339 time in quotes, e.g. "2006-01-02T15:04:05Z"`
	}
	return msg
}

// JSONDuration is d as protobuf's JSON writes a Duration: seconds, with
// up to nine decimals, and "s".
func JSONDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	s := fmt.Sprintf("%d.%09d", d/time.Second, d%time.Second)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return sign + s + "s"
}

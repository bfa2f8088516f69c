package dynamic

import (
	"testing"
	"time"
)

func TestJSONDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		100 * time.Millisecond:  "0.1s",
		1500 * time.Millisecond: "1.5s",
		90 * time.Second:        "90s",
		time.Nanosecond:         "0.000000001s",
		-2 * time.Second:        "-2s",
		0:                       "0s",
	} {
		if got := JSONDuration(d); got != want {
			t.Errorf("JSONDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := jsonHint(`invalid google.protobuf.Duration value "1m30s"`); got != `"1m30s" is not a JSON Duration: write "90s"` {
		t.Errorf("hint: %q", got)
	}
	if got := jsonHint(`unexpected token 3`); got != `unexpected token 3` {
		t.Errorf("other messages change: %q", got)
	}
}

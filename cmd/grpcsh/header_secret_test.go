package main

import (
	"strings"
	"testing"
)

// TestHeaderFlagErrorHidesSecret: a -H of a secret header that is refused
// (no colon, a non-ASCII value, an unset ${VAR}) names the header, not its
// value.
func TestHeaderFlagErrorHidesSecret(t *testing.T) {
	for _, h := range []string{"authorization Bearer sekrit99", "authorization: Bearer sekrit€99", "x-api-key: ${NOPE_UNSET_VAR}sekrit99"} {
		r := grpcsh(t, "", "-H", h, "127.0.0.1:1", "list")
		r.check(t, 2, "", "-H")
		if strings.Contains(r.stdout+r.stderr, "sekrit99") {
			t.Errorf("-H %q: the value is printed:\n%s", h, r.stderr)
		}
	}
}

package main

import (
	"strings"
	"testing"
)

// TestProxyFlagErrorRedacted: a -proxy value that does not parse is quoted
// by the flag package; its password (here with a space, and without the
// scheme) is not printed.
func TestProxyFlagErrorRedacted(t *testing.T) {
	for _, v := range []string{"http://ann:s3cret pw@127.0.0.1:1", "ann:s3cret pw@127.0.0.1:1"} {
		r := grpcsh(t, "", "-proxy", v, "127.0.0.1:1", "list")
		r.check(t, 2, "", "invalid value", "ann:xxxxx@127.0.0.1:1")
		if strings.Contains(r.stdout+r.stderr, "s3cret") {
			t.Errorf("-proxy %q: the password is printed:\n%s", v, r.stderr)
		}
	}
}

package dynamic

import (
	"strings"
	"testing"
)

// TestRedactURLPasswordsLoose: the flag package quotes a -proxy value that
// did not parse ("invalid value %q"), and -proxy takes user:pass@host
// without its scheme; neither password may reach the screen.
func TestRedactURLPasswordsLoose(t *testing.T) {
	for _, c := range []struct{ in, secret, want string }{
		{`invalid value "http://ann:s3cret pw@127.0.0.1:1" for flag -proxy: x`, "s3cret", `invalid value "http://ann:xxxxx@127.0.0.1:1" for flag -proxy: x`},
		{`invalid value "ann:sec ret@127.0.0.1:1" for flag -proxy: x`, "sec ret", `invalid value "ann:xxxxx@127.0.0.1:1" for flag -proxy: x`},
		{`connect -proxy ann:secretpw@127.0.0.1:1 127.0.0.1:18877`, "secretpw", `connect -proxy ann:xxxxx@127.0.0.1:1 127.0.0.1:18877`},
		{`connect -proxy=ann:secretpw@h:1 x`, "secretpw", `connect -proxy=ann:xxxxx@h:1 x`},
		{`connect -proxy http://ann:pw123@h:1 x`, "pw123", `connect -proxy http://ann:xxxxx@h:1 x`},
	} {
		got := RedactURLPasswords(c.in)
		if strings.Contains(got, c.secret) || got != c.want {
			t.Errorf("RedactURLPasswords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Text without credentials stays as it is.
	for _, s := range []string{`connect 127.0.0.1:18877`, `header x-user: bob@example.com`, `call a.B/C {"email":"bob@example.com"}`, `dns:///h:1`, `"key: value@x"`} {
		if got := RedactURLPasswords(s); got != s {
			t.Errorf("RedactURLPasswords(%q) = %q: changed", s, got)
		}
	}
}

package dynamic

import (
	"strings"
	"testing"

	"google.golang.org/grpc/metadata"
)

// TestRedactHidesEverySecretValue is the engine's side of the history and
// transcript rule: for every header name IsSecretKey flags, whatever shape
// its value takes (a scheme and credentials, cookies, odd spacing, several
// values), Redact leaves no part of the credentials; every other header
// keeps its value exactly. (Cookie names are kept on purpose, so no value
// here puts the credential in a name.)
func TestRedactHidesEverySecretValue(t *testing.T) {
	keys := []string{
		"authorization", "Authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "apikey",
		"x-goog-api-key", "api_key", "x-auth-token", "x-csrf-token", "client-secret", "db-password", "x-session-id",
		"token-bin", "x-private", "my-session", "x-oauth-state", "x-signature", "x-credential",
		"x-request-id", "content-language", "x-trace-bin", "x-team",
	}
	values := []string{
		"Bearer SEKRIT.part2", "SEKRIT", "Basic   SEKRIT", "  SEKRIT  ", "Token SEKRIT extra SEKRIT",
		"a=SEKRIT; b=SEKRIT", "sid=SEKRIT; Path=/; HttpOnly", "bearer SEKRIT", "x=1; SEKRIT",
	}
	for _, k := range keys {
		md := metadata.MD{strings.ToLower(k): values}
		got := Redact(md)[strings.ToLower(k)]
		secret := IsSecretKey(k)
		for i, v := range values {
			switch {
			case secret && strings.Contains(got[i], "SEKRIT"):
				t.Errorf("%s: %q redacted to %q, which still holds the credential", k, v, got[i])
			case secret && !strings.Contains(got[i], mdRedacted):
				t.Errorf("%s: %q redacted to %q, which does not say it was redacted", k, v, got[i])
			case !secret && got[i] != v:
				t.Errorf("%s is no secret, but %q became %q", k, v, got[i])
			}
		}
	}
}

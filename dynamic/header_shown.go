package dynamic

import "strings"

// ShownHeader is a typed header fit to quote in an error: as it is,
// unless its name (before the colon, or its first word when the colon is
// missing) is a secret's (IsSecretKey), whose value is then hidden: a typo
// in "-H 'authorization: Bearer …'" must not print the token.
func ShownHeader(s string) string {
	name, _, ok := strings.Cut(s, ":")
	if !ok {
		name, _, _ = strings.Cut(strings.TrimSpace(s), " ")
	}
	if name = strings.TrimSpace(name); name != "" && IsSecretKey(name) {
		return name + ": (value hidden)"
	}
	return s
}

package dynamic

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"google.golang.org/grpc/metadata"
)

// ParseHeader parses a header as grpcurl's -H takes it: "name: value". The
// name is trimmed and lower-cased (gRPC metadata keys are lower case); the
// value is trimmed. Values of "-bin" keys are base64 (standard or URL
// alphabet, padded or not) and are returned decoded, since gRPC encodes
// binary headers itself. Names gRPC reserves for itself are refused rather
// than silently dropped, as grpc-go would.
func ParseHeader(s string) (key, value string, err error) {
	name, val, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("header %q has no colon: write it as \"name: value\"", ShownHeader(s))
	}
	key = strings.ToLower(strings.TrimSpace(name))
	value = strings.TrimSpace(val)
	if key == "" {
		return "", "", fmt.Errorf("header %q has no name before the colon", s)
	}
	if err := CheckHeaderKey(key); err != nil {
		return "", "", fmt.Errorf("header %q: %w", key, err)
	}
	switch key {
	case "content-type", "user-agent", "te", "grpc-encoding", "grpc-message", "grpc-message-type", "grpc-status", "grpc-timeout", "grpc-status-details-bin":
		hint := "gRPC sets it itself"
		switch key {
		case "user-agent":
			hint = "gRPC sets it; use -user-agent"
		case "grpc-timeout":
			hint = "gRPC sets it from the call's deadline; use -max-time"
		}
		return "", "", fmt.Errorf("header %q is reserved: %s", key, hint)
	}
	if strings.HasSuffix(key, "-bin") {
		b, err := mdDecodeBase64(value)
		if err != nil {
			return "", "", fmt.Errorf("header %q: a -bin header takes a base64 value: %v", key, err)
		}
		return key, string(b), nil
	}
	for _, r := range value {
		if r < 0x20 || r > 0x7e {
			return "", "", fmt.Errorf("header %q: value has %q, but text headers take printable ASCII only (use a name ending in -bin with a base64 value for binary data)", key, r)
		}
	}
	return key, value, nil
}

// CheckHeaderKey checks a (lower-cased) metadata key as gRPC allows
// them: the one rule for every place a key is typed.
func CheckHeaderKey(key string) error {
	if key == "" {
		return errors.New("the header name is empty")
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%q cannot be in a header name (allowed: a-z 0-9 - _ .)", r)
		}
	}
	return nil
}

// mdDecodeBase64 accepts the four base64 variants people paste.
func mdDecodeBase64(s string) ([]byte, error) {
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// ExpandEnv replaces ${VAR} with the value of the environment variable VAR,
// so that secrets can stay out of command lines and scripts. Only the braced
// form is expanded: a "$" followed by anything else is kept, so tokens that
// contain "$" pass through. "$$" and "\$" write a literal "$" (so "\${X}"
// and "$${X}" stay "${X}"). An unset variable is an error naming it; a
// variable set to the empty string expands to nothing.
func ExpandEnv(s string) (string, error) { return ExpandVars(s, os.LookupEnv) }

// ExpandVars is ExpandEnv with the variables looked up by lookup (an
// environment file before the process environment, say).
func ExpandVars(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.ContainsRune(s, '$') {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '$':
			b.WriteByte('$')
			i++
		case c == '$' && i+1 < len(s) && s[i+1] == '$':
			b.WriteByte('$')
			i++
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("%q: ${ without a closing }", s)
			}
			name := s[i+2 : i+2+end]
			if !mdIsEnvName(name) {
				return "", fmt.Errorf("%q: ${%s} is not a variable name (letters, digits and _, not starting with a digit)", s, name)
			}
			v, ok := lookup(name)
			if !ok {
				return "", fmt.Errorf("environment variable %s is not set (write $${%s} for a literal ${%s})", name, name, name)
			}
			b.WriteString(v)
			i += 2 + end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func mdIsEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// mdSecretExact are header names that always carry credentials.
var mdSecretExact = map[string]bool{
	"authorization":        true,
	"proxy-authorization":  true,
	"cookie":               true,
	"set-cookie":           true,
	"x-api-key":            true,
	"api-key":              true,
	"apikey":               true,
	"x-amz-security-token": true,
}

// mdSecretParts are substrings of header names that carry credentials:
// x-auth-token, x-csrf-token, client-secret, x-goog-api-key, db-password,
// x-private, x-session-id, oauth-state... "auth" covers authorization and
// every *auth* spelling, so that a server echoing a credential under another
// name (trailer-authorization, x-forwarded-cookie) is hidden. It errs on the
// side of hiding: a shown secret can't be taken back, a hidden value can be
// revealed on purpose.
var mdSecretParts = []string{"auth", "cookie", "token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "credential", "session", "private", "signature"}

// IsSecretKey says a header name looks like it carries a credential, so
// that history, logs and transcripts show it redacted (see Redact).
// Matching is case-insensitive and errs on the side of hiding.
func IsSecretKey(key string) bool {
	k := strings.ToLower(strings.TrimSpace(key))
	if mdSecretExact[k] {
		return true
	}
	for _, p := range mdSecretParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// mdRedacted replaces a secret value.
const mdRedacted = "<redacted>"

// Redact returns a copy of md with the values of secret-looking keys (see
// IsSecretKey) replaced by "<redacted>". A short hint survives where it
// helps and gives nothing away: the scheme of an Authorization-style value
// ("Bearer <redacted>") and the names of cookies ("session=<redacted>").
// Empty values stay empty. md itself is not modified.
func Redact(md metadata.MD) metadata.MD {
	if md == nil {
		return nil
	}
	out := make(metadata.MD, len(md))
	for k, vals := range md {
		cp := make([]string, len(vals))
		secret := IsSecretKey(k)
		for i, v := range vals {
			switch {
			case !secret || v == "":
				cp[i] = v
			case strings.HasSuffix(strings.ToLower(k), "-bin"):
				cp[i] = mdRedacted
			case strings.EqualFold(k, "cookie") || strings.EqualFold(k, "set-cookie"):
				cp[i] = mdRedactCookie(v)
			default:
				cp[i] = mdRedactValue(v)
			}
		}
		out[k] = cp
	}
	return out
}

// mdRedactValue keeps an auth scheme ("Bearer", "Basic", "Token") in front
// of the redacted credentials.
func mdRedactValue(v string) string {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if ok && strings.TrimSpace(rest) != "" && len(scheme) <= 24 && mdIsSchemeName(scheme) {
		return scheme + " " + mdRedacted
	}
	return mdRedacted
}

func mdIsSchemeName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return s != ""
}

// mdRedactCookie keeps cookie names and Set-Cookie attributes (Path,
// Expires...) but not the values: "session=<redacted>; theme=<redacted>".
func mdRedactCookie(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if !hasValue {
			if i > 0 && mdIsCookieFlag(strings.TrimSpace(p)) {
				continue // an attribute like Secure or HttpOnly
			}
			// A bare value ("cookie: s3cret") is all credential.
			lead := p[:len(p)-len(strings.TrimLeft(p, " "))]
			if strings.TrimSpace(p) != "" {
				parts[i] = lead + mdRedacted
			}
			continue
		}
		if i > 0 && mdIsCookieAttr(strings.TrimSpace(name)) {
			continue
		}
		parts[i] = name + "=" + mdRedacted
	}
	return strings.Join(parts, ";")
}

// mdIsCookieFlag says a Set-Cookie attribute without a value is one.
func mdIsCookieFlag(name string) bool {
	switch strings.ToLower(name) {
	case "secure", "httponly", "partitioned":
		return true
	}
	return false
}

func mdIsCookieAttr(name string) bool {
	switch strings.ToLower(name) {
	case "path", "domain", "expires", "max-age", "samesite", "priority":
		return true
	}
	return false
}

package tui

import (
	"regexp"
	"strings"

	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Secrets never reach the history file, a crash report or the screen's
// header lists in clear: header values whose key looks secret are replaced,
// with dynamic's rules (dynamic.IsSecretKey, dynamic.Redact: "Bearer
// <redacted>"), so the TUI hides what the rest of grpcsh hides.

const redacted = "<redacted>"

// isSecretKey says a metadata key (case-insensitive) names a secret.
func isSecretKey(k string) bool { return dynamic.IsSecretKey(k) }

// redactMD is a copy of md with secret values replaced.
func redactMD(md metadata.MD) metadata.MD { return dynamic.Redact(md) }

// secretInText matches "key: value" or "key=value" spellings of secret keys
// in free text (panic messages, errors), for crash reports.
var secretInText = regexp.MustCompile(`(?i)((?:authorization|cookie|token|secret|password|passwd|api[-_]?key|credential)[a-z0-9_-]*"?\s*[:=]\s*"?)(bearer\s+)?[^\s",}]+`)

// redactText hides secret-looking values in free text, and every value of
// the session's secret headers wherever it appears.
func redactText(s string, md metadata.MD) string {
	for k, vs := range md {
		if !isSecretKey(k) {
			continue
		}
		for _, v := range vs {
			if len(v) >= 4 {
				s = strings.ReplaceAll(s, v, redacted)
			}
		}
	}
	return secretInText.ReplaceAllString(s, "${1}"+redacted)
}

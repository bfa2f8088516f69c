package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

// versionText is what -version prints: grpcsh's version, and what the
// build stamped in the binary (go build and go install record the module
// version and the VCS commit; go run and go test may not: what is not
// there is not printed).
func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "grpcsh " + dynamic.Version + " (no build information)\n"
	}
	return formatVersion(dynamic.Version, bi)
}

func formatVersion(version string, bi *debug.BuildInfo) string {
	var b strings.Builder
	mod := bi.Main.Version
	if mod == "" {
		mod = "(devel)"
	}
	fmt.Fprintf(&b, "grpcsh %s\n", version)
	fmt.Fprintf(&b, "  module   %s %s\n", bi.Main.Path, mod)
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		vcs[s.Key] = s.Value
	}
	if rev := vcs["vcs.revision"]; rev != "" {
		line := rev
		if vcs["vcs.modified"] == "true" {
			line += " (modified)"
		}
		fmt.Fprintf(&b, "  commit   %s\n", line)
	}
	if t := vcs["vcs.time"]; t != "" {
		fmt.Fprintf(&b, "  time     %s\n", t)
	}
	fmt.Fprintf(&b, "  go       %s\n", bi.GoVersion)
	return b.String()
}

// stampVersion makes the user agent say the module's version when the
// build set none (-ldflags -X) but go install recorded one.
func stampVersion() {
	if dynamic.Version != "dev" {
		return
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		dynamic.Version = bi.Main.Version
	}
}

package repl

import (
	"slices"
	"testing"

	"google.golang.org/grpc/metadata"
)

func TestMDLinesKeepTheTerminalSafe(t *testing.T) {
	md := metadata.MD{
		"grpc-status-details-bin": {"\x08\x03\x12\x1bfailed"},
		"x-evil":                  {"red\x1b[31mtext\nnext"},
		"authorization":           {"Bearer s3cret"},
		"x-token-bin":             {"\xff\x00"},
		"x-plain":                 {"héllo"},
	}
	got := MDLines(md, true)
	want := [][2]string{
		{"authorization", "Bearer <redacted>"},
		{"grpc-status-details-bin", "CAMSG2ZhaWxlZA=="},
		{"x-evil", `red\x1b[31mtext\nnext`},
		{"x-plain", "héllo"},
		{"x-token-bin", "<redacted>"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("redacted:\n got %q\nwant %q", got, want)
	}
	got = MDLines(md, false)
	if got[0][1] != "Bearer s3cret" || got[4][1] != "/wA=" {
		t.Errorf("not redacted: %q", got)
	}
}

package repl

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/hostile"
)

func TestMDLinesKeepTheTerminalSafe(t *testing.T) {
	md := metadata.MD{
		"grpc-status-details-bin": {"\x08\x03\x12\x1bfailed"},
		"x-evil":                  {"red\x1b[31mtext\nnext"},
		"authorization":           {"Bearer s3cret"},
		"x-token-bin":             {"\xff\x00"},
		"x-plain":                 {"héllo"},
		"x-c1":                    {"csi\u009b2J"},
	}
	got := MDLines(md, true)
	want := [][2]string{
		{"authorization", "Bearer <redacted>"},
		{"grpc-status-details-bin", "CAMSG2ZhaWxlZA=="},
		{"x-c1", `csi\u009b2J`},
		{"x-evil", `red\x1b[31mtext\nnext`},
		{"x-plain", "héllo"},
		{"x-token-bin", "<redacted>"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("redacted:\n got %q\nwant %q", got, want)
	}
	got = MDLines(md, false)
	if got[0][1] != "Bearer s3cret" || got[5][1] != "/wA=" {
		t.Errorf("not redacted: %q", got)
	}
}

// Pretty, coloured JSON escapes C1 controls like compact JSON: the
// Formatter escapes them before ColorJSON colours.
func TestColouredJSONEscapesC1Controls(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{})
	s, err := NewSession(context.Background(), Options{Conn: dynamic.ConnConfig{Target: addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, pretty := range []bool{false, true} {
		var out, errOut bytes.Buffer
		o := &Output{Out: &out, Err: &errOut, Pretty: pretty, Color: pretty}
		if err := CallJSON(context.Background(), s, "Echo", strings.NewReader(`{}`), o); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		if strings.Contains(text, "\u009b") || !strings.Contains(text, `\u009b31m`) || !strings.Contains(text, `\u001b]52;`) {
			t.Errorf("pretty=%v: %q, want C1 and ESC escaped as \\u", pretty, text)
		}
	}
}

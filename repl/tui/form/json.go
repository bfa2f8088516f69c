package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// jsonProblem turns protojson's error on the one-line JSON text of a
// Struct / Value / ListValue input into an error naming the column.
func jsonProblem(text []byte, err error) error {
	je := dynamic.LocateJSONError(text, err)
	if je.Line != 0 {
		return fmt.Errorf("invalid JSON at column %d: %s", je.Col, je.Msg)
	}
	return je
}

// parseJSON reads the JSON view's text into a message of md with the
// engine's request reader (the one -d and scripts use): its errors are
// *dynamic.JSONError, with line:col and the field path.
func parseJSON(text string, md protoreflect.MessageDescriptor, ctx *valueCtx) (*dynamicpb.Message, error) {
	var res dynamic.JSONResolver = ctx.protoResolver()
	if r, ok := ctx.resolver().(dynamic.JSONResolver); ok {
		res = r // the session's *dynamic.Types: exactly the reader of -d
	}
	return dynamic.ParseJSONWith(res, md, []byte(text))
}

// marshalJSON formats a message as indented JSON. protojson's own output
// varies its whitespace on purpose; json.Indent makes it stable.
func marshalJSON(m proto.Message, ctx *valueCtx) (string, error) {
	b, err := protojson.MarshalOptions{Resolver: ctx.protoResolver()}.Marshal(m)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return "", err
	}
	return out.String(), nil
}

// ---------------------------------------------------------------------------
// $EDITOR

// editorMsg brings the text back from $EDITOR.
type editorMsg struct {
	id   int64
	text string
	err  error
}

// execFunc runs an interactive command (tea.ExecProcess in the program;
// tests swap it to check the command without running an editor).
type execFunc func(*exec.Cmd, tea.ExecCallback) tea.Cmd

// editorCommand builds the editor command for a file: $VISUAL, then
// $EDITOR (which may carry arguments, e.g. "code -w"), then vi.
func editorCommand(path string) *exec.Cmd {
	editor := strings.TrimSpace(os.Getenv("VISUAL"))
	if editor == "" {
		editor = strings.TrimSpace(os.Getenv("EDITOR"))
	}
	if editor == "" {
		editor = "vi"
	}
	args := strings.Fields(editor)
	return exec.Command(args[0], append(args[1:], path)...) //nolint:gosec // the user's editor
}

// editCmd writes text to a temporary file, runs the editor on it through
// run, and reads the file back into a editorMsg. All the I/O happens in
// the command, none in Update.
func editCmd(id int64, text string, run execFunc) tea.Cmd {
	return func() tea.Msg {
		f, err := os.CreateTemp("", "grpcsh-request-*.json")
		if err != nil {
			return editorMsg{id: id, err: err}
		}
		path := f.Name()
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = os.Remove(path)
			return editorMsg{id: id, err: werr}
		}
		cmd := run(editorCommand(path), func(runErr error) tea.Msg {
			defer os.Remove(path)
			if runErr != nil {
				return editorMsg{id: id, err: fmt.Errorf("editor: %w", runErr)}
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return editorMsg{id: id, err: err}
			}
			return editorMsg{id: id, text: string(b)}
		})
		if cmd == nil {
			return nil
		}
		return cmd()
	}
}

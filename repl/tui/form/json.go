package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// jsonError is an error in JSON text, with the position (1-based line and
// column in characters; 0 when unknown) that it refers to.
type jsonError struct {
	Line, Col int
	Msg       string
}

func (e *jsonError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// position converts a byte offset of text into a 1-based line and a
// 1-based column counted in characters.
func position(text []byte, off int) (int, int) {
	off = max(0, min(off, len(text)))
	before := text[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// jsonProblem turns an error of encoding/json or protojson on text into a
// jsonError pointing at a line and column. With singleLine, the message
// names only the column (the text is one input line).
func jsonProblem(text []byte, err error, singleLine bool) error {
	je := &jsonError{Msg: err.Error()}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset is just past the byte that failed.
		je.Line, je.Col = position(text, int(se.Offset)-1)
		je.Msg = strings.TrimPrefix(se.Error(), "json: ")
		if se.Offset >= int64(len(text)) && strings.Contains(se.Error(), "unexpected end") {
			je.Line, je.Col = position(text, len(text))
		}
	case errors.As(err, &te):
		je.Line, je.Col = position(text, int(te.Offset))
	default:
		// protojson's errors: the engine reads their position.
		de := dynamic.LocateJSONError(text, err)
		je.Line, je.Col, je.Msg = de.Line, de.Col, de.Msg
	}
	if singleLine && je.Line != 0 {
		return fmt.Errorf("invalid JSON at column %d: %s", je.Col, je.Msg)
	}
	return je
}

// parseJSON parses JSON text into a message of md: first as plain JSON
// (syntax errors with exact positions), then with protojson.
func parseJSON(text string, md protoreflect.MessageDescriptor, ctx *valueCtx) (*dynamicpb.Message, error) {
	b := []byte(text)
	if strings.TrimSpace(text) == "" {
		b = []byte("{}")
	}
	var probe any
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, jsonProblem(b, err, false)
	}
	if _, ok := probe.(map[string]any); !ok {
		return nil, &jsonError{Line: 1, Col: 1, Msg: "the request must be a JSON object {…}"}
	}
	dm := dynamicpb.NewMessage(md)
	if err := (protojson.UnmarshalOptions{Resolver: ctx.protoResolver()}).Unmarshal(b, dm); err != nil {
		return nil, jsonProblem(b, err, false)
	}
	return dm, nil
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

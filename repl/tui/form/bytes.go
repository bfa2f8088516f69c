package form

import (
	"fmt"
	"os"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// bytesWidget edits bytes (and a BytesValue's value): base64, hex:… or
// @path of a file, read when the request is built.
type bytesWidget struct{ textBase }

func (bytesWidget) name() string { return "bytes" }

func (bytesWidget) matches(t valueType) bool { return t.scalar == protoreflect.BytesKind }

func (bytesWidget) parse(t valueType, text string, ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	return parseScalar(t, text, ctx, doIO)
}

// commit checks that the file of an "@path" can be read: when the user
// leaves the input, not on every key.
func (bytesWidget) commit(v *valueNode) {
	if v.err != "" {
		return
	}
	path, ok := dynamic.BytesFilePath(v.text)
	if !ok {
		return
	}
	st, err := os.Stat(dynamic.ExpandHome(path))
	switch {
	case err != nil:
		v.err = fmt.Sprintf("cannot read %s: %v", path, dynamic.UnwrapPathError(err))
	case st.IsDir():
		v.err = path + " is a directory"
	}
}

func (bytesWidget) placeholder(valueType) string { return "base64, hex:…, @file" }

func (bytesWidget) emptyText(valueType) string { return `""` }

func (bytesWidget) hint(valueType) string { return "base64 · hex:0a1b2c · @path/to/file" }

package form

import (
	"fmt"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Map fields: an entry is a key row and a value row, each edited by the
// widget of its type; entries are kept in the order the user made them and
// loaded sorted by key. Duplicate keys are a problem of the key row.

// mapKeyPath formats the path of a map entry from its key text.
func mapKeyPath(path string, key *valueNode) string {
	switch {
	case key.t.kind == protoreflect.BoolKind:
		return fmt.Sprintf("%s[%t]", path, key.b)
	case key.t.kind == protoreflect.StringKind:
		return fmt.Sprintf("%s[%s]", path, strconv.Quote(key.text))
	case key.text == "":
		return path + "[0]"
	}
	return fmt.Sprintf("%s[%s]", path, key.text)
}

func lessMapKey(a, b protoreflect.MapKey) bool {
	switch x := a.Interface().(type) {
	case bool:
		return !x && b.Bool()
	case int32, int64:
		return a.Int() < b.Int()
	case uint32, uint64:
		return a.Uint() < b.Uint()
	}
	return a.String() < b.String()
}

// keyID identifies a map key for duplicate detection.
func (v *valueNode) keyID() string {
	if v.t.kind == protoreflect.BoolKind {
		return strconv.FormatBool(v.b)
	}
	if v.t.kind != protoreflect.StringKind {
		if pv, err := v.parse(nil, false); err == nil {
			return fmt.Sprint(pv.Interface())
		}
	}
	return v.text
}

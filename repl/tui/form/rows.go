package form

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// rowKind is what a line of the form shows.
type rowKind int

const (
	rowField   rowKind = iota // a field of a message
	rowOneof                  // the header of a oneof group
	rowElem                   // an element of a repeated field
	rowKey                    // the key of a map entry
	rowMapVal                 // the value of a map entry
	rowAnyType                // the @type of an Any
	rowAnyVal                 // the value inside an Any, when it is not a plain message
	rowEmpty                  // "(empty)" under an expanded repeated or map field
)

// row is one navigable row: the form is flattened into rows every time
// its structure changes.
type row struct {
	kind  rowKind
	depth int
	msg   *msgNode   // the message the field belongs to (field and oneof rows)
	field *fieldNode // the field (field rows) or the repeated / map field (element rows)
	oneof protoreflect.OneofDescriptor
	val   *valueNode // the value edited on this row (nil for headers)
	index int        // element or entry index
	path  string     // e.g. address.geo.lat, tags[2], places["home"].zip
	err   string     // a problem of the row besides val.err (duplicate key, no type)
}

// rowID identifies a row across rebuilds (to keep the cursor on it).
type rowID struct {
	kind  rowKind
	field *fieldNode
	val   *valueNode
	oneof protoreflect.OneofDescriptor
}

func (r row) id() rowID {
	return rowID{kind: r.kind, field: r.field, val: r.val, oneof: r.oneof}
}

// editable reports whether enter opens a text input on the row.
func (r row) textEditable() bool {
	if r.kind == rowAnyType {
		return true
	}
	if r.val == nil {
		return false
	}
	return r.val.t.w.textual()
}

// unset reports whether the row is an explicit-presence field that is not set.
func (r row) unset() bool {
	return r.kind == rowField && r.field != nil && r.field.explicit() && !r.field.set
}

// problem is the reason the row is invalid ("" if valid). Values of unset
// fields are not checked: they are not sent. A collapsed row stands for the
// problems inside it.
func (r row) problem() string {
	if r.err != "" {
		return r.err
	}
	if r.unset() {
		if r.field.fd.Cardinality() == protoreflect.Required {
			return "required"
		}
		return ""
	}
	var inside []fieldProblem
	switch {
	case r.kind == rowOneof || r.kind == rowEmpty:
		return ""
	case r.kind == rowAnyType:
		return r.val.err
	case r.val == nil: // repeated or map header
		if r.field.expanded {
			return ""
		}
		tmp := &msgNode{fields: []*fieldNode{r.field}}
		tmp.check("", &inside)
	case r.val.t.w.textual():
		return r.val.err
	case r.val.t.expandable() && !r.val.expanded:
		r.val.check("", &inside)
	}
	switch len(inside) {
	case 0:
		return ""
	case 1:
		return "invalid inside: " + inside[0].path + ": " + inside[0].reason
	}
	return fmt.Sprintf("%d invalid values inside", len(inside))
}

// rowsOf flattens a form into rows.
func rowsOf(root *msgNode) []row {
	var rows []row
	appendMsgRows(&rows, root, 0, "")
	return rows
}

func appendMsgRows(rows *[]row, fm *msgNode, depth int, prefix string) {
	done := map[protoreflect.OneofDescriptor]bool{}
	for _, f := range fm.fields {
		if oo := f.fd.ContainingOneof(); oo != nil && !oo.IsSynthetic() {
			if done[oo] {
				continue
			}
			done[oo] = true
			*rows = append(*rows, row{kind: rowOneof, depth: depth, msg: fm, oneof: oo,
				path: pathJoin(prefix, string(oo.Name()))})
			for _, g := range fm.fields {
				if g.fd.ContainingOneof() == oo {
					appendFieldRows(rows, fm, g, depth+1, prefix)
				}
			}
			continue
		}
		appendFieldRows(rows, fm, f, depth, prefix)
	}
}

func appendFieldRows(rows *[]row, fm *msgNode, f *fieldNode, depth int, prefix string) {
	path := pathJoin(prefix, string(f.fd.Name()))
	head := row{kind: rowField, depth: depth, msg: fm, field: f, path: path}
	switch {
	case f.fd.IsList():
		*rows = append(*rows, head)
		if !f.expanded {
			return
		}
		if len(f.elems) == 0 {
			*rows = append(*rows, row{kind: rowEmpty, depth: depth + 1, field: f, path: path})
		}
		for i, e := range f.elems {
			epath := fmt.Sprintf("%s[%d]", path, i)
			*rows = append(*rows, row{kind: rowElem, depth: depth + 1, field: f, val: e, index: i, path: epath})
			appendValueRows(rows, e, depth+2, epath)
		}
	case f.fd.IsMap():
		*rows = append(*rows, head)
		if !f.expanded {
			return
		}
		if len(f.entries) == 0 {
			*rows = append(*rows, row{kind: rowEmpty, depth: depth + 1, field: f, path: path})
		}
		seen := map[string]bool{}
		for i, e := range f.entries {
			epath := mapKeyPath(path, e.key)
			kr := row{kind: rowKey, depth: depth + 1, field: f, val: e.key, index: i, path: epath + " (key)"}
			if id := e.key.keyID(); seen[id] {
				kr.err = "duplicate key"
			} else {
				seen[id] = true
			}
			*rows = append(*rows, kr)
			*rows = append(*rows, row{kind: rowMapVal, depth: depth + 1, field: f, val: e.val, index: i, path: epath})
			appendValueRows(rows, e.val, depth+2, epath)
		}
	default:
		head.val = f.val
		*rows = append(*rows, head)
		if f.set {
			appendValueRows(rows, f.val, depth+1, path)
		}
	}
}

// appendValueRows appends the child rows of an expanded message or Any.
func appendValueRows(rows *[]row, v *valueNode, depth int, path string) {
	if !v.expanded {
		return
	}
	v.t.w.appendRows(rows, v, depth, path)
}

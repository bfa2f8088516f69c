package tui

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// formRowKind is what a line of the form shows.
type formRowKind int

const (
	formRowField   formRowKind = iota // a field of a message
	formRowOneof                      // the header of a oneof group
	formRowElem                       // an element of a repeated field
	formRowKey                        // the key of a map entry
	formRowMapVal                     // the value of a map entry
	formRowAnyType                    // the @type of an Any
	formRowAnyVal                     // the value inside an Any, when it is not a plain message
	formRowEmpty                      // "(empty)" under an expanded repeated or map field
)

// formRow is one navigable row: the form is flattened into rows every time
// its structure changes.
type formRow struct {
	kind  formRowKind
	depth int
	msg   *formMsg   // the message the field belongs to (field and oneof rows)
	field *formField // the field (field rows) or the repeated / map field (element rows)
	oneof protoreflect.OneofDescriptor
	val   *formValue // the value edited on this row (nil for headers)
	index int        // element or entry index
	path  string     // e.g. address.geo.lat, tags[2], places["home"].zip
	err   string     // a problem of the row besides val.err (duplicate key, no type)
}

// formRowID identifies a row across rebuilds (to keep the cursor on it).
type formRowID struct {
	kind  formRowKind
	field *formField
	val   *formValue
	oneof protoreflect.OneofDescriptor
}

func (r formRow) id() formRowID {
	return formRowID{kind: r.kind, field: r.field, val: r.val, oneof: r.oneof}
}

// editable reports whether enter opens a text input on the row.
func (r formRow) textEditable() bool {
	if r.kind == formRowAnyType {
		return true
	}
	if r.val == nil {
		return false
	}
	in := r.val.t.input()
	return in == formInputText || in == formInputEnum
}

// unset reports whether the row is an explicit-presence field that is not set.
func (r formRow) unset() bool {
	return r.kind == formRowField && r.field != nil && r.field.explicit() && !r.field.set
}

// problem is the reason the row is invalid ("" if valid). Values of unset
// fields are not checked: they are not sent. A collapsed row stands for the
// problems inside it.
func (r formRow) problem() string {
	if r.err != "" {
		return r.err
	}
	if r.unset() {
		if r.field.fd.Cardinality() == protoreflect.Required {
			return "required"
		}
		return ""
	}
	var inside []formProblem
	switch {
	case r.kind == formRowOneof || r.kind == formRowEmpty:
		return ""
	case r.kind == formRowAnyType:
		return r.val.err
	case r.val == nil: // repeated or map header
		if r.field.expanded {
			return ""
		}
		tmp := &formMsg{fields: []*formField{r.field}}
		tmp.check("", &inside)
	case r.val.t.input() == formInputText || r.val.t.input() == formInputEnum:
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

// formRowsOf flattens a form into rows.
func formRowsOf(root *formMsg) []formRow {
	var rows []formRow
	formAppendMsgRows(&rows, root, 0, "")
	return rows
}

func formAppendMsgRows(rows *[]formRow, fm *formMsg, depth int, prefix string) {
	done := map[protoreflect.OneofDescriptor]bool{}
	for _, f := range fm.fields {
		if oo := f.fd.ContainingOneof(); oo != nil && !oo.IsSynthetic() {
			if done[oo] {
				continue
			}
			done[oo] = true
			*rows = append(*rows, formRow{kind: formRowOneof, depth: depth, msg: fm, oneof: oo,
				path: formPathJoin(prefix, string(oo.Name()))})
			for _, g := range fm.fields {
				if g.fd.ContainingOneof() == oo {
					formAppendFieldRows(rows, fm, g, depth+1, prefix)
				}
			}
			continue
		}
		formAppendFieldRows(rows, fm, f, depth, prefix)
	}
}

func formAppendFieldRows(rows *[]formRow, fm *formMsg, f *formField, depth int, prefix string) {
	path := formPathJoin(prefix, string(f.fd.Name()))
	row := formRow{kind: formRowField, depth: depth, msg: fm, field: f, path: path}
	switch {
	case f.fd.IsList():
		*rows = append(*rows, row)
		if !f.expanded {
			return
		}
		if len(f.elems) == 0 {
			*rows = append(*rows, formRow{kind: formRowEmpty, depth: depth + 1, field: f, path: path})
		}
		for i, e := range f.elems {
			epath := fmt.Sprintf("%s[%d]", path, i)
			*rows = append(*rows, formRow{kind: formRowElem, depth: depth + 1, field: f, val: e, index: i, path: epath})
			formAppendValueRows(rows, e, depth+2, epath)
		}
	case f.fd.IsMap():
		*rows = append(*rows, row)
		if !f.expanded {
			return
		}
		if len(f.entries) == 0 {
			*rows = append(*rows, formRow{kind: formRowEmpty, depth: depth + 1, field: f, path: path})
		}
		seen := map[string]bool{}
		for i, e := range f.entries {
			epath := formMapKeyPath(path, e.key)
			kr := formRow{kind: formRowKey, depth: depth + 1, field: f, val: e.key, index: i, path: epath + " (key)"}
			if id := e.key.keyID(); seen[id] {
				kr.err = "duplicate key"
			} else {
				seen[id] = true
			}
			*rows = append(*rows, kr)
			*rows = append(*rows, formRow{kind: formRowMapVal, depth: depth + 1, field: f, val: e.val, index: i, path: epath})
			formAppendValueRows(rows, e.val, depth+2, epath)
		}
	default:
		row.val = f.val
		*rows = append(*rows, row)
		if f.set {
			formAppendValueRows(rows, f.val, depth+1, path)
		}
	}
}

// formAppendValueRows appends the child rows of an expanded message or Any.
func formAppendValueRows(rows *[]formRow, v *formValue, depth int, path string) {
	if !v.expanded {
		return
	}
	switch v.t.input() {
	case formInputMessage:
		formAppendMsgRows(rows, v.ensureMsg(), depth, path)
	case formInputAny:
		r := formRow{kind: formRowAnyType, depth: depth, val: v, path: path + ".@type"}
		if v.err == "" && v.anyInner() == nil && v.anyURL == "" {
			r.err = "no type chosen"
		}
		*rows = append(*rows, r)
		inner := v.anyInner()
		if inner == nil {
			return
		}
		if inner.t.input() == formInputMessage {
			formAppendMsgRows(rows, inner.ensureMsg(), depth, path)
			return
		}
		*rows = append(*rows, formRow{kind: formRowAnyVal, depth: depth, val: inner, path: path})
		formAppendValueRows(rows, inner, depth+1, path)
	}
}

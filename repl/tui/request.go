package tui

import (
	"slices"

	"github.com/charmbracelet/colorprofile"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/tui/form"
)

// The request pane is the request form (package form, a component of its own);
// this file only builds forms for methods: the resolver of Any
// types is the session's, and the Any type picker offers the messages of
// the files the server's services come from (dynamic.Types cannot range).

// newRequestForm builds the form of a method's request.
func newRequestForm(s *repl.Session, m protoreflect.MethodDescriptor, anyTypes []protoreflect.FullName, profile colorprofile.Profile, isDark bool, w, h int) form.Model {
	return form.New(m.Input(), form.Options{
		Resolver:        s.Types(),
		AnyTypes:        anyTypes,
		Width:           w,
		Height:          h,
		Profile:         profile,
		LightBackground: !isDark,
	})
}

// messageNames lists the messages declared in the services' files and
// everything they import, sorted, for the Any type picker.
func messageNames(svcs []protoreflect.ServiceDescriptor) []protoreflect.FullName {
	seen := map[string]bool{}
	var out []protoreflect.FullName
	var addMsgs func(ms protoreflect.MessageDescriptors)
	addMsgs = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			md := ms.Get(i)
			if md.IsMapEntry() {
				continue
			}
			out = append(out, md.FullName())
			addMsgs(md.Messages())
		}
	}
	var addFile func(fd protoreflect.FileDescriptor)
	addFile = func(fd protoreflect.FileDescriptor) {
		if fd == nil || seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		addMsgs(fd.Messages())
		for i := 0; i < fd.Imports().Len(); i++ {
			addFile(fd.Imports().Get(i).FileDescriptor)
		}
	}
	for _, sd := range svcs {
		addFile(sd.ParentFile())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

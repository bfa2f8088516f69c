package dynamic

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// FindMethod accepts a method as people type it: "pkg.Svc/Method",
// "/pkg.Svc/Method", "pkg.Svc.Method", and when unambiguous the short
// "Svc.Method", "Svc/Method" or "Method". Package-less services (the seed's
// TestServer) work in every form. Short names are looked up among the
// services of every source, the -proto files' as well as the server's. An
// unknown or ambiguous name gets an error listing the close matches; a
// service that cannot be loaded does not stop the others being searched.
func FindMethod(src Source, name string) (protoreflect.MethodDescriptor, error) {
	dotted := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(name), "/"), "/", ".")
	if dotted == "" {
		return nil, fmt.Errorf("no method given")
	}
	// A fully-qualified name costs one lookup: no need to load every service.
	// A name without a dot cannot be a method's full name (Service.Method
	// at the least): not worth the server's round trip.
	var direct error = ErrNotFound
	if strings.Contains(dotted, ".") {
		var d protoreflect.Descriptor
		d, direct = src.FindSymbol(protoreflect.FullName(dotted))
		if direct == nil {
			if md, ok := d.(protoreflect.MethodDescriptor); ok {
				return md, nil
			}
		}
	}
	methods, broken, err := loadMethods(src)
	if err != nil {
		return nil, err
	}
	var matches []protoreflect.MethodDescriptor
	for _, m := range methods {
		if full := string(m.FullName()); full == dotted || strings.HasSuffix(full, "."+dotted) {
			matches = append(matches, m)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		if brokenLookup(direct) {
			return nil, direct
		}
		return nil, withBroken(unknownError("method", name, methodNames(methods)), broken)
	default:
		return nil, fmt.Errorf("method %q is ambiguous: it could be %s", name, strings.Join(methodNames(matches), ", "))
	}
}

// AllMethods lists every method of every service of the source.
func AllMethods(src Source) ([]protoreflect.MethodDescriptor, error) {
	methods, broken, err := loadMethods(src)
	if err != nil {
		return nil, err
	}
	if len(broken) > 0 {
		return nil, broken[0]
	}
	return methods, nil
}

// loadMethods lists the methods of every service that loads, and the
// errors of those that do not.
func loadMethods(src Source) (methods []protoreflect.MethodDescriptor, broken []error, err error) {
	services, err := serviceNames(src)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range services {
		sd, err := FindService(src, string(s))
		if err != nil {
			broken = append(broken, err)
			continue
		}
		ms := sd.Methods()
		for i := 0; i < ms.Len(); i++ {
			methods = append(methods, ms.Get(i))
		}
	}
	return methods, broken, nil
}

// serviceNames lists the services names are resolved among: for a
// Composite, those of both sources (list shows the primary's only).
func serviceNames(src Source) ([]protoreflect.FullName, error) {
	c, ok := src.(Composite)
	if !ok {
		return src.ListServices()
	}
	a, errA := serviceNames(c.Primary)
	b, errB := serviceNames(c.Fallback)
	if errA != nil && errB != nil {
		return nil, errors.Join(errA, errB)
	}
	names := append(a, b...)
	slices.Sort(names)
	return slices.Compact(names), nil
}

// brokenLookup says err is a lookup that failed for another reason than
// the symbol being unknown: the server did not answer, or its descriptor
// is broken. That reason is the answer, not "unknown symbol".
func brokenLookup(err error) bool {
	return err != nil && !errors.Is(err, ErrNotFound)
}

// withBroken adds to an "unknown" error the services that could not be
// loaded, where the name may have been.
func withBroken(err error, broken []error) error {
	if len(broken) == 0 {
		return err
	}
	msgs := make([]string, len(broken))
	for i, b := range broken {
		msgs[i] = b.Error()
	}
	return fmt.Errorf("%w (not searched, as they could not be loaded: %s)", err, strings.Join(msgs, "; "))
}

// FindService finds a service by full name or, when unambiguous, by the
// last part of it.
func FindService(src Source, name string) (protoreflect.ServiceDescriptor, error) {
	d, direct := src.FindSymbol(protoreflect.FullName(name))
	if direct == nil {
		if sd, ok := d.(protoreflect.ServiceDescriptor); ok {
			return sd, nil
		}
	}
	if brokenLookup(direct) {
		return nil, direct
	}
	services, err := serviceNames(src)
	if err != nil {
		return nil, err
	}
	var names, matches []string
	for _, s := range services {
		names = append(names, string(s))
		if string(s) == name || strings.HasSuffix(string(s), "."+name) {
			matches = append(matches, string(s))
		}
	}
	switch len(matches) {
	case 0:
		return nil, unknownError("service", name, names)
	case 1:
		d, err := src.FindSymbol(protoreflect.FullName(matches[0]))
		if err != nil {
			return nil, err
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			return nil, fmt.Errorf("%s is a %s, not a service", SafeLine(matches[0]), kindOf(d))
		}
		return sd, nil
	default:
		return nil, fmt.Errorf("service %q is ambiguous: it could be %s", name, SafeLine(strings.Join(matches, ", ")))
	}
}

// FindDescriptor finds any symbol for describe: a fully-qualified name, a
// method in any of FindMethod's forms, or a short service, message or enum
// name that only one symbol of the services' files has. A symbol the
// server knows but cannot serve gets the reason (a missing import, broken
// bytes), not "unknown symbol".
func FindDescriptor(src Source, name string) (protoreflect.Descriptor, error) {
	name = strings.TrimPrefix(strings.TrimSpace(name), ".")
	d, direct := src.FindSymbol(protoreflect.FullName(name))
	if direct == nil {
		return d, nil
	}
	if brokenLookup(direct) {
		return nil, direct
	}
	if strings.Contains(name, "/") {
		return FindMethod(src, name)
	}
	// Short names: search the files that define the services, and the
	// files they import.
	services, err := serviceNames(src)
	if err != nil {
		return nil, err
	}
	seenFiles := map[string]bool{}
	var all []protoreflect.Descriptor
	var walkFile func(fd protoreflect.FileDescriptor)
	walkFile = func(fd protoreflect.FileDescriptor) {
		if seenFiles[fd.Path()] {
			return
		}
		seenFiles[fd.Path()] = true
		all = append(all, declared(fd)...)
		for i := 0; i < fd.Imports().Len(); i++ {
			walkFile(fd.Imports().Get(i).FileDescriptor)
		}
	}
	var broken []error
	for _, s := range services {
		d, err := src.FindSymbol(s)
		if err != nil {
			broken = append(broken, err)
			continue
		}
		walkFile(d.ParentFile())
	}
	var matches []protoreflect.Descriptor
	var names []string
	for _, d := range all {
		full := string(d.FullName())
		names = append(names, full)
		if full == name || strings.HasSuffix(full, "."+name) {
			matches = append(matches, d)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return nil, withBroken(unknownError("symbol", name, names), broken)
	default:
		var ms []string
		for _, m := range matches {
			ms = append(ms, string(m.FullName()))
		}
		return nil, fmt.Errorf("symbol %q is ambiguous: it could be %s", name, strings.Join(ms, ", "))
	}
}

// declared lists the services, methods, messages and enums of a file.
func declared(fd protoreflect.FileDescriptor) []protoreflect.Descriptor {
	var out []protoreflect.Descriptor
	for i := 0; i < fd.Services().Len(); i++ {
		s := fd.Services().Get(i)
		out = append(out, s)
		for j := 0; j < s.Methods().Len(); j++ {
			out = append(out, s.Methods().Get(j))
		}
	}
	var walk func(msgs protoreflect.MessageDescriptors, enums protoreflect.EnumDescriptors)
	walk = func(msgs protoreflect.MessageDescriptors, enums protoreflect.EnumDescriptors) {
		for i := 0; i < enums.Len(); i++ {
			out = append(out, enums.Get(i))
		}
		for i := 0; i < msgs.Len(); i++ {
			m := msgs.Get(i)
			if m.IsMapEntry() {
				continue
			}
			out = append(out, m)
			walk(m.Messages(), m.Enums())
		}
	}
	walk(fd.Messages(), fd.Enums())
	return out
}

func methodNames(ms []protoreflect.MethodDescriptor) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = MethodPath(m)
	}
	return out
}

// MethodPath is a method's name as on the wire and in grpcurl:
// "pkg.Svc/Method".
func MethodPath(m protoreflect.MethodDescriptor) string {
	return string(m.Parent().FullName()) + "/" + string(m.Name())
}

// unknownError names what was not found and the closest known names.
func unknownError(kind, name string, known []string) error {
	close := closeMatches(name, known)
	if len(close) == 0 {
		return fmt.Errorf("unknown %s %q", kind, name)
	}
	// The known names may come from the server: one line, escaped.
	return fmt.Errorf("unknown %s %q; did you mean %s?", kind, name, SafeLine(strings.Join(close, ", ")))
}

// closeMatches ranks known names by how close their last part is to name:
// case-insensitive equality, containment, then small edit distances.
func closeMatches(name string, known []string) []string {
	want := strings.ToLower(lastPart(name))
	type scored struct {
		name  string
		score int
	}
	var out []scored
	for _, k := range known {
		last := strings.ToLower(lastPart(k))
		score := -1
		switch {
		case last == want:
			score = 0
		case strings.Contains(last, want) || strings.Contains(want, last):
			score = 1
		default:
			if d := EditDistance(last, want); d <= max(2, len(want)/3) {
				score = 1 + d
			}
		}
		if score >= 0 {
			out = append(out, scored{k, score})
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int { return a.score - b.score })
	var names []string
	for i, s := range out {
		if i == 5 {
			break
		}
		names = append(names, s.name)
	}
	return slices.Compact(names)
}

func lastPart(name string) string {
	name = strings.ReplaceAll(name, "/", ".")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// EditDistance counts the edits from a to b, a swap of two neighbours
// being one edit ("lsit" is one from "list"), for "did you mean" hints.
func EditDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func kindOf(d protoreflect.Descriptor) string {
	switch d.(type) {
	case protoreflect.ServiceDescriptor:
		return "service"
	case protoreflect.MethodDescriptor:
		return "method"
	case protoreflect.MessageDescriptor:
		return "message"
	case protoreflect.EnumDescriptor:
		return "enum"
	case protoreflect.EnumValueDescriptor:
		return "enum value"
	case protoreflect.FieldDescriptor:
		if d.(protoreflect.FieldDescriptor).IsExtension() {
			return "extension"
		}
		return "field"
	case protoreflect.OneofDescriptor:
		return "oneof"
	case protoreflect.FileDescriptor:
		return "file"
	}
	return "symbol"
}

// KindOf names the kind of a descriptor: "service", "method", "message"...
func KindOf(d protoreflect.Descriptor) string { return kindOf(d) }

// rpcPaths caches each method's "/pkg.Service/Method": built per call, it
// was two allocations of every call of a script. Descriptors are few
// (one per method loaded): the cache is not bounded.
var rpcPaths sync.Map // protoreflect.MethodDescriptor → string

func rpcPath(m protoreflect.MethodDescriptor) string {
	if p, ok := rpcPaths.Load(m); ok {
		return p.(string)
	}
	p := "/" + MethodPath(m)
	rpcPaths.Store(m, p)
	return p
}

package dynamic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jhump/protoreflect/v2/protoprint"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Lesson is the seed document's workflow for one call, step by step:
// the .proto source, the code generation commands, clients and server
// skeletons using the generated code, the request's bytes on the wire, and
// the same call with grpcurl; after Send, the real exchange as HTTP/2
// frames. grpcsh shows it to people learning gRPC.
//
// The snippets live in learn_python.go, learn_go.go and learn_cpp.go; the
// wire annotation in learn_wire.go and capture.go; the runnable project in
// learn_write.go.
type Lesson struct {
	Method      protoreflect.MethodDescriptor
	ProtoFile   string // the path of the method's file
	ProtoSource string
	// Protos are the files the call needs to compile: the method's file
	// first, then what it imports (transitively). Well-known types are left
	// out: protoc and grpc_tools ship them.
	Protos   []ProtoFile
	Codegen  []Snippet // Python, C++, Go
	Clients  []Snippet // Python, Go, C++
	Servers  []Snippet // Python, Go
	CppBuild string    // the command that builds client.cc
	Wire     []WireField
	WireHex  string
	Grpcurl  string
	Target   CallTarget
	// Call is the real exchange, when the lesson was sent (see SendCaptured).
	Call *CapturedCall
	// SendErr is why sending failed, when it did.
	SendErr error
}

// ProtoFile is one .proto file of a lesson, as protoprint writes it.
type ProtoFile struct {
	Path   string
	Source string
}

// Snippet is a piece of code or a command in one language.
type Snippet struct {
	Language string
	Text     string
}

// CallTarget is how the lesson's snippets reach the server.
type CallTarget struct {
	Address   string   // as given to grpcsh
	Plaintext bool     // no TLS
	Flags     []string // more grpcurl flags, e.g. -H 'k: v' (secrets already redacted)
	// Header is the request metadata the snippets send, secrets already
	// redacted (see Redact).
	Header metadata.MD
}

// Explain builds the lesson of calling m with req (whose JSON is reqJSON,
// as the user wrote it or as grpcsh formats it).
func Explain(m protoreflect.MethodDescriptor, req proto.Message, reqJSON string, target CallTarget) (*Lesson, error) {
	fd := m.ParentFile()
	protos, err := lessonProtos(fd)
	if err != nil {
		return nil, err
	}
	wire, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, err
	}
	target.Header = Redact(target.Header)
	l := &Lesson{
		Method:      m,
		ProtoFile:   fd.Path(),
		ProtoSource: protos[0].Source,
		Protos:      protos,
		Codegen:     codegenCommands(protos),
		Clients:     []Snippet{pythonClient(m, req, reqJSON, target), goClient(m, reqJSON, target), cppClient(m, reqJSON, target)},
		Servers:     []Snippet{pythonServer(m), goServer(m)},
		CppBuild:    cppBuildCommand(protos),
		Wire:        AnnotateWire(m.Input(), wire),
		WireHex:     hexBytes(wire),
		Grpcurl:     grpcurlLine(m, reqJSON, target),
		Target:      target,
	}
	return l, nil
}

// lessonProtos prints fd and every file it imports, transitively, except
// the well-known types.
func lessonProtos(fd protoreflect.FileDescriptor) ([]ProtoFile, error) {
	var out []ProtoFile
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor) error
	visit = func(f protoreflect.FileDescriptor) error {
		if seen[f.Path()] || isWellKnownFile(f.Path()) {
			return nil
		}
		seen[f.Path()] = true
		src, err := (&protoprint.Printer{Indent: "  "}).PrintProtoToString(f)
		if err != nil {
			return fmt.Errorf("printing %s: %w", f.Path(), err)
		}
		out = append(out, ProtoFile{Path: f.Path(), Source: src})
		imps := f.Imports()
		for i := 0; i < imps.Len(); i++ {
			if err := visit(imps.Get(i).FileDescriptor); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(fd); err != nil {
		return nil, err
	}
	return out, nil
}

// isWellKnownFile is a file protoc ships (google/protobuf/*.proto).
func isWellKnownFile(path string) bool { return strings.HasPrefix(path, "google/protobuf/") }

func protoPaths(protos []ProtoFile) string {
	paths := make([]string, len(protos))
	for i, p := range protos {
		paths[i] = shellQuote(p.Path) // server-named: pasted into a shell
	}
	return strings.Join(paths, " ")
}

// codegenCommands are the protoc commands of the seed document, for these
// files: Python (grpc_tools), C++ and Go. python3, not the seed's python:
// Debian has no python.
func codegenCommands(protos []ProtoFile) []Snippet {
	files := protoPaths(protos)
	var py, cc, gob []string
	for _, p := range protos {
		base := strings.TrimSuffix(p.Path, ".proto")
		py = append(py, pyBase(p.Path)+"_pb2.py", pyBase(p.Path)+"_pb2_grpc.py")
		cc = append(cc, base+".pb.{h,cc}", base+".grpc.pb.{h,cc}")
		gob = append(gob, base+".pb.go", base+"_grpc.pb.go")
	}
	return []Snippet{
		{"Python", fmt.Sprintf("python3 -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. %s\n# writes %s\n# or with protoc and the plugin of Debian's protobuf-compiler-grpc:\n%s", files, strings.Join(py, ", "), pythonProtocCommand(files))},
		{"C++", fmt.Sprintf("protoc --grpc_out=. --plugin=protoc-gen-grpc=`which grpc_cpp_plugin` %s\nprotoc --cpp_out=. %s\n# writes %s", files, files, strings.Join(cc, ", "))},
		{"Go", fmt.Sprintf("protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative %s\n# writes %s", files, strings.Join(gob, ", "))},
	}
}

// pythonProtocCommand generates the Python code with protoc itself and
// grpc_python_plugin, instead of the grpc_tools module.
func pythonProtocCommand(files string) string {
	return "protoc -I . --python_out=. --grpc_python_out=. --plugin=protoc-gen-grpc_python=`which grpc_python_plugin` " + files
}

// grpcurlLine is the same call as a grpcurl command, quoted for a POSIX
// shell.
func grpcurlLine(m protoreflect.MethodDescriptor, reqJSON string, t CallTarget) string {
	parts := []string{"grpcurl"}
	if t.Plaintext {
		parts = append(parts, "-plaintext")
	}
	parts = append(parts, t.Flags...)
	if compact := strings.TrimSpace(reqJSON); compact != "" && compact != "{}" {
		parts = append(parts, "-d", shellQuote(compact))
	}
	parts = append(parts, shellQuote(t.Address), MethodPath(m))
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '.' || r == ':' || r == '/' || r == '-' || r == '_' || r == '[' || r == ']' || r == ',' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// headerPairs lists the metadata as key, value pairs sorted by key, for
// the snippets.
func headerPairs(md metadata.MD) [][2]string {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out [][2]string
	for _, k := range keys {
		for _, v := range md[k] {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

func hexBytes(b []byte) string { return fmt.Sprintf("% x", b) }

// Section is one part of a lesson: the TUI shows each as a tab, Text runs
// them together. Variants are the same step in several languages.
type Section struct {
	Key      string // contract, codegen, client, server, wire, grpcurl
	Title    string
	Variants []Snippet // one, with an empty Language, when there is no choice
}

// Sections are the lesson's parts in reading order.
func (l *Lesson) Sections() []Section {
	codegen := slices.Clone(l.Codegen)
	clients := slices.Clone(l.Clients)
	for i, c := range clients {
		if c.Language == "C++" {
			clients[i].Text = "// build: " + l.CppBuild + "\n" + c.Text
		}
	}
	secs := []Section{
		{"contract", "The contract: " + l.ProtoFile, []Snippet{{"", l.protoText()}}},
		{"codegen", "Generate the code (protoc)", codegen},
		{"client", "Call through the generated stub", clients},
		{"server", "Serve it: a server skeleton", slices.Clone(l.Servers)},
		{"wire", l.wireTitle(), []Snippet{{"", l.WireText()}}},
		{"grpcurl", "The same call with grpcurl", []Snippet{{"", l.Grpcurl + "\n"}}},
	}
	// The contract's comments and file names come from the server: shown
	// through SafeText like all server text (the snippets too, for one
	// rule).
	for i := range secs {
		secs[i].Title = SafeLine(secs[i].Title)
		for j := range secs[i].Variants {
			secs[i].Variants[j].Text = SafeText(secs[i].Variants[j].Text)
		}
	}
	return secs
}

func (l *Lesson) protoText() string {
	var b strings.Builder
	b.WriteString(l.ProtoSource)
	for _, p := range l.Protos[1:] {
		fmt.Fprintf(&b, "\n// ── imported: %s ──\n%s", p.Path, p.Source)
	}
	return b.String()
}

func (l *Lesson) wireTitle() string {
	if l.Call != nil {
		return "On the wire: the request, then the real call"
	}
	return fmt.Sprintf("The request on the wire (%s, %d bytes)", l.Method.Input().FullName(), (len(l.WireHex)+1)/3)
}

// WireText is the request's bytes annotated field by field, then, when
// the lesson was sent, the HTTP/2 frames of the real call.
func (l *Lesson) WireText() string {
	var b strings.Builder
	if l.Call != nil {
		fmt.Fprintf(&b, "The request (%s, %d bytes):\n", l.Method.Input().FullName(), (len(l.WireHex)+1)/3)
	}
	if len(l.Wire) == 0 {
		b.WriteString("(0 bytes: every field is at its default, and defaults are not sent)\n")
	}
	writeWireFields(&b, l.Wire, "")
	if l.Call != nil {
		b.WriteString("\n")
		b.WriteString(l.Call.Text())
	}
	return b.String()
}

// writeWireFields prints annotated fields, one per line.
func writeWireFields(b *strings.Builder, fields []WireField, indent string) {
	for _, f := range fields {
		hex := hexBytes(f.Bytes)
		if len(hex) > 35 {
			hex = hex[:32] + "..."
		}
		fmt.Fprintf(b, "%s%s%-*s  %s %s: %s\n", indent, strings.Repeat("  ", f.Depth), 35-2*f.Depth, hex, f.Field, f.Type, SafeLine(f.Meaning))
	}
}

// Text renders the lesson for a terminal or a file.
func (l *Lesson) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Calling %s (%s), step by step.\n", MethodPath(l.Method), MethodKind(l.Method))
	secs := l.Sections()
	// The order of the seed: contract, codegen, client, then what the
	// client sends, grpcurl, and the server side last.
	order := []string{"contract", "codegen", "client", "wire", "grpcurl", "server"}
	for i, key := range order {
		var s Section
		for _, c := range secs {
			if c.Key == key {
				s = c
			}
		}
		fmt.Fprintf(&b, "\n── %d. %s ──\n", i+1, s.Title)
		for j, v := range s.Variants {
			if j > 0 {
				b.WriteString("\n")
			}
			if v.Language != "" {
				fmt.Fprintf(&b, "# %s\n", v.Language)
			}
			b.WriteString(v.Text)
			if !strings.HasSuffix(v.Text, "\n") {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

package dynamic

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jhump/protoreflect/v2/protoprint"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Lesson is the seed document's workflow for one call, step by step:
// the .proto source, the code generation commands, a client using the
// generated stub, the request's bytes on the wire, and the same call with
// grpcurl. grpcsh shows it to people learning gRPC.
type Lesson struct {
	Method      protoreflect.MethodDescriptor
	ProtoFile   string // the path of the method's file
	ProtoSource string
	Codegen     []Snippet
	Clients     []Snippet
	Wire        []WireField
	WireHex     string
	Grpcurl     string
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
}

// Explain builds the lesson of calling m with req (whose JSON is reqJSON,
// as the user wrote it or as grpcsh formats it).
func Explain(m protoreflect.MethodDescriptor, req proto.Message, reqJSON string, target CallTarget) (*Lesson, error) {
	fd := m.ParentFile()
	src, err := (&protoprint.Printer{Indent: "  "}).PrintProtoToString(fd)
	if err != nil {
		return nil, err
	}
	wire, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, err
	}
	l := &Lesson{
		Method:      m,
		ProtoFile:   fd.Path(),
		ProtoSource: src,
		Codegen:     codegenCommands(fd),
		Clients:     []Snippet{pythonClient(m, req, reqJSON, target), goClient(m, reqJSON, target)},
		Wire:        AnnotateWire(m.Input(), wire),
		WireHex:     hexBytes(wire),
		Grpcurl:     grpcurlLine(m, reqJSON, target),
	}
	return l, nil
}

// codegenCommands are the protoc commands of the seed document, for this
// file: Python (grpc_tools), C++ and Go.
func codegenCommands(fd protoreflect.FileDescriptor) []Snippet {
	file := fd.Path()
	return []Snippet{
		{"Python", fmt.Sprintf("python -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. %s\n# writes %s.py and %s.py", file, pyModule(file), pyModule(file)+"_grpc")},
		{"C++", fmt.Sprintf("protoc --grpc_out=. --plugin=protoc-gen-grpc=`which grpc_cpp_plugin` %s\nprotoc --cpp_out=. %s\n# writes %s.grpc.pb.{h,cc} and %s.pb.{h,cc}", file, file, strings.TrimSuffix(file, ".proto"), strings.TrimSuffix(file, ".proto"))},
		{"Go", fmt.Sprintf("protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative %s\n# writes %s.pb.go and %s_grpc.pb.go", file, strings.TrimSuffix(file, ".proto"), strings.TrimSuffix(file, ".proto"))},
	}
}

// pyModule is the module protoc's Python plugin writes for a file:
// "a/b/test.proto" → "a.b.test_pb2".
func pyModule(file string) string {
	return strings.ReplaceAll(strings.TrimSuffix(file, ".proto"), "/", ".") + "_pb2"
}

func pythonClient(m protoreflect.MethodDescriptor, req proto.Message, reqJSON string, t CallTarget) Snippet {
	file := m.ParentFile().Path()
	pb, pbGrpc := pyModule(file), pyModule(file)+"_grpc"
	alias, aliasGrpc := path.Base(strings.ReplaceAll(pb, ".", "/")), path.Base(strings.ReplaceAll(pbGrpc, ".", "/"))
	svc := m.Parent().(protoreflect.ServiceDescriptor)
	in := m.Input()
	var b strings.Builder
	b.WriteString("import grpc\n")
	if strings.Contains(pb, ".") {
		fmt.Fprintf(&b, "from %s import %s, %s\n", pb[:strings.LastIndexByte(pb, '.')], alias, aliasGrpc)
	} else {
		fmt.Fprintf(&b, "import %s, %s\n", pb, pbGrpc)
	}
	ctor, flat := pythonKwargs(req)
	if !flat {
		b.WriteString("from google.protobuf import json_format\n")
	}
	b.WriteString("\n")
	if t.Plaintext {
		fmt.Fprintf(&b, "channel = grpc.insecure_channel(%q)\n", t.Address)
	} else {
		fmt.Fprintf(&b, "channel = grpc.secure_channel(%q, grpc.ssl_channel_credentials())\n", t.Address)
	}
	fmt.Fprintf(&b, "stub = %s.%sStub(channel)\n", aliasGrpc, svc.Name())
	msgName := pythonMessageName(in)
	if flat {
		fmt.Fprintf(&b, "req = %s.%s(%s)\n", alias, msgName, ctor)
	} else {
		fmt.Fprintf(&b, "req = json_format.Parse(%s, %s.%s())\n", pyString(reqJSON), alias, msgName)
	}
	call := fmt.Sprintf("stub.%s", m.Name())
	switch MethodKind(m) {
	case BidiStream:
		fmt.Fprintf(&b, "for response in %s(iter([req])):\n    print(response)\n", call)
	case ServerStream:
		fmt.Fprintf(&b, "for response in %s(req):\n    print(response)\n", call)
	case ClientStream:
		fmt.Fprintf(&b, "response = %s(iter([req]))\nprint(response)\n", call)
	default:
		fmt.Fprintf(&b, "response = %s(req)\nprint(response)\n", call)
	}
	return Snippet{"Python", b.String()}
}

// pythonMessageName is the name of a message in its Python module: nested
// messages are attributes of their parent.
func pythonMessageName(md protoreflect.MessageDescriptor) string {
	pkg := md.ParentFile().Package()
	name := string(md.FullName())
	if pkg != "" {
		name = strings.TrimPrefix(name, string(pkg)+".")
	}
	return name
}

// pythonKwargs writes req as keyword arguments, as the seed does
// (test_pb2.Request(id="123")), when every set field is a plain scalar.
func pythonKwargs(req proto.Message) (string, bool) {
	var parts []string
	flat := true
	req.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.IsList() || fd.IsMap() || fd.Message() != nil || fd.Kind() == protoreflect.BytesKind {
			flat = false
			return false
		}
		var lit string
		switch fd.Kind() {
		case protoreflect.StringKind:
			lit = pyString(v.String())
		case protoreflect.BoolKind:
			lit = map[bool]string{true: "True", false: "False"}[v.Bool()]
		case protoreflect.EnumKind:
			if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
				lit = pyString(string(ev.Name()))
			} else {
				lit = strconv.Itoa(int(v.Enum()))
			}
		default:
			lit = v.String()
		}
		parts = append(parts, string(fd.Name())+"="+lit)
		return true
	})
	slices.Sort(parts)
	return strings.Join(parts, ", "), flat
}

func pyString(s string) string {
	if !strings.Contains(s, `'`) {
		return "'" + strings.ReplaceAll(s, `\`, `\\`) + "'"
	}
	return strconv.Quote(s)
}

func goClient(m protoreflect.MethodDescriptor, reqJSON string, t CallTarget) Snippet {
	fd := m.ParentFile()
	importPath := ""
	if opts, ok := fd.Options().(*descriptorpb.FileOptions); ok {
		importPath = opts.GetGoPackage()
	}
	if i := strings.IndexByte(importPath, ';'); i >= 0 {
		importPath = importPath[:i]
	}
	if importPath == "" {
		importPath = "example.com/yourmodule/" + strings.TrimSuffix(path.Base(fd.Path()), ".proto") + "pb"
	}
	pkg := path.Base(importPath)
	svc := m.Parent().Name()
	in := strings.ReplaceAll(pythonMessageName(m.Input()), ".", "_")
	std := []string{`"context"`, `"fmt"`}
	creds, credsImport := `insecure.NewCredentials()`, `"google.golang.org/grpc/credentials/insecure"`
	if !t.Plaintext {
		std = append([]string{`"crypto/tls"`}, std...)
		creds, credsImport = `credentials.NewTLS(&tls.Config{})`, `"google.golang.org/grpc/credentials"`
	}
	var b strings.Builder
	fmt.Fprintf(&b, "import (\n\t%s\n\n\t\"google.golang.org/grpc\"\n\t%s\n\t\"google.golang.org/protobuf/encoding/protojson\"\n\n\t%s %q\n)\n\n",
		strings.Join(std, "\n\t"), credsImport, pkg, importPath)
	fmt.Fprintf(&b, "conn, err := grpc.NewClient(%q, grpc.WithTransportCredentials(%s))\nif err != nil {\n\treturn err\n}\ndefer conn.Close()\n", t.Address, creds)
	fmt.Fprintf(&b, "client := %s.New%sClient(conn)\n", pkg, svc)
	fmt.Fprintf(&b, "req := &%s.%s{}\nif err := protojson.Unmarshal([]byte(%s), req); err != nil {\n\treturn err\n}\n", pkg, in, "`"+strings.ReplaceAll(reqJSON, "`", "`+\"`\"+`")+"`")
	switch MethodKind(m) {
	case BidiStream:
		fmt.Fprintf(&b, "stream, err := client.%s(context.Background())\nif err != nil {\n\treturn err\n}\nstream.Send(req)\nstream.CloseSend()\nfor {\n\tresp, err := stream.Recv()\n\tif err != nil {\n\t\tbreak // io.EOF at the end\n\t}\n\tfmt.Println(resp)\n}\n", m.Name())
	case ServerStream:
		fmt.Fprintf(&b, "stream, err := client.%s(context.Background(), req)\nif err != nil {\n\treturn err\n}\nfor {\n\tresp, err := stream.Recv()\n\tif err != nil {\n\t\tbreak // io.EOF at the end\n\t}\n\tfmt.Println(resp)\n}\n", m.Name())
	case ClientStream:
		fmt.Fprintf(&b, "stream, err := client.%s(context.Background())\nif err != nil {\n\treturn err\n}\nstream.Send(req)\nresp, err := stream.CloseAndRecv()\nif err != nil {\n\treturn err\n}\nfmt.Println(resp)\n", m.Name())
	default:
		fmt.Fprintf(&b, "resp, err := client.%s(context.Background(), req)\nif err != nil {\n\treturn err\n}\nfmt.Println(resp)\n", m.Name())
	}
	return Snippet{"Go", b.String()}
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

// WireField is one field of a message on the wire: its tag and value bytes
// and what they mean. Fields of nested messages follow their parent with a
// greater Depth.
type WireField struct {
	Depth   int
	Offset  int    // of the tag, from the start of the top message
	Bytes   []byte // tag, length and value
	Field   string // "name (number)"; "(number)" for an unknown field
	Type    string // VARINT, I64, LEN, I32
	Meaning string // the decoded value
}

// AnnotateWire explains the protobuf encoding of a message of type md,
// field by field; it never fails, marking bytes it cannot parse.
func AnnotateWire(md protoreflect.MessageDescriptor, b []byte) []WireField {
	var out []WireField
	annotate(md, b, 0, 0, &out)
	return out
}

func annotate(md protoreflect.MessageDescriptor, b []byte, base, depth int, out *[]WireField) {
	for off := 0; off < len(b); {
		num, typ, tagLen := protowire.ConsumeTag(b[off:])
		if tagLen < 0 {
			*out = append(*out, WireField{Depth: depth, Offset: base + off, Bytes: b[off:], Meaning: "cannot parse: " + protowire.ParseError(tagLen).Error()})
			return
		}
		valLen := protowire.ConsumeFieldValue(num, typ, b[off+tagLen:])
		if valLen < 0 {
			*out = append(*out, WireField{Depth: depth, Offset: base + off, Bytes: b[off:], Meaning: "cannot parse: " + protowire.ParseError(valLen).Error()})
			return
		}
		var fd protoreflect.FieldDescriptor
		if md != nil {
			fd = md.Fields().ByNumber(num)
		}
		val := b[off+tagLen : off+tagLen+valLen]
		wf := WireField{Depth: depth, Offset: base + off, Bytes: b[off : off+tagLen+valLen], Field: fmt.Sprintf("(%d)", num), Type: wireTypeName(typ)}
		if fd != nil {
			wf.Field = fmt.Sprintf("%s (%d)", fd.Name(), num)
		}
		var nested protoreflect.MessageDescriptor
		wf.Meaning, nested = wireMeaning(fd, typ, val)
		*out = append(*out, wf)
		if nested != nil {
			inner, _ := protowire.ConsumeBytes(val)
			// The nested message starts after the tag and its length.
			annotate(nested, inner, base+off+tagLen+len(val)-len(inner), depth+1, out)
		}
		off += tagLen + valLen
	}
}

func wireTypeName(t protowire.Type) string {
	switch t {
	case protowire.VarintType:
		return "VARINT"
	case protowire.Fixed64Type:
		return "I64"
	case protowire.BytesType:
		return "LEN"
	case protowire.Fixed32Type:
		return "I32"
	case protowire.StartGroupType:
		return "SGROUP"
	case protowire.EndGroupType:
		return "EGROUP"
	}
	return "?"
}

// wireMeaning decodes one value; for a nested message it returns the
// message's descriptor so that its fields are annotated too.
func wireMeaning(fd protoreflect.FieldDescriptor, typ protowire.Type, val []byte) (string, protoreflect.MessageDescriptor) {
	switch typ {
	case protowire.VarintType:
		v, _ := protowire.ConsumeVarint(val)
		if fd == nil {
			return strconv.FormatUint(v, 10), nil
		}
		switch fd.Kind() {
		case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
			return fmt.Sprintf("%d (zigzag %d)", protowire.DecodeZigZag(v), v), nil
		case protoreflect.BoolKind:
			return strconv.FormatBool(v != 0), nil
		case protoreflect.EnumKind:
			if ev := fd.Enum().Values().ByNumber(protoreflect.EnumNumber(int32(v))); ev != nil {
				return fmt.Sprintf("%s (%d)", ev.Name(), int32(v)), nil
			}
			return strconv.Itoa(int(int32(v))), nil
		case protoreflect.Int32Kind:
			return strconv.Itoa(int(int32(v))), nil
		case protoreflect.Int64Kind:
			return strconv.FormatInt(int64(v), 10), nil
		}
		return strconv.FormatUint(v, 10), nil
	case protowire.Fixed32Type:
		v, _ := protowire.ConsumeFixed32(val)
		if fd != nil {
			switch fd.Kind() {
			case protoreflect.FloatKind:
				return strconv.FormatFloat(float64(mathFloat32(v)), 'g', -1, 32), nil
			case protoreflect.Sfixed32Kind:
				return strconv.Itoa(int(int32(v))), nil
			}
		}
		return strconv.FormatUint(uint64(v), 10), nil
	case protowire.Fixed64Type:
		v, _ := protowire.ConsumeFixed64(val)
		if fd != nil {
			switch fd.Kind() {
			case protoreflect.DoubleKind:
				return strconv.FormatFloat(mathFloat64(v), 'g', -1, 64), nil
			case protoreflect.Sfixed64Kind:
				return strconv.FormatInt(int64(v), 10), nil
			}
		}
		return strconv.FormatUint(v, 10), nil
	case protowire.BytesType:
		inner, _ := protowire.ConsumeBytes(val)
		switch {
		case fd != nil && fd.Message() != nil:
			return fmt.Sprintf("%d bytes: a %s", len(inner), fd.Message().Name()), fd.Message()
		case fd != nil && fd.Kind() == protoreflect.StringKind:
			return fmt.Sprintf("%d bytes: %q", len(inner), string(inner)), nil
		case fd != nil && fd.IsList():
			return fmt.Sprintf("%d bytes: packed %s values", len(inner), fd.Kind()), nil
		case utf8.Valid(inner) && fd == nil:
			return fmt.Sprintf("%d bytes: %q", len(inner), string(inner)), nil
		}
		return fmt.Sprintf("%d bytes", len(inner)), nil
	}
	return "", nil
}

func hexBytes(b []byte) string { return fmt.Sprintf("% x", b) }

// Text renders the lesson for a terminal or a file.
func (l *Lesson) Text() string {
	var b strings.Builder
	section := func(n int, title string) { fmt.Fprintf(&b, "\n── %d. %s ──\n", n, title) }
	fmt.Fprintf(&b, "Calling %s (%s), step by step.\n", MethodPath(l.Method), MethodKind(l.Method))
	section(1, "The contract: "+l.ProtoFile)
	b.WriteString(l.ProtoSource)
	section(2, "Generate the code (protoc)")
	for _, s := range l.Codegen {
		fmt.Fprintf(&b, "# %s\n%s\n", s.Language, s.Text)
	}
	section(3, "Call through the generated stub")
	for i, s := range l.Clients {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "# %s\n%s", s.Language, s.Text)
	}
	section(4, fmt.Sprintf("The request on the wire (%s, %d bytes)", l.Method.Input().FullName(), (len(l.WireHex)+1)/3))
	if len(l.Wire) == 0 {
		b.WriteString("(0 bytes: every field is at its default, and defaults are not sent)\n")
	}
	for _, f := range l.Wire {
		hex := hexBytes(f.Bytes)
		if len(hex) > 35 {
			hex = hex[:32] + "..."
		}
		fmt.Fprintf(&b, "%s%-*s  %s %s: %s\n", strings.Repeat("  ", f.Depth), 35-2*f.Depth, hex, f.Field, f.Type, f.Meaning)
	}
	section(5, "The same call with grpcurl")
	b.WriteString(l.Grpcurl + "\n")
	return b.String()
}

func mathFloat32(v uint32) float32 { return math.Float32frombits(v) }
func mathFloat64(v uint64) float64 { return math.Float64frombits(v) }

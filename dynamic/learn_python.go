package dynamic

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// pyModule is the module protoc's Python plugin writes for a file:
// "a/b/test.proto" → "a.b.test_pb2", "my-svc.proto" → "my_svc_pb2" (protoc's
// ModuleName turns dashes into underscores: a dash is no Python name).
func pyModule(file string) string {
	return strings.ReplaceAll(pyBase(file), "/", ".") + "_pb2"
}

// pyBase is the path, without its extension, of the files protoc's Python
// plugin writes for a .proto file: "a/my-svc.proto" → "a/my_svc".
func pyBase(file string) string {
	return strings.ReplaceAll(strings.TrimSuffix(file, ".proto"), "-", "_")
}

// pyImports collects the import lines of a snippet: modules of files at the
// top level are imported by name (import test_pb2, test_pb2_grpc, as the
// seed does), the others from their package (from google.protobuf import
// empty_pb2).
type pyImports struct {
	plain []string
	from  map[string][]string
}

// add imports module (dotted) and returns the name the code uses for it.
func (p *pyImports) add(module string) string {
	i := strings.LastIndexByte(module, '.')
	if i < 0 {
		if !slices.Contains(p.plain, module) {
			p.plain = append(p.plain, module)
		}
		return module
	}
	pkg, name := module[:i], module[i+1:]
	if p.from == nil {
		p.from = map[string][]string{}
	}
	if !slices.Contains(p.from[pkg], name) {
		p.from[pkg] = append(p.from[pkg], name)
	}
	return name
}

func (p *pyImports) text() string {
	var b strings.Builder
	b.WriteString("import grpc\n")
	if len(p.plain) > 0 {
		fmt.Fprintf(&b, "import %s\n", strings.Join(p.plain, ", "))
	}
	pkgs := make([]string, 0, len(p.from))
	for k := range p.from {
		pkgs = append(pkgs, k)
	}
	slices.Sort(pkgs)
	for _, k := range pkgs {
		fmt.Fprintf(&b, "from %s import %s\n", k, strings.Join(p.from[k], ", "))
	}
	return b.String()
}

// pyMessage is how Python code names md, importing its module.
func (p *pyImports) message(md protoreflect.MessageDescriptor) string {
	return p.add(pyModule(md.ParentFile().Path())) + "." + pythonMessageName(md)
}

// pyStubModules imports the method's _pb2 and _pb2_grpc modules and
// returns the name of the _grpc one.
func (p *pyImports) stubModule(m protoreflect.MethodDescriptor) string {
	pb := pyModule(m.ParentFile().Path())
	p.add(pb)
	return p.add(pb + "_grpc")
}

func pythonClient(m protoreflect.MethodDescriptor, req proto.Message, reqJSON string, t CallTarget) Snippet {
	var imp pyImports
	grpcMod := imp.stubModule(m)
	svc := m.Parent().(protoreflect.ServiceDescriptor)
	in := imp.message(m.Input())
	ctor, flat := pythonKwargs(req)
	var body strings.Builder
	if t.Plaintext {
		fmt.Fprintf(&body, "channel = grpc.insecure_channel(%q)\n", t.Address)
	} else {
		fmt.Fprintf(&body, "channel = grpc.secure_channel(%q, grpc.ssl_channel_credentials())\n", t.Address)
	}
	fmt.Fprintf(&body, "stub = %s.%sStub(channel)\n", grpcMod, svc.Name())
	if flat {
		fmt.Fprintf(&body, "req = %s(%s)\n", in, ctor)
	} else {
		fmt.Fprintf(&body, "req = json_format.Parse(%s, %s())\n", pyString(reqJSON), in)
	}
	args := ""
	if pairs := headerPairs(t.Header); len(pairs) > 0 {
		var md []string
		for _, kv := range pairs {
			md = append(md, fmt.Sprintf("(%s, %s)", pyString(kv[0]), pyString(kv[1])))
		}
		args = ", metadata=[" + strings.Join(md, ", ") + "]"
	}
	call := fmt.Sprintf("stub.%s", m.Name())
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		fmt.Fprintf(&body, "for response in %s(iter([req])%s):\n    print(response)\n", call, args)
	case m.IsStreamingServer():
		fmt.Fprintf(&body, "for response in %s(req%s):\n    print(response)\n", call, args)
	case m.IsStreamingClient():
		fmt.Fprintf(&body, "response = %s(iter([req])%s)\nprint(response)\n", call, args)
	default:
		fmt.Fprintf(&body, "response = %s(req%s)\nprint(response)\n", call, args)
	}
	head := imp.text()
	if !flat {
		head += "from google.protobuf import json_format\n"
	}
	return Snippet{"Python", head + "\n" + body.String()}
}

// pythonServer is the seed's server pattern: a subclass of the generated
// XServicer, registered with add_XServicer_to_server. The body of each
// method is one line to replace. It listens on the address in argv[1]
// (default 127.0.0.1:50051; port 0 picks a free one) and prints where.
func pythonServer(m protoreflect.MethodDescriptor) Snippet {
	var imp pyImports
	grpcMod := imp.stubModule(m)
	svc := m.Parent().Name()
	out := imp.message(m.Output())
	var b strings.Builder
	fmt.Fprintf(&b, "class %sServicer(%s.%sServicer):\n", svc, grpcMod, svc)
	fmt.Fprintf(&b, "    def %s(self, %s, context):\n", m.Name(), map[bool]string{false: "request", true: "request_iterator"}[m.IsStreamingClient()])
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		fmt.Fprintf(&b, "        for request in request_iterator:\n            yield %s()  # your answer to each request\n", out)
	case m.IsStreamingServer():
		fmt.Fprintf(&b, "        yield %s()  # your answers, one yield each\n", out)
	case m.IsStreamingClient():
		fmt.Fprintf(&b, "        requests = list(request_iterator)\n        return %s()  # your answer to all of them\n", out)
	default:
		fmt.Fprintf(&b, "        return %s()  # your answer\n", out)
	}
	fmt.Fprintf(&b, `

def serve(address):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    %s.add_%sServicer_to_server(%sServicer(), server)
    port = server.add_insecure_port(address)
    server.start()
    print("listening on %%s:%%d" %% (address.rsplit(":", 1)[0], port), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051")
`, grpcMod, svc, svc)
	head := "import sys\nfrom concurrent import futures\n\n" + imp.text()
	return Snippet{"Python", head + "\n\n" + b.String()}
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
	if !strings.Contains(s, `'`) && strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) < 0 {
		return "'" + strings.ReplaceAll(s, `\`, `\\`) + "'"
	}
	return strconv.Quote(s)
}

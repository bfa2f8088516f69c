package dynamic

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// goImports collects the generated packages a Go snippet uses, by import
// path, with the name each is used under.
type goImports map[string]string

// goPackage is the import path and package name of a file's generated Go
// code: its go_package option, or a placeholder under example.com for a
// file without one.
func goPackage(fd protoreflect.FileDescriptor) (importPath, name string) {
	if opts, ok := fd.Options().(*descriptorpb.FileOptions); ok {
		importPath = opts.GetGoPackage()
	}
	if i := strings.IndexByte(importPath, ';'); i >= 0 {
		importPath, name = importPath[:i], importPath[i+1:]
	}
	if importPath == "" {
		importPath = "example.com/yourmodule/" + strings.TrimSuffix(path.Base(fd.Path()), ".proto") + "pb"
	}
	if name == "" {
		name = path.Base(importPath)
	}
	return importPath, name
}

func (g goImports) pkg(fd protoreflect.FileDescriptor) string {
	ip, name := goPackage(fd)
	g[ip] = name
	return name
}

// message is md's Go type: nested messages are Parent_Child.
func (g goImports) message(md protoreflect.MessageDescriptor) string {
	return g.pkg(md.ParentFile()) + "." + strings.ReplaceAll(pythonMessageName(md), ".", "_")
}

func (g goImports) lines() string {
	paths := make([]string, 0, len(g))
	for p := range g {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%s %q\n", g[p], p)
	}
	return b.String()
}

// goClient is a whole program: main calls run, which makes the call.
func goClient(m protoreflect.MethodDescriptor, reqJSON string, t CallTarget) Snippet {
	imp := goImports{}
	pkg := imp.pkg(m.ParentFile())
	in := imp.message(m.Input())
	svc := m.Parent().Name()
	std := []string{`"context"`, `"fmt"`, `"log"`}
	if m.IsStreamingServer() {
		std = append(std, `"errors"`, `"io"`)
	}
	creds, credsImport := `insecure.NewCredentials()`, `"google.golang.org/grpc/credentials/insecure"`
	if !t.Plaintext {
		std = append(std, `"crypto/tls"`)
		creds, credsImport = `credentials.NewTLS(&tls.Config{})`, `"google.golang.org/grpc/credentials"`
	}
	slices.Sort(std)
	grpcImports := []string{`"google.golang.org/grpc"`, credsImport}
	pairs := headerPairs(t.Header)
	if len(pairs) > 0 {
		grpcImports = append(grpcImports, `"google.golang.org/grpc/metadata"`)
	}
	grpcImports = append(grpcImports, `"google.golang.org/protobuf/encoding/protojson"`)
	var b strings.Builder
	fmt.Fprintf(&b, "package main\n\nimport (\n\t%s\n\n\t%s\n\n%s)\n\n", strings.Join(std, "\n\t"), strings.Join(grpcImports, "\n\t"), imp.lines())
	b.WriteString("func main() {\n\tif err := run(); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc run() error {\n")
	fmt.Fprintf(&b, "conn, err := grpc.NewClient(%q, grpc.WithTransportCredentials(%s))\nif err != nil {\n\treturn err\n}\ndefer conn.Close()\n", t.Address, creds)
	fmt.Fprintf(&b, "client := %s.New%sClient(conn)\n", pkg, svc)
	fmt.Fprintf(&b, "req := &%s{}\nif err := protojson.Unmarshal([]byte(%s), req); err != nil {\n\treturn err\n}\n", in, "`"+strings.ReplaceAll(reqJSON, "`", "`+\"`\"+`")+"`")
	b.WriteString("ctx := context.Background()\n")
	if len(pairs) > 0 {
		var kv []string
		for _, p := range pairs {
			kv = append(kv, fmt.Sprintf("%q, %q", p[0], p[1]))
		}
		fmt.Fprintf(&b, "ctx = metadata.AppendToOutgoingContext(ctx, %s)\n", strings.Join(kv, ", "))
	}
	recvLoop := "for {\n\tresp, err := stream.Recv()\n\tif errors.Is(err, io.EOF) {\n\t\treturn nil\n\t}\n\tif err != nil {\n\t\treturn err\n\t}\n\tfmt.Println(resp)\n}\n"
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		fmt.Fprintf(&b, "stream, err := client.%s(ctx)\nif err != nil {\n\treturn err\n}\nif err := stream.Send(req); err != nil {\n\treturn err\n}\nif err := stream.CloseSend(); err != nil {\n\treturn err\n}\n%s", m.Name(), recvLoop)
	case m.IsStreamingServer():
		fmt.Fprintf(&b, "stream, err := client.%s(ctx, req)\nif err != nil {\n\treturn err\n}\n%s", m.Name(), recvLoop)
	case m.IsStreamingClient():
		fmt.Fprintf(&b, "stream, err := client.%s(ctx)\nif err != nil {\n\treturn err\n}\nif err := stream.Send(req); err != nil {\n\treturn err\n}\nresp, err := stream.CloseAndRecv()\nif err != nil {\n\treturn err\n}\nfmt.Println(resp)\nreturn nil\n", m.Name())
	default:
		fmt.Fprintf(&b, "resp, err := client.%s(ctx, req)\nif err != nil {\n\treturn err\n}\nfmt.Println(resp)\nreturn nil\n", m.Name())
	}
	b.WriteString("}\n")
	return Snippet{"Go", indentGoBody(b.String())}
}

// indentGoBody indents the statements of run, written flush left above.
func indentGoBody(src string) string {
	head, body, ok := strings.Cut(src, "func run() error {\n")
	if !ok {
		return src
	}
	lines := strings.Split(strings.TrimSuffix(body, "}\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return head + "func run() error {\n" + strings.Join(lines, "\n") + "}\n"
}

// goServer is a skeleton for protoc-gen-go-grpc's generated interface (the
// generic stream types of its 1.5 release), registered and served.
func goServer(m protoreflect.MethodDescriptor) Snippet {
	imp := goImports{}
	pkg := imp.pkg(m.ParentFile())
	in, out := imp.message(m.Input()), imp.message(m.Output())
	svc := m.Parent().Name()
	std := []string{`"flag"`, `"log"`, `"net"`}
	if !m.IsStreamingClient() && !m.IsStreamingServer() {
		std = append([]string{`"context"`}, std...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "package main\n\nimport (\n\t%s\n\n\t\"google.golang.org/grpc\"\n\n%s)\n\n", strings.Join(std, "\n\t"), imp.lines())
	fmt.Fprintf(&b, "type server struct {\n\t%s.Unimplemented%sServer\n}\n\n", pkg, svc)
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		fmt.Fprintf(&b, "func (server) %s(stream grpc.BidiStreamingServer[%s, %s]) error {\n\tfor {\n\t\tif _, err := stream.Recv(); err != nil {\n\t\t\treturn nil // io.EOF: the client is done\n\t\t}\n\t\tif err := stream.Send(&%s{}); err != nil { // your answer to each request\n\t\t\treturn err\n\t\t}\n\t}\n}\n", m.Name(), in, out, out)
	case m.IsStreamingServer():
		fmt.Fprintf(&b, "func (server) %s(req *%s, stream grpc.ServerStreamingServer[%s]) error {\n\treturn stream.Send(&%s{}) // your answers, one Send each\n}\n", m.Name(), in, out, out)
	case m.IsStreamingClient():
		fmt.Fprintf(&b, "func (server) %s(stream grpc.ClientStreamingServer[%s, %s]) error {\n\tfor {\n\t\tif _, err := stream.Recv(); err != nil {\n\t\t\tbreak // io.EOF: the client is done\n\t\t}\n\t}\n\treturn stream.SendAndClose(&%s{}) // your answer to all of them\n}\n", m.Name(), in, out, out)
	default:
		fmt.Fprintf(&b, "func (server) %s(ctx context.Context, req *%s) (*%s, error) {\n\treturn &%s{}, nil // your answer\n}\n", m.Name(), in, out, out)
	}
	fmt.Fprintf(&b, `
func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "address to listen on")
	flag.Parse()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer()
	%s.Register%sServer(s, server{})
	log.Printf("listening on %%s", lis.Addr())
	log.Fatal(s.Serve(lis))
}
`, pkg, svc)
	return Snippet{"Go", b.String()}
}

package dynamic

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// cppName is the C++ name of a message or service: the package as
// namespaces, nested messages as Parent_Child.
func cppName(d protoreflect.Descriptor) string {
	pkg := string(d.ParentFile().Package())
	name := strings.TrimPrefix(string(d.FullName()), pkg+".")
	if pkg == "" {
		name = string(d.FullName())
	}
	name = strings.ReplaceAll(name, ".", "_")
	if pkg == "" {
		return name
	}
	return strings.ReplaceAll(pkg, ".", "::") + "::" + name
}

// cppRaw quotes s as a C++ raw string literal with a delimiter s lacks.
func cppRaw(s string) string {
	delim := "json"
	for strings.Contains(s, ")"+delim+`"`) {
		delim += "x"
	}
	return `R"` + delim + "(" + s + ")" + delim + `"`
}

// cppClient is the seed's C++ side: grpc::CreateChannel, the generated
// Stub, a ClientContext per call, and ClientReader / ClientWriter /
// ClientReaderWriter for streams. The request is written as JSON and
// parsed with protobuf's json_util, which works for any message. argv[1]
// overrides the server address.
func cppClient(m protoreflect.MethodDescriptor, reqJSON string, t CallTarget) Snippet {
	svc := cppName(m.Parent())
	in, out := cppName(m.Input()), cppName(m.Output())
	includes := []string{strings.TrimSuffix(m.ParentFile().Path(), ".proto") + ".grpc.pb.h"}
	for _, md := range []protoreflect.MessageDescriptor{m.Input(), m.Output()} {
		inc := strings.TrimSuffix(md.ParentFile().Path(), ".proto") + ".pb.h"
		if md.ParentFile().Path() != m.ParentFile().Path() && !slices.Contains(includes, inc) {
			includes = append(includes, inc)
		}
	}
	var b strings.Builder
	b.WriteString("#include <iostream>\n#include <memory>\n#include <string>\n\n#include <google/protobuf/util/json_util.h>\n#include <grpcpp/grpcpp.h>\n\n")
	for _, inc := range includes {
		if isWellKnownFile(inc) {
			fmt.Fprintf(&b, "#include <%s>\n", inc)
		} else {
			fmt.Fprintf(&b, "#include %q\n", inc)
		}
	}
	creds := "grpc::InsecureChannelCredentials()"
	if !t.Plaintext {
		creds = "grpc::SslCredentials(grpc::SslCredentialsOptions())"
	}
	fmt.Fprintf(&b, `
int main(int argc, char** argv) {
  std::string target = argc > 1 ? argv[1] : %s;
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(target, %s);
  std::unique_ptr<%s::Stub> stub = %s::NewStub(channel);

  %s req;
  auto parsed = google::protobuf::util::JsonStringToMessage(%s, &req);
  if (!parsed.ok()) {
    std::cerr << "request: " << parsed.ToString() << std::endl;
    return 1;
  }
  grpc::ClientContext context;
`, cppString(t.Address), creds, svc, svc, in, cppRaw(reqJSON))
	for _, kv := range headerPairs(t.Header) {
		fmt.Fprintf(&b, "  context.AddMetadata(%s, %s);\n", cppString(kv[0]), cppString(kv[1]))
	}
	name := m.Name()
	switch {
	case m.IsStreamingClient() && m.IsStreamingServer():
		fmt.Fprintf(&b, `  std::shared_ptr<grpc::ClientReaderWriter<%s, %s>> stream(stub->%s(&context));
  stream->Write(req);
  stream->WritesDone();
  %s resp;
  while (stream->Read(&resp)) {
    std::cout << resp.DebugString() << std::endl;
  }
  grpc::Status status = stream->Finish();
`, in, out, name, out)
	case m.IsStreamingServer():
		fmt.Fprintf(&b, `  std::unique_ptr<grpc::ClientReader<%s>> reader(stub->%s(&context, req));
  %s resp;
  while (reader->Read(&resp)) {
    std::cout << resp.DebugString() << std::endl;
  }
  grpc::Status status = reader->Finish();
`, out, name, out)
	case m.IsStreamingClient():
		fmt.Fprintf(&b, `  %s resp;
  std::unique_ptr<grpc::ClientWriter<%s>> writer(stub->%s(&context, &resp));
  writer->Write(req);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (status.ok()) {
    std::cout << resp.DebugString() << std::endl;
  }
`, out, in, name)
	default:
		fmt.Fprintf(&b, `  %s resp;
  grpc::Status status = stub->%s(&context, req, &resp);
  if (status.ok()) {
    std::cout << resp.DebugString() << std::endl;
  }
`, out, name)
	}
	b.WriteString(`  if (!status.ok()) {
    std::cerr << "error " << status.error_code() << ": " << status.error_message() << std::endl;
    return 1;
  }
  return 0;
}
`)
	return Snippet{"C++", b.String()}
}

// cppString is a C++ string literal of s (ASCII escapes only).
func cppString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c >= 0x7f:
			// Octal, not \x: a hex escape swallows the hex digits after it.
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// cppBuildCommand builds client.cc with the generated code of every file,
// the flags coming from pkg-config (Debian's libgrpc++-dev).
func cppBuildCommand(protos []ProtoFile) string {
	parts := []string{"g++ -std=c++17 -I . -o client client.cc"}
	for _, p := range protos {
		base := strings.TrimSuffix(p.Path, ".proto")
		parts = append(parts, base+".pb.cc", base+".grpc.pb.cc")
	}
	parts = append(parts, "$(pkg-config --cflags --libs grpc++ protobuf)")
	return strings.Join(parts, " ")
}

// Package hostile starts a gRPC server written to misbehave, for tests that
// check grpcsh never lets server-supplied text drive the terminal and never
// hangs on a server that does not answer.
//
// Its reflection (v1 only; v1alpha is Unimplemented, which clients skip
// once v1 works) serves descriptors built at run time for the package
// "hostile": service Evil (methods Echo and Fail), messages Req, Resp and
// Detail, enum Mood. Protobuf identifiers cannot hold escape sequences, so
// the payloads (see Payload) are put everywhere else a server controls:
// the leading comments of the service, methods, messages, fields and enum
// values, a field's json_name, the Resp.text value Echo returns, Fail's
// status message, its detail type URLs and detail fields, and the header
// and trailer metadata of every call. Options add servers that are broken
// in other ways (a reflection that never answers, a listed service whose
// descriptor cannot be served, a missing import, an oversized reply).
//
// Use:
//
//	addr := hostile.Start(t, hostile.Options{})
//	// run grpcsh against addr; then
//	if hostile.HasControl(output) { t.Errorf("raw control characters reached the output: %q", output) }
package hostile

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	refv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
)

// The escape sequences the server plants. Each one does something to a
// terminal that honours it (xterm, and `less -R` passes them on).
const (
	OSC52 = "\x1b]52;c;aGFja2Vk\x07"                                 // writes "hacked" to the clipboard
	OSC0  = "\x1b]0;pwned\x07"                                       // sets the window title
	OSC8  = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\" // a hyperlink
	CSI   = "\x1b[2J"                                                // clears the screen
	C1    = "\u009b31m"                                              // one-byte CSI (U+009B): red text
)

// Payload is all of them at once, between visible markers.
const Payload = "<" + OSC52 + OSC0 + OSC8 + CSI + C1 + ">"

// MetadataPayload is what fits in a plain (non -bin) metadata value: HTTP/2
// refuses C0 controls there but lets bytes over 0x7f through, so U+009B
// (UTF-8 C2 9B) gets to the client. grpc-go's server refuses it in headers
// (SetHeader fails) but sends it in trailers, logging an error: so the
// plain header carries HeaderValue and the plain trailer MetadataPayload.
// Binary (-bin) headers and trailers carry Payload.
const MetadataPayload = "<" + C1 + ">"

// HeaderValue is the plain header's value.
const HeaderValue = "hostile"

// Names in the descriptors the server serves.
const (
	Package      = "hostile"
	Service      = "hostile.Evil"
	EchoMethod   = "hostile.Evil.Echo" // returns Resp{text: Payload}
	FailMethod   = "hostile.Evil.Fail" // fails with Payload everywhere
	RequestType  = "hostile.Req"
	ResponseType = "hostile.Resp"
	DetailType   = "hostile.Detail"
	EnumType     = "hostile.Mood"
	FileName     = "hostile/evil.proto"

	// BrokenService is listed with Options.BrokenService; its file comes
	// as bytes that are not a FileDescriptorProto.
	BrokenService = "hostile.Broken"
	// OrphanService and OrphanMessage are served with Options.MissingImport
	// from OrphanFile, which imports MissingFile: the server does not have
	// it. OrphanService is listed.
	OrphanService = "hostile.Orphans"
	OrphanMessage = "hostile.Orphan"
	OrphanFile    = "hostile/orphan.proto"
	MissingFile   = "hostile/missing.proto"
	// HugeService is listed with Options.Oversized; its file's reply is
	// bigger than gRPC's default 4 MiB receive limit.
	HugeService = "hostile.Huge"
	// HugeSize is the size of the padding comment in HugeService's file.
	HugeSize = 5 << 20
	// ListedName is a service name with escape sequences, listed with
	// Options.EscapeInList (a reflection reply's names are free text).
	ListedName = "hostile." + OSC0 + "Listed"
	// Header and trailer keys every call gets, plain and binary.
	HeaderKey     = "x-hostile"
	HeaderBinKey  = "x-hostile-bin"
	TrailerKey    = "x-hostile-trailer"
	TrailerBinKey = "x-hostile-trailer-bin"
	// DetailTypeURL is the type URL of a Fail detail that resolves to no
	// type, and carries Payload in its URL.
	DetailTypeURL = "type.googleapis.com/hostile.Unknown" + Payload
)

// Options choose how else the server misbehaves. The zero value serves the
// hostile text only, and reflection that works.
type Options struct {
	// SilentReflection accepts reflection streams and never answers: a
	// client that does not bound its wait hangs for ever.
	SilentReflection bool
	// BrokenService lists BrokenService, whose descriptor cannot be built.
	BrokenService bool
	// MissingImport serves OrphanService and OrphanMessage from a file
	// whose import the server cannot serve.
	MissingImport bool
	// Oversized lists HugeService, whose file reply is over 4 MiB.
	Oversized bool
	// EscapeInList lists ListedName (a name with an escape sequence).
	EscapeInList bool
	// MaxRecvMsgSize is the server's receive limit (0: gRPC's 4 MiB).
	MaxRecvMsgSize int
	// OnReflect, when set, is called as each reflection stream starts
	// (before a SilentReflection stream blocks), so a test can act once a
	// client is waiting, without sleeping.
	OnReflect func()
	// OnReflectEnd, when set, is called as each reflection stream ends.
	OnReflectEnd func()
}

// Start serves on 127.0.0.1 at a free port until t ends, and returns the
// address (host:port).
func Start(t testing.TB, opts Options) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	sopts := []grpc.ServerOption{grpc.UnknownServiceHandler(srv.handle)}
	if opts.MaxRecvMsgSize > 0 {
		sopts = append(sopts, grpc.MaxRecvMsgSize(opts.MaxRecvMsgSize))
	}
	g := grpc.NewServer(sopts...)
	refv1.RegisterServerReflectionServer(g, srv)
	go g.Serve(lis)
	// Stop, not GracefulStop: a silent reflection stream never ends.
	t.Cleanup(g.Stop)
	return lis.Addr().String()
}

// HasControl reports whether s holds a raw control character a terminal
// acts on: C0 other than newline and tab, DEL, or a C1 control.
func HasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return true
		}
	}
	return strings.Contains(s, "\x9b") // a raw C1 byte, not valid UTF-8
}

type server struct {
	refv1.UnimplementedServerReflectionServer
	opts  Options
	files map[string][]byte // by file name: what file_by_filename serves
	// bySymbol maps a symbol to the files a file_containing_symbol reply
	// carries (the file first, then its dependencies).
	bySymbol map[string][]string
	services []string
	evil     protoreflect.FileDescriptor
}

func newServer(opts Options) (*server, error) {
	s := &server{opts: opts, files: map[string][]byte{}, bySymbol: map[string][]string{}}
	evil := evilFile()
	fd, err := protodesc.NewFile(evil, nil)
	if err != nil {
		return nil, fmt.Errorf("hostile: building %s: %w", FileName, err)
	}
	s.evil = fd
	if err := s.add(evil); err != nil {
		return nil, err
	}
	s.services = append(s.services, Service)
	if opts.BrokenService {
		s.files["hostile/broken.proto"] = []byte{0xff, 0xff, 0xff, 0xff}
		s.bySymbol[BrokenService] = []string{"hostile/broken.proto"}
		s.services = append(s.services, BrokenService)
	}
	if opts.MissingImport {
		if err := s.add(orphanFile()); err != nil {
			return nil, err
		}
		s.services = append(s.services, OrphanService)
	}
	if opts.Oversized {
		if err := s.add(hugeFile()); err != nil {
			return nil, err
		}
		s.services = append(s.services, HugeService)
	}
	if opts.EscapeInList {
		s.services = append(s.services, ListedName)
	}
	return s, nil
}

// add makes a file servable and indexes its top-level symbols.
func (s *server) add(f *descriptorpb.FileDescriptorProto) error {
	b, err := proto.Marshal(f)
	if err != nil {
		return err
	}
	s.files[f.GetName()] = b
	chain := append([]string{f.GetName()}, f.GetDependency()...)
	pkg := f.GetPackage() + "."
	for _, m := range f.GetMessageType() {
		s.bySymbol[pkg+m.GetName()] = chain
	}
	for _, e := range f.GetEnumType() {
		s.bySymbol[pkg+e.GetName()] = chain
	}
	for _, sv := range f.GetService() {
		s.bySymbol[pkg+sv.GetName()] = chain
		for _, m := range sv.GetMethod() {
			s.bySymbol[pkg+sv.GetName()+"."+m.GetName()] = chain
		}
	}
	return nil
}

// ServerReflectionInfo answers reflection requests from the indexes; with
// SilentReflection it takes the stream and waits for the client to go.
func (s *server) ServerReflectionInfo(stream refv1.ServerReflection_ServerReflectionInfoServer) error {
	if s.opts.OnReflect != nil {
		s.opts.OnReflect()
	}
	if s.opts.OnReflectEnd != nil {
		defer s.opts.OnReflectEnd()
	}
	if s.opts.SilentReflection {
		<-stream.Context().Done()
		return stream.Context().Err()
	}
	for {
		req, err := stream.Recv()
		if err != nil {
			return nil
		}
		resp := &refv1.ServerReflectionResponse{OriginalRequest: req}
		switch r := req.MessageRequest.(type) {
		case *refv1.ServerReflectionRequest_ListServices:
			var list []*refv1.ServiceResponse
			for _, n := range s.services {
				list = append(list, &refv1.ServiceResponse{Name: n})
			}
			resp.MessageResponse = &refv1.ServerReflectionResponse_ListServicesResponse{ListServicesResponse: &refv1.ListServiceResponse{Service: list}}
		case *refv1.ServerReflectionRequest_FileByFilename:
			s.filesResponse(resp, []string{r.FileByFilename})
		case *refv1.ServerReflectionRequest_FileContainingSymbol:
			s.filesResponse(resp, s.bySymbol[r.FileContainingSymbol])
		case *refv1.ServerReflectionRequest_AllExtensionNumbersOfType:
			resp.MessageResponse = &refv1.ServerReflectionResponse_AllExtensionNumbersResponse{AllExtensionNumbersResponse: &refv1.ExtensionNumberResponse{BaseTypeName: r.AllExtensionNumbersOfType}}
		default:
			resp.MessageResponse = notFound("no such extension")
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

// filesResponse carries the named files the server has; none at all is
// NOT_FOUND. A missing dependency is left out, as a server that lost it
// would.
func (s *server) filesResponse(resp *refv1.ServerReflectionResponse, names []string) {
	var out [][]byte
	for _, n := range names {
		if b, ok := s.files[n]; ok {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		resp.MessageResponse = notFound("not found")
		return
	}
	resp.MessageResponse = &refv1.ServerReflectionResponse_FileDescriptorResponse{FileDescriptorResponse: &refv1.FileDescriptorResponse{FileDescriptorProto: out}}
}

func notFound(msg string) *refv1.ServerReflectionResponse_ErrorResponse {
	return &refv1.ServerReflectionResponse_ErrorResponse{ErrorResponse: &refv1.ErrorResponse{ErrorCode: int32(codes.NotFound), ErrorMessage: msg}}
}

// handle serves Evil's methods (and fails any other) with hostile headers
// and trailers.
func (s *server) handle(_ any, stream grpc.ServerStream) error {
	full, _ := grpc.MethodFromServerStream(stream)
	svc := s.evil.Services().ByName("Evil")
	name := full[strings.LastIndex(full, "/")+1:]
	m := svc.Methods().ByName(protoreflect.Name(name))
	if !strings.HasPrefix(full, "/"+Service+"/") || m == nil {
		return status.Errorf(codes.Unimplemented, "unknown method %s", full)
	}
	req := dynamicpb.NewMessage(m.Input())
	if err := stream.RecvMsg(req); err != nil {
		return err
	}
	if err := stream.SetHeader(metadata.Pairs(HeaderKey, HeaderValue, HeaderBinKey, Payload)); err != nil {
		return err
	}
	stream.SetTrailer(metadata.Pairs(TrailerKey, MetadataPayload, TrailerBinKey, Payload))
	switch name {
	case "Echo":
		resp := dynamicpb.NewMessage(m.Output())
		resp.Set(m.Output().Fields().ByName("text"), protoreflect.ValueOfString(Payload))
		resp.Set(m.Output().Fields().ByName("mood"), protoreflect.ValueOfEnum(1))
		return stream.SendMsg(resp)
	case "Fail":
		return s.failure()
	}
	return status.Errorf(codes.Unimplemented, "unknown method %s", full)
}

// failure is Fail's status: Payload in the message, in an ErrorInfo's
// fields, in a hostile.Detail's field and in an unresolvable type URL.
func (s *server) failure() error {
	detail := dynamicpb.NewMessage(s.evil.Messages().ByName("Detail"))
	detail.Set(detail.Descriptor().Fields().ByName("note"), protoreflect.ValueOfString(Payload))
	b, err := proto.Marshal(detail)
	if err != nil {
		return err
	}
	info, err := anypb.New(&errdetails.ErrorInfo{Reason: "EVIL" + Payload, Domain: Payload, Metadata: map[string]string{"key" + Payload: Payload}})
	if err != nil {
		return err
	}
	st := status.New(codes.FailedPrecondition, "failed "+Payload).Proto()
	st.Details = []*anypb.Any{
		info,
		{TypeUrl: "type.googleapis.com/" + DetailType, Value: b},
		{TypeUrl: DetailTypeURL, Value: []byte("x")},
	}
	return status.ErrorProto(st)
}

// evilFile is hostile/evil.proto, with Payload in every comment.
func evilFile() *descriptorpb.FileDescriptorProto {
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	enum := descriptorpb.FieldDescriptorProto_TYPE_ENUM.Enum()
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	field := func(name string, num int32, typ *descriptorpb.FieldDescriptorProto_Type, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(num), Type: typ, Label: opt, JsonName: proto.String(name)}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		return f
	}
	req := field("text", 1, str, "")
	req.JsonName = proto.String("text" + C1) // json_name is free text: JSON output carries it
	comment := func(path ...int32) *descriptorpb.SourceCodeInfo_Location {
		return &descriptorpb.SourceCodeInfo_Location{Path: path, Span: []int32{0, 0, 1}, LeadingComments: proto.String(" comment " + Payload + "\n second line\n")}
	}
	return &descriptorpb.FileDescriptorProto{
		Name:    proto.String(FileName),
		Package: proto.String(Package),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Req"), Field: []*descriptorpb.FieldDescriptorProto{req}},
			{Name: proto.String("Resp"), Field: []*descriptorpb.FieldDescriptorProto{field("text", 1, str, ""), field("mood", 2, enum, ".hostile.Mood")}},
			{Name: proto.String("Detail"), Field: []*descriptorpb.FieldDescriptorProto{field("note", 1, str, "")}},
		},
		EnumType: []*descriptorpb.EnumDescriptorProto{{
			Name: proto.String("Mood"),
			Value: []*descriptorpb.EnumValueDescriptorProto{
				{Name: proto.String("CALM"), Number: proto.Int32(0)},
				{Name: proto.String("ANGRY"), Number: proto.Int32(1)},
			},
		}},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("Evil"),
			Method: []*descriptorpb.MethodDescriptorProto{
				{Name: proto.String("Echo"), InputType: proto.String(".hostile.Req"), OutputType: proto.String(".hostile.Resp")},
				{Name: proto.String("Fail"), InputType: proto.String(".hostile.Req"), OutputType: proto.String(".hostile.Resp")},
			},
		}},
		SourceCodeInfo: &descriptorpb.SourceCodeInfo{Location: []*descriptorpb.SourceCodeInfo_Location{
			comment(6, 0),       // service Evil
			comment(6, 0, 2, 0), // Echo
			comment(6, 0, 2, 1), // Fail
			comment(4, 0),       // message Req
			comment(4, 0, 2, 0), // Req.text
			comment(4, 1),       // message Resp
			comment(4, 1, 2, 0), // Resp.text
			comment(4, 2),       // message Detail
			comment(5, 0),       // enum Mood
			comment(5, 0, 2, 0), // CALM
			comment(5, 0, 2, 1), // ANGRY
		}},
	}
}

// orphanFile imports MissingFile, which the server does not serve.
func orphanFile() *descriptorpb.FileDescriptorProto {
	return &descriptorpb.FileDescriptorProto{
		Name:       proto.String(OrphanFile),
		Package:    proto.String(Package),
		Syntax:     proto.String("proto3"),
		Dependency: []string{MissingFile},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Orphan"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name: proto.String("gone"), Number: proto.Int32(1), JsonName: proto.String("gone"),
				Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
				TypeName: proto.String(".hostile.missing.Gone"),
			}},
		}},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name:   proto.String("Orphans"),
			Method: []*descriptorpb.MethodDescriptorProto{{Name: proto.String("Adopt"), InputType: proto.String(".hostile.Orphan"), OutputType: proto.String(".hostile.Orphan")}},
		}},
	}
}

// hugeFile is a valid file whose one comment is HugeSize bytes long.
func hugeFile() *descriptorpb.FileDescriptorProto {
	return &descriptorpb.FileDescriptorProto{
		Name:        proto.String("hostile/huge.proto"),
		Package:     proto.String(Package),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("Big")}},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name:   proto.String("Huge"),
			Method: []*descriptorpb.MethodDescriptorProto{{Name: proto.String("Get"), InputType: proto.String(".hostile.Big"), OutputType: proto.String(".hostile.Big")}},
		}},
		SourceCodeInfo: &descriptorpb.SourceCodeInfo{Location: []*descriptorpb.SourceCodeInfo_Location{
			{Path: []int32{6, 0}, Span: []int32{0, 0, 1}, LeadingComments: proto.String(strings.Repeat("x", HugeSize))},
		}},
	}
}

package dynamic_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/protos"
)

func startDemo(t *testing.T, opts demo.Options) (*demo.Server, *grpc.ClientConn) {
	t.Helper()
	srv := demotest.Start(t, opts)
	cc, err := grpc.NewClient(srv.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return srv, cc
}

func embeddedFiles(t *testing.T) []protoreflect.FileDescriptor {
	t.Helper()
	fds, err := dynamic.ParseProtoFiles(context.Background(), protos.FS, protos.Files, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fds
}

func filesSource(t *testing.T) dynamic.Source {
	t.Helper()
	src, err := dynamic.NewFilesSource(embeddedFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func protosetSource(t *testing.T) dynamic.Source {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.protoset")
	var buf bytes.Buffer
	files, err := dynamic.SchemaFiles(filesSource(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamic.WriteProtoset(&buf, files); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fds, err := dynamic.LoadProtosets([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	src, err := dynamic.NewFilesSource(fds)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// Every kind of source lists and describes the same demo services and
// calls the same methods.
func TestEverySourceListsDescribesAndCalls(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	_, ccAlpha := startDemo(t, demo.Options{NoReflectionV1: true})
	_, ccBare := startDemo(t, demo.Options{})
	sources := map[string]dynamic.Source{
		"reflection v1":      dynamic.NewReflectionSource(cc, nil),
		"reflection v1alpha": dynamic.NewReflectionSource(ccAlpha, nil),
		"files":              filesSource(t),
		"protoset":           protosetSource(t),
		"composite":          dynamic.Composite{Primary: dynamic.NewReflectionSource(ccBare, nil), Fallback: filesSource(t)},
	}
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			got, err := src.ListServices()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []protoreflect.FullName{"TestServer", "helloworld.Greeter", "showcase.Showcase"} {
				if !slices.Contains(got, want) {
					t.Errorf("ListServices = %v, lacks %s", got, want)
				}
			}
			d, err := dynamic.FindDescriptor(src, "showcase.Everything")
			if err != nil {
				t.Fatal(err)
			}
			text, err := dynamic.Describe(d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, "map<string, .showcase.Address> places = 24;") && !strings.Contains(text, "map<string, Address> places = 24;") {
				t.Errorf("describe Everything lacks the map field:\n%s", text)
			}
			m, err := dynamic.FindMethod(src, "TestServer/GetRandom")
			if err != nil {
				t.Fatal(err)
			}
			client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
			msgs := callJSON(t, client, m, `{"id":"123"}`)
			if len(msgs) != 1 {
				t.Fatalf("got %d responses", len(msgs))
			}
			r := msgs[0].ProtoReflect()
			v := r.Get(r.Descriptor().Fields().ByName("random")).Int()
			if v < 10 || v > 20 {
				t.Fatalf("random = %d, want 10..20", v)
			}
		})
	}
}

func TestCompositeFallsBackToFilesWithoutReflection(t *testing.T) {
	// A server without reflection: only the health service answers.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bare := grpc.NewServer()
	go bare.Serve(lis)
	t.Cleanup(bare.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	refl := dynamic.NewReflectionSource(cc, nil)
	_, err = refl.ListServices()
	if !errors.Is(err, dynamic.ErrNoReflection) {
		t.Fatalf("reflection on a server without it: %v", err)
	}
	for _, want := range []string{"does not offer reflection", "-proto", "-protoset"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	comp := dynamic.Composite{Primary: refl, Fallback: filesSource(t)}
	if _, err := dynamic.FindMethod(comp, "helloworld.Greeter/SayHello"); err != nil {
		t.Fatalf("composite: %v", err)
	}
}

func callJSON(t *testing.T, client *dynamic.Client, m protoreflect.MethodDescriptor, reqs ...string) []proto.Message {
	t.Helper()
	var out []proto.Message
	i := 0
	next := func() (proto.Message, error) {
		if i == len(reqs) {
			return nil, io.EOF
		}
		i++
		return dynamic.ParseJSON(client.Types, m.Input(), []byte(reqs[i-1]))
	}
	st, err := client.Invoke(context.Background(), dynamic.Call{Method: m}, next, func(ev dynamic.Event) {
		if e, ok := ev.(dynamic.MessageEvent); ok {
			out = append(out, e.Message)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !st.OK() {
		t.Fatalf("status %v", st.Status)
	}
	return out
}

func TestMethodNames(t *testing.T) {
	src := filesSource(t)
	for _, name := range []string{
		"helloworld.Greeter/SayHello", "/helloworld.Greeter/SayHello", "helloworld.Greeter.SayHello",
		"Greeter.SayHello", "Greeter/SayHello", "SayHello",
	} {
		m, err := dynamic.FindMethod(src, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if m.FullName() != "helloworld.Greeter.SayHello" {
			t.Errorf("%s found %s", name, m.FullName())
		}
	}
	for _, name := range []string{"TestServer/GetRandom", "TestServer.GetRandom", "GetRandom", "/TestServer/GetRandom"} {
		if m, err := dynamic.FindMethod(src, name); err != nil || m.FullName() != "TestServer.GetRandom" {
			t.Errorf("%s: %v %v", name, m, err)
		}
	}
	_, err := dynamic.FindMethod(src, "sayhelo")
	if err == nil || !strings.Contains(err.Error(), `unknown method "sayhelo"; did you mean helloworld.Greeter/SayHello?`) {
		t.Errorf("typo: %v", err)
	}
	_, err = dynamic.FindMethod(src, "Nope.Nothing")
	if err == nil || err.Error() != `unknown method "Nope.Nothing"` {
		t.Errorf("unknown: %v", err)
	}
}

func TestAmbiguousMethodListsTheCandidates(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.proto", `syntax = "proto3"; package a; import "google/protobuf/empty.proto";
service S { rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty); }`)
	write(t, dir, "b.proto", `syntax = "proto3"; package b; import "google/protobuf/empty.proto";
service S { rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty); }`)
	fds, err := dynamic.ParseProtoFiles(context.Background(), nil, []string{filepath.Join(dir, "a.proto"), filepath.Join(dir, "b.proto")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := dynamic.NewFilesSource(fds)
	_, err = dynamic.FindMethod(src, "S/Ping")
	if err == nil || err.Error() != `method "S/Ping" is ambiguous: it could be a.S/Ping, b.S/Ping` {
		t.Fatalf("ambiguous: %v", err)
	}
	if m, err := dynamic.FindMethod(src, "b.S/Ping"); err != nil || m.FullName() != "b.S.Ping" {
		t.Fatalf("qualified: %v %v", m, err)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProtoFileErrorsPointAtTheCause(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "api/v1/svc.proto", "syntax = \"proto3\";\npackage api.v1;\nimport \"api/v1/msgs.proto\";\nservice Svc { rpc Get(Req) returns (Req); }\n")
	write(t, dir, "api/v1/msgs.proto", "syntax = \"proto3\";\npackage api.v1;\nmessage Req { string id = 1; }\n")
	write(t, dir, "bad.proto", "syntax = \"proto3\";\nmessage M {\n  string s = 1\n}\n")
	write(t, dir, "lonely.proto", "syntax = \"proto3\";\nimport \"missing/dep.proto\";\n")
	ctx := context.Background()

	// The import path is inferred: svc.proto's imports are relative to dir.
	fds, err := dynamic.ParseProtoFiles(ctx, nil, []string{filepath.Join(dir, "api/v1/svc.proto")}, nil)
	if err != nil {
		t.Fatalf("inferred import path: %v", err)
	}
	if fds[0].Path() != "api/v1/svc.proto" {
		t.Errorf("inferred name %q", fds[0].Path())
	}
	// A path under the import path is accepted as typed.
	if _, err := dynamic.ParseProtoFiles(ctx, nil, []string{filepath.Join(dir, "api/v1/svc.proto")}, []string{dir}); err != nil {
		t.Errorf("path under -import-path: %v", err)
	}
	_, err = dynamic.ParseProtoFiles(ctx, nil, []string{"nothere.proto"}, []string{dir})
	if want := "nothere.proto: not found in any import path (searched: " + dir + "); pass -import-path"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("missing file: %v\nwant prefix %s", err, want)
	}
	_, err = dynamic.ParseProtoFiles(ctx, nil, []string{"bad.proto"}, []string{dir})
	if err == nil || !strings.HasPrefix(err.Error(), "bad.proto:4:1: syntax error") {
		t.Errorf("syntax error: %v", err)
	}
	_, err = dynamic.ParseProtoFiles(ctx, nil, []string{"lonely.proto"}, []string{dir})
	if want := `lonely.proto:2:8: import "missing/dep.proto" not found (searched: ` + dir + `); add the directory it is relative to with -import-path`; err == nil || err.Error() != want {
		t.Errorf("missing import:\n got %v\nwant %s", err, want)
	}
}

func TestParseJSONErrorsNameTheFieldAndPosition(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	md := d.(protoreflect.MessageDescriptor)
	tests := []struct{ in, want string }{
		{`{"fInt32": "x"}`, `line 1:12: fInt32: invalid value for int32 field fInt32: "x"`},
		{"{\n  \"address\": {\"geo\": {\"lat\": true}}\n}", `line 2:30: address.geo.lat: invalid value for double field lat: true`},
		{`{"tags": ["a", 3]}`, `line 1:16: tags[1]: invalid value for string field tags: 3`},
		{`{"nope": 1}`, `line 1:2: nope: unknown field "nope"`},
		{`{"fInt32": 1`, `line 1:13: the JSON ends before the value is complete`},
		{`{"color": "PURPLE"}`, `line 1:11: color: invalid value for enum field color: "PURPLE"`},
	}
	for _, tt := range tests {
		_, err := dynamic.ParseJSON(types, md, []byte(tt.in))
		var je *dynamic.JSONError
		if !errors.As(err, &je) {
			t.Errorf("%s: %v is not a JSONError", tt.in, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestTemplateHasEveryFieldAndParsesBack(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	md := d.(protoreflect.MessageDescriptor)
	tmpl := dynamic.Template(types, md)
	msg, err := dynamic.ParseJSON(types, md, []byte(tmpl))
	if err != nil {
		t.Fatalf("template does not parse back: %v\n%s", err, tmpl)
	}
	for i := 0; i < md.Fields().Len(); i++ {
		fd := md.Fields().Get(i)
		if oo := fd.ContainingOneof(); oo != nil && !oo.IsSynthetic() && oo.Fields().Get(0) != fd {
			continue
		}
		if !strings.Contains(tmpl, `"`+fd.JSONName()+`"`) {
			t.Errorf("template lacks %s", fd.JSONName())
		}
	}
	for _, want := range []string{`"places": {`, `"counts": {`, `"tags": [`, `"email": ""`, `"color": "COLOR_UNSPECIFIED"`, `"geo": {`, "\"detail\": {\n    \"@type\": \"type.googleapis.com/google.protobuf.StringValue\",\n    \"value\": \"\"\n  }"} {
		if !strings.Contains(tmpl, want) {
			t.Errorf("template lacks %s:\n%s", want, tmpl)
		}
	}
	_ = msg
}

func TestAllFourRPCKinds(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	f := dynamic.Formatter{Types: client.Types}
	format := func(ms []proto.Message) []string {
		var out []string
		for _, m := range ms {
			s, err := f.Format(m)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	method := func(name string) protoreflect.MethodDescriptor {
		m, err := dynamic.FindMethod(src, name)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if got := format(callJSON(t, client, method("SayHello"), `{"name":"grpcsh"}`)); !slices.Equal(got, []string{`{"message":"Hello grpcsh"}`}) {
		t.Errorf("unary: %v", got)
	}
	ticks := format(callJSON(t, client, method("Count"), `{"count":3}`))
	if len(ticks) != 3 || !strings.HasPrefix(ticks[2], `{"index":3,`) {
		t.Errorf("server stream: %v", ticks)
	}
	if got := format(callJSON(t, client, method("Sum"), `{"value":1}`, `{"value":2}`, `{"value":39}`)); !slices.Equal(got, []string{`{"sum":"42","count":3}`}) {
		t.Errorf("client stream: %v", got)
	}
	if got := format(callJSON(t, client, method("Chat"), `{"text":"a"}`, `{"text":"b"}`)); !slices.Equal(got, []string{`{"text":"you said: a","seq":1}`, `{"text":"you said: b","seq":2}`}) {
		t.Errorf("bidi: %v", got)
	}
}

func TestEventsArriveAsTheyHappen(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	m, _ := dynamic.FindMethod(src, "showcase.Showcase/Chat")
	s, err := client.Start(context.Background(), dynamic.Call{Method: m, Header: metadata.Pairs("x-a", "b")})
	if err != nil {
		t.Fatal(err)
	}
	// Bidi: each answer arrives before the next message is sent.
	for i, text := range []string{"one", "two"} {
		req, _ := dynamic.ParseJSON(client.Types, m.Input(), []byte(`{"text":"`+text+`"}`))
		if err := s.Send(req); err != nil {
			t.Fatal(err)
		}
		for ev := range s.Events() {
			if me, ok := ev.(dynamic.MessageEvent); ok {
				if me.Index != i+1 {
					t.Fatalf("index %d, want %d", me.Index, i+1)
				}
				break
			}
		}
	}
	s.CloseSend()
	var kinds []string
	for ev := range s.Events() {
		switch e := ev.(type) {
		case dynamic.EndEvent:
			kinds = append(kinds, "end:"+e.Status.Code().String())
			if e.Sent != 2 || e.Received != 2 {
				t.Errorf("sent %d received %d", e.Sent, e.Received)
			}
		default:
			kinds = append(kinds, "other")
		}
	}
	if !slices.Equal(kinds, []string{"end:OK"}) {
		t.Fatalf("after close: %v", kinds)
	}
}

func TestCancelEndsAStreamWithCancelled(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	m, _ := dynamic.FindMethod(src, "showcase.Showcase/Count")
	s, _ := client.Start(context.Background(), dynamic.Call{Method: m})
	req, _ := dynamic.ParseJSON(client.Types, m.Input(), []byte(`{"count":1000,"interval":"0.01s"}`))
	s.Send(req)
	s.CloseSend()
	n := 0
	var end dynamic.EndEvent
	for ev := range s.Events() {
		switch e := ev.(type) {
		case dynamic.MessageEvent:
			n++
			if n == 3 {
				s.Cancel()
			}
		case dynamic.EndEvent:
			end = e
		}
	}
	if end.Status.Code() != codes.Canceled || n < 3 || n > 10 {
		t.Fatalf("after cancel at 3: %d messages, status %v", n, end.Status.Status)
	}
}

func TestStatusDetailsDecodedThroughReflection(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	m, _ := dynamic.FindMethod(src, "Fail")
	req, _ := dynamic.ParseJSON(client.Types, m.Input(), []byte(`{"code":5,"message":"gone"}`))
	var end *dynamic.Status
	end, err := client.Invoke(context.Background(), dynamic.Call{Method: m}, once(req), nil)
	if err != nil {
		t.Fatal(err)
	}
	if end.Code() != codes.NotFound || end.Message() != "gone" || len(end.Details) != 3 {
		t.Fatalf("status %v with %d details", end.Status, len(end.Details))
	}
	f := dynamic.Formatter{Types: client.Types}
	var got []string
	for _, d := range end.Details {
		if d.Message == nil {
			t.Fatalf("detail %s not decoded", d.TypeURL)
		}
		s, _ := f.Format(d.Message)
		got = append(got, string(d.Message.ProtoReflect().Descriptor().FullName())+" "+s)
	}
	want := []string{
		`google.rpc.BadRequest {"fieldViolations":[{"field":"code","description":"the caller asked for NotFound"}]}`,
		`google.rpc.ErrorInfo {"reason":"REQUESTED_FAILURE","domain":"showcase.grpcsh.dev","metadata":{"code":"5"}}`,
		`showcase.FailureHint {"hint":"send a code of 0 to Echo instead","docs":["https://grpc.io/docs/guides/status-codes/"]}`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("details:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The server's own detail type came from reflection, not from the
	// generated code linked into this test.
	if _, ok := end.Details[2].Message.(*dynamicpb.Message); !ok {
		t.Errorf("FailureHint decoded as %T, want a dynamic message from reflection", end.Details[2].Message)
	}

	// An unknown detail type is kept as its URL and bytes.
	st, _ := status.New(codes.Internal, "x").WithDetails()
	p := st.Proto()
	p.Details = append(p.Details, &anypb.Any{TypeUrl: "type.googleapis.com/acme.Secret", Value: []byte{1, 2}})
	dec := dynamic.DecodeStatusWith(client.Types, status.FromProto(p))
	if len(dec.Details) != 1 || dec.Details[0].Message != nil || dec.Details[0].TypeURL != "type.googleapis.com/acme.Secret" || !bytes.Equal(dec.Details[0].Value, []byte{1, 2}) {
		t.Fatalf("unknown detail: %+v", dec.Details)
	}
}

func once(m proto.Message) func() (proto.Message, error) {
	sent := false
	return func() (proto.Message, error) {
		if sent {
			return nil, io.EOF
		}
		sent = true
		return m, nil
	}
}

func TestUnknownAnyIsPrintedNotDropped(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	msg := dynamicpb.NewMessage(d.(protoreflect.MessageDescriptor))
	anyField := msg.Descriptor().Fields().ByName("detail")
	packed := dynamicpb.NewMessage(anyField.Message())
	packed.Set(anyField.Message().Fields().ByName("type_url"), protoreflect.ValueOfString("type.googleapis.com/acme.Secret"))
	packed.Set(anyField.Message().Fields().ByName("value"), protoreflect.ValueOfBytes([]byte("hi")))
	msg.Set(anyField, protoreflect.ValueOfMessage(packed))
	out, err := dynamic.Formatter{Types: types}.Format(msg)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"detail":{"@type":"type.googleapis.com/acme.Secret","unresolvedBase64":"aGk="}}`; out != want {
		t.Fatalf("got %s\nwant %s", out, want)
	}
}

func TestDescribeShowsCommentsOverReflection(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	d, err := dynamic.FindDescriptor(src, "showcase.Showcase.Sleep")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := dynamic.Describe(d)
	for _, want := range []string{
		"showcase.Showcase.Sleep is a method in showcase.proto:",
		"// Sleep waits for `duration` (at most 10m) and then answers.",
		"rpc Sleep ( SleepRequest ) returns ( SleepReply );",
		"message SleepRequest {",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("describe lacks %q:\n%s", want, text)
		}
	}
	// A symbol defined in an imported file (evans #588).
	if d, err := dynamic.FindDescriptor(src, "google.protobuf.Timestamp"); err != nil || d.FullName() != "google.protobuf.Timestamp" {
		t.Errorf("imported symbol: %v", err)
	}
	// Short names of messages.
	if d, err := dynamic.FindDescriptor(src, "Everything"); err != nil || d.FullName() != "showcase.Everything" {
		t.Errorf("short message name: %v", err)
	}
}

func TestExportProtoFilesCompileAgain(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	files, err := dynamic.SchemaFiles(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names, err := dynamic.WriteProtoFiles(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	var abs []string
	for _, n := range names {
		abs = append(abs, filepath.Join(dir, n))
	}
	fds, err := dynamic.ParseProtoFiles(context.Background(), nil, names, []string{dir})
	if err != nil {
		t.Fatalf("exported files do not compile: %v (%v)", err, abs)
	}
	again, _ := dynamic.NewFilesSource(fds)
	if _, err := dynamic.FindMethod(again, "showcase.Showcase/Chat"); err != nil {
		t.Fatal(err)
	}
}

func TestTextFormatIsOneLinePerMessageAndStable(t *testing.T) {
	src := filesSource(t)
	types := dynamic.NewTypes(src)
	d, _ := src.FindSymbol("showcase.Everything")
	msg, err := dynamic.ParseJSON(types, d.(protoreflect.MessageDescriptor), []byte(`{"fString":"a  b: c","address":{"city":"Lyon"},"tags":["x","y"]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := dynamic.Formatter{Text: true, Types: types}.Format(msg)
	if err != nil {
		t.Fatal(err)
	}
	if want := `f_string: "a  b: c" address: {city: "Lyon"} tags: "x" tags: "y"`; got != want {
		t.Errorf("text:\n got %s\nwant %s", got, want)
	}
	multi, _ := dynamic.Formatter{Text: true, Multiline: true, Types: types}.Format(msg)
	if want := "f_string: \"a  b: c\"\naddress: {\n  city: \"Lyon\"\n}\ntags: \"x\"\ntags: \"y\""; multi != want {
		t.Errorf("multiline text:\n got %q\nwant %q", multi, want)
	}
	if _, err := (dynamic.Formatter{Text: true, EmitDefaults: true, Types: types}).Format(msg); !errors.Is(err, dynamic.ErrTextDefaults) {
		t.Errorf("text with emit-defaults: %v", err)
	}
}

func TestTrailersOnlyFailureHasNoHeaderEvent(t *testing.T) {
	_, cc := startDemo(t, demo.Options{})
	src := dynamic.NewReflectionSource(cc, nil)
	client := &dynamic.Client{CC: cc, Types: dynamic.NewTypes(src)}
	for _, tt := range []struct {
		method, req string
		headers     int
	}{
		{"Fail", `{"code":3}`, 0},
		{"SayHello", `{"name":"x"}`, 1},
	} {
		m, _ := dynamic.FindMethod(src, tt.method)
		req, _ := dynamic.ParseJSON(client.Types, m.Input(), []byte(tt.req))
		n := 0
		if _, err := client.Invoke(context.Background(), dynamic.Call{Method: m}, once(req), func(ev dynamic.Event) {
			if _, ok := ev.(dynamic.HeaderEvent); ok {
				n++
			}
		}); err != nil {
			t.Fatal(err)
		}
		if n != tt.headers {
			t.Errorf("%s: %d header events, want %d", tt.method, n, tt.headers)
		}
	}
}

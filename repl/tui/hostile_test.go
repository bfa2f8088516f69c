package tui

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"

	spb "google.golang.org/genproto/googleapis/rpc/status"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/hostile"
	"github.com/grpcsh/grpcsh/repl"
)

// A hostile server of the TUI tests' own, on loopback: its reflection
// lists a service whose name is an escape sequence and one it cannot
// serve, its proto comments, replies, status messages, detail type URLs
// and headers carry escape sequences, or its reflection never answers.

// evil is server text that would set the window title, write the
// clipboard, clear the screen and start a C1 CSI if sent raw.
const evil = "\x1b]0;pwned\a\x1b]52;c;SGVsbG8=\a\x1b[2J\u009b31m"

// hostileFile is hostile.proto: service hostile.Evil { rpc Echo(Req)
// returns (Reply) } with comments that hold escape sequences.
func hostileFile(t testing.TB) protoreflect.FileDescriptor {
	t.Helper()
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	fdp := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("hostile.proto"),
		Package: proto.String("hostile"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Req"), Field: []*descriptorpb.FieldDescriptorProto{{Name: proto.String("name"), Number: proto.Int32(1), Type: str, Label: opt, JsonName: proto.String("name")}}},
			{Name: proto.String("Reply"), Field: []*descriptorpb.FieldDescriptorProto{{Name: proto.String("text"), Number: proto.Int32(1), Type: str, Label: opt, JsonName: proto.String("text")}}},
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name:   proto.String("Evil"),
			Method: []*descriptorpb.MethodDescriptorProto{{Name: proto.String("Echo"), InputType: proto.String(".hostile.Req"), OutputType: proto.String(".hostile.Reply")}},
		}},
		SourceCodeInfo: &descriptorpb.SourceCodeInfo{Location: []*descriptorpb.SourceCodeInfo_Location{
			// service 0 (path 6, 0), its method 0 (6, 0, 2, 0)
			{Path: []int32{6, 0}, Span: []int32{0, 0, 1}, LeadingComments: proto.String(" Evil says " + evil + "\n")},
			{Path: []int32{6, 0, 2, 0}, Span: []int32{1, 0, 1}, LeadingComments: proto.String(" Echo " + evil + " echoes.\n")},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return fd
}

// listed is what the hostile reflection lists: hostile.Evil, which works,
// and two services it cannot serve, one named by an escape sequence.
type listed []string

func (l listed) GetServiceInfo() map[string]grpc.ServiceInfo {
	out := map[string]grpc.ServiceInfo{}
	for _, n := range l {
		out[n] = grpc.ServiceInfo{}
	}
	return out
}

const (
	brokenName  = "broken.Missing"
	evilService = "\x1b]0;pwned\a.Svc"
)

// startHostile starts the hostile server and returns its address.
func startHostile(t testing.TB) string {
	t.Helper()
	fd := hostileFile(t)
	files := new(protoregistry.Files)
	if err := files.RegisterFile(fd); err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	rpb.RegisterServerReflectionServer(srv, reflection.NewServerV1(reflection.ServerOptions{
		Services:           listed{"hostile.Evil", brokenName, evilService},
		DescriptorResolver: files,
	}))
	sd := fd.Services().Get(0)
	md := sd.Methods().Get(0)
	srv.RegisterService(&grpc.ServiceDesc{
		ServiceName: string(sd.FullName()),
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: string(md.Name()),
			Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				req := dynamicpb.NewMessage(md.Input())
				if err := dec(req); err != nil {
					return nil, err
				}
				// grpc-go sends text header values only when printable:
				// the escapes go in a -bin value and an echoed secret.
				_ = grpc.SetHeader(ctx, metadata.Pairs("x-evil-bin", evil, "authorization", "Bearer s3cr3t-token", "x-session-id", "sess-42"))
				name := req.Get(md.Input().Fields().ByName("name")).String()
				if name == "fail" {
					st := &spb.Status{Code: int32(codes.FailedPrecondition), Message: "no " + evil + " here",
						Details: []*anypb.Any{{TypeUrl: "type.example.com/" + evil, Value: []byte{1, 2}}}}
					return nil, status.FromProto(st).Err()
				}
				reply := dynamicpb.NewMessage(md.Output())
				reply.Set(md.Output().Fields().ByName("text"), protoreflect.ValueOfString("hi "+evil))
				return reply, nil
			},
		}},
	}, struct{}{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// silentReflection is a reflection service that never answers.
type silentReflection struct {
	rpb.UnimplementedServerReflectionServer
}

func (silentReflection) ServerReflectionInfo(stream rpb.ServerReflection_ServerReflectionInfoServer) error {
	<-stream.Context().Done()
	return stream.Context().Err()
}

// startSilent starts a server whose reflection never answers.
func startSilent(t testing.TB) string {
	t.Helper()
	srv := grpc.NewServer()
	rpb.RegisterServerReflectionServer(srv, silentReflection{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// newHarnessAt is newHarness on a session connected to addr.
func newHarnessAt(t testing.TB, addr string, w, h int) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: addr}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, w, h)
}

// checkFrame fails when the frame holds a control character other than
// newline: the harness renders without colour (NoTTY), so any escape or C1
// byte on screen came from the server.
func checkFrame(t *testing.T, h *harness, where string) {
	t.Helper()
	frame := h.m.View().Content
	if !utf8.ValidString(frame) {
		t.Fatalf("%s: the frame is not valid UTF-8: %q", where, frame)
	}
	for i, r := range frame {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			start := max(i-40, 0)
			t.Fatalf("%s: control character %U in the frame at byte %d: %q\nscreen:\n%s", where, r, i, frame[start:min(i+40, len(frame))], frame)
		}
	}
}

// TestHostileServerText: names, comments, status messages, detail type
// URLs, replies and headers of a hostile server reach the screen with
// their control characters escaped (shown as \x1b, \u009b), never raw;
// the service it cannot serve is listed with its error while the others
// stay usable (issue 9, items 2 and 4).
func TestHostileServerText(t *testing.T) {
	h := newHarnessAt(t, startHostile(t), 140, 40)
	h.waitFor("services", func() bool { return !h.m.tree.loading }, 15*time.Second)
	checkFrame(t, h, "tree")
	screen := h.screen()
	if h.m.tree.err != nil {
		t.Fatalf("one broken service failed the whole tree: %v\n%s", h.m.tree.err, screen)
	}
	for _, want := range []string{"hostile.Evil", "Echo", "✗ broken.Missing (cannot load)", `✗ \x1b]0;pwned\x07.Svc (cannot load)`} {
		if !strings.Contains(screen, want) {
			t.Errorf("the tree does not show %q:\n%s", want, screen)
		}
	}
	// The broken service's details say why and what to try.
	h.press("G")
	checkFrame(t, h, "details of a broken service")
	if s := h.screen(); !strings.Contains(s, "cannot be loaded") || !strings.Contains(s, "The other services work") {
		t.Errorf("the details of a broken service do not explain it:\n%s", s)
	}
	// The comment of Echo is shown escaped in the details.
	h.press("g", "down")
	checkFrame(t, h, "details of Echo")
	if s := h.screen(); !strings.Contains(s, `\x1b]0;pwned\x07\x1b]52;c;SGVsbG8=`) {
		t.Errorf("the comment is not shown escaped:\n%s", s)
	}

	h.openMethod("hostile.Evil.Echo", "echo")
	h.press("enter")
	h.typeText("fail")
	h.press("enter", "ctrl+s")
	h.waitCallDone()
	checkFrame(t, h, "failed call")
	if s := h.screen(); !strings.Contains(s, `no \x1b]0;pwned\x07`) || !strings.Contains(s, `type.example.com/\x1b]0;pwned`) {
		t.Errorf("the status message and detail type URL are not shown escaped:\n%s", s)
	}
	h.press("alt+3", "2")
	checkFrame(t, h, "headers of the failed call")

	h.press("alt+2", "enter", "ctrl+u")
	h.typeText("ok")
	h.press("enter", "ctrl+s")
	h.waitFor("the reply", func() bool { return h.m.call != nil && !h.m.call.running() && h.m.call.code() == codes.OK }, 20*time.Second)
	checkFrame(t, h, "reply")
	if s := h.screen(); !strings.Contains(s, `\u009b31m`) {
		t.Errorf("the reply's C1 control is not shown escaped:\n%s", s)
	}
	h.press("alt+3", "2")
	checkFrame(t, h, "headers of the reply")
	h.press("ctrl+r")
	checkFrame(t, h, "history")
}

// TestHeadersTabRedacts: secrets a server echoes in its headers are
// redacted in the Response → Headers tab with the rule -v and the history
// use; v shows them on purpose, and says so (issue 9, item 3).
func TestHeadersTabRedacts(t *testing.T) {
	h := newHarnessAt(t, startHostile(t), 140, 40)
	h.openMethod("hostile.Evil.Echo", "echo")
	h.press("ctrl+s")
	h.waitCallDone()
	h.press("alt+3", "2")
	s := h.screen()
	if strings.Contains(s, "s3cr3t-token") || strings.Contains(s, "sess-42") {
		t.Fatalf("the Headers tab shows a secret:\n%s", s)
	}
	for _, want := range []string{"authorization: Bearer <redacted>", "x-session-id: <redacted>", "2 secret values redacted · v shows", "v show secrets"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Headers tab does not show %q:\n%s", want, s)
		}
	}
	h.press("v")
	s = h.screen()
	for _, want := range []string{"authorization: Bearer s3cr3t-token", "x-session-id: sess-42", "secrets shown · v hides them", "v hide secrets"} {
		if !strings.Contains(s, want) {
			t.Errorf("after v, the Headers tab does not show %q:\n%s", want, s)
		}
	}
	h.press("v")
	if s := h.screen(); strings.Contains(s, "s3cr3t-token") {
		t.Errorf("a second v does not hide the secrets again:\n%s", s)
	}
	// The reveal is for one call: the next one starts redacted.
	h.press("v", "alt+2", "ctrl+s")
	h.waitFor("the second call", func() bool { return h.m.call != nil && h.m.call.id > 1 && !h.m.call.running() }, 20*time.Second)
	h.press("alt+3", "2")
	if s := h.screen(); strings.Contains(s, "s3cr3t-token") {
		t.Errorf("the reveal outlived its call:\n%s", s)
	}
}

// TestHeaderDialogRefusesNonASCII: a value gRPC would refuse at call time
// is refused where it is typed, with the engine's header rule, which
// suggests a -bin key (issue 9, item 7).
func TestHeaderDialogRefusesNonASCII(t *testing.T) {
	h := newHarness(t, 120, 36)
	h.waitServices()
	h.press("ctrl+o", "a")
	h.typeText("x-name: héllo")
	h.press("enter")
	s := h.screen()
	if !strings.Contains(s, "-bin") || !strings.Contains(s, "printable ASCII") {
		t.Errorf("a non-ASCII value is not refused with a -bin hint:\n%s", s)
	}
	if got := h.m.s.Header().Get("x-name"); len(got) != 0 {
		t.Errorf("the refused header was set: %q", got)
	}
	// A -bin key takes base64, stored decoded, shown as base64 again.
	h.press("ctrl+u")
	h.typeText("x-name-bin: aMOpbGxv")
	h.press("enter")
	if got := h.m.s.Header().Get("x-name-bin"); len(got) != 1 || got[0] != "héllo" {
		t.Fatalf("x-name-bin = %q, want the decoded héllo", got)
	}
	if s := h.screen(); !strings.Contains(s, "aMOpbGxv") {
		t.Errorf("the -bin value is not shown as base64:\n%s", s)
	}
}

// newHarnessConfig is newHarness on a session with cfg.
func newHarnessConfig(t testing.TB, cfg dynamic.ConnConfig, w, h int) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, w, h)
}

// TestLoadingStaysUsable: while a reflection that never answers is
// awaited, q quits (and ends the lookup, which does not hold up the
// exit); once the lookup's bound passes, the tree shows what did not
// answer and what to try (issue 9, item 1).
func TestLoadingStaysUsable(t *testing.T) {
	waiting := make(chan struct{}, 8)
	ended := make(chan struct{}, 8)
	addr := hostile.Start(t, hostile.Options{
		SilentReflection: true,
		OnReflect:        func() { waiting <- struct{}{} },
		OnReflectEnd:     func() { ended <- struct{}{} },
	})
	for _, quitKey := range []string{"q", "ctrl+c"} {
		t.Run(quitKey, func(t *testing.T) {
			// A bound far beyond the test: only quitting ends the lookup.
			h := newHarnessConfig(t, dynamic.ConnConfig{Target: addr, ConnectTimeout: time.Hour}, 120, 36)
			// Handle the app's messages until the tree's lookup is
			// waiting for the server.
			for started := false; !started; {
				select {
				case <-waiting:
					started = true
				case msg := <-h.msgs:
					h.handle(msg)
				case <-time.After(10 * time.Second):
					t.Fatal("no reflection stream started")
				}
			}
			if s := h.screen(); !strings.Contains(s, "loading services…") {
				t.Fatalf("not loading:\n%s", s)
			}
			h.press(quitKey)
			h.waitFor("the quit", func() bool { return h.quit }, 10*time.Second)
			// The lookup's stream ends on quitting, not at its bound.
			select {
			case <-ended:
			case <-time.After(10 * time.Second):
				t.Fatal("quitting did not end the reflection lookup")
			}
		})
	}
	t.Run("bound", func(t *testing.T) {
		h := newHarnessConfig(t, dynamic.ConnConfig{Target: addr, ConnectTimeout: 300 * time.Millisecond}, 120, 36)
		h.waitFor("the load to fail", func() bool { return h.m.tree.err != nil }, 15*time.Second)
		checkFrame(t, h, "load error")
		s := h.screen()
		// Not "did not answer": the engine sometimes words it as gRPC's
		// DeadlineExceeded (a race between its timer and the stream's),
		// naming the server reflection either way.
		if err := h.m.tree.err.Error(); !strings.Contains(err, "reflection on "+addr) {
			t.Errorf("the load error does not name what did not answer: %s", err)
		}
		for _, want := range []string{"✗ server reflection", "R retries", "-proto"} {
			if !strings.Contains(s, want) {
				t.Errorf("the load error does not say %q:\n%s", want, s)
			}
		}
	})
}

// TestHostilePackageServer runs the TUI against internal/hostile's server,
// every option on: no frame holds a control character, and the services
// it cannot serve are rows of their own beside hostile.Evil, which works.
func TestHostilePackageServer(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{BrokenService: true, MissingImport: true, EscapeInList: true})
	h := newHarnessAt(t, addr, 140, 40)
	h.waitFor("services", func() bool { return !h.m.tree.loading }, 15*time.Second)
	checkFrame(t, h, "tree")
	if h.m.tree.err != nil {
		t.Fatalf("the tree failed as a whole: %v", h.m.tree.err)
	}
	s := h.screen()
	for _, want := range []string{hostile.BrokenService + " (cannot load)", "Echo", "Fail", `hostile.\x1b]0;pwned\x07Listed`} {
		if !strings.Contains(s, want) {
			t.Errorf("the tree does not show %q:\n%s", want, s)
		}
	}
	for _, method := range []string{hostile.FailMethod, hostile.EchoMethod} {
		name := method[strings.LastIndex(method, ".")+1:]
		h.openMethod(method, strings.ToLower(name))
		checkFrame(t, h, "form of "+name)
		h.press("ctrl+s")
		h.waitFor(name+" to end", func() bool {
			return h.m.call != nil && string(h.m.call.method.FullName()) == method && !h.m.call.running()
		}, 20*time.Second)
		for tab := '1'; tab <= '5'; tab++ {
			h.press("alt+3", string(tab))
			// Not hostile.HasControl: it looks for a 0x9b byte, which is
			// also inside valid UTF-8 such as the box corner ┛ (E2 94 9B).
			checkFrame(t, h, fmt.Sprintf("%s, tab %c", name, tab))
		}
	}
}

package demo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	refv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	refv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"github.com/grpcsh/grpcsh/protos/testserverpb"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, opts demo.Options) (*demo.Server, *grpc.ClientConn) {
	t.Helper()
	srv := demotest.Start(t, opts)
	cc, err := grpc.NewClient(srv.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return srv, cc
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestSayHello(t *testing.T) {
	_, cc := start(t, demo.Options{})
	reply, err := helloworldpb.NewGreeterClient(cc).SayHello(ctx(t), &helloworldpb.HelloRequest{Name: "grpcsh"})
	if err != nil {
		t.Fatal(err)
	}
	if got := reply.GetMessage(); got != "Hello grpcsh" {
		t.Fatalf("SayHello = %q, want %q", got, "Hello grpcsh")
	}
}

func TestGetRandomStaysWithin10To20AndLogsTheID(t *testing.T) {
	log := &syncBuffer{}
	_, cc := start(t, demo.Options{Log: log})
	client := testserverpb.NewTestServerClient(cc)
	seen := map[int32]bool{}
	for i := 0; i < 500; i++ {
		resp, err := client.GetRandom(ctx(t), &testserverpb.Request{Id: "123"})
		if err != nil {
			t.Fatal(err)
		}
		if r := resp.GetRandom(); r < 10 || r > 20 {
			t.Fatalf("GetRandom = %d, want 10..20", r)
		}
		seen[resp.GetRandom()] = true
	}
	// 500 draws from 11 values miss one with probability ~11*(10/11)^500.
	if len(seen) != 11 {
		t.Errorf("500 calls gave %d distinct values, want all 11 of 10..20: %v", len(seen), seen)
	}
	if !strings.Contains(log.String(), `GetRandom id="123"`) {
		t.Errorf("log does not show the id:\n%s", log.String())
	}
}

func TestEchoReturnsEveryFieldKind(t *testing.T) {
	_, cc := start(t, demo.Options{})
	detail, _ := anypb.New(&showcasepb.Address{City: "Paris"})
	attrs, _ := structpb.NewStruct(map[string]any{"a": 1.5, "b": []any{"x", true}})
	req := &showcasepb.Everything{
		FDouble: 1.5, FFloat: 2.5, FInt32: -3, FInt64: -4, FUint32: 5, FUint64: 6, FSint32: -7, FSint64: -8,
		FFixed32: 9, FFixed64: 10, FSfixed32: -11, FSfixed64: -12, FBool: true, FString: "s", FBytes: []byte{0, 1, 2},
		Color: showcasepb.Color_GREEN, Colors: []showcasepb.Color{showcasepb.Color_RED, showcasepb.Color_BLUE},
		Address:   &showcasepb.Address{Street: "1 Main", Geo: &showcasepb.Address_Geo{Lat: 1, Lng: 2}},
		Tree:      &showcasepb.Node{Name: "root", Children: []*showcasepb.Node{{Name: "leaf"}}},
		Tags:      []string{"a", "b"},
		Numbers:   []int32{1, 2, 3},
		Addresses: []*showcasepb.Address{{City: "A"}, {City: "B"}},
		Counts:    map[string]int64{"x": 1},
		Places:    map[string]*showcasepb.Address{"home": {City: "C"}},
		Contact:   &showcasepb.Everything_Postal{Postal: &showcasepb.Address{Zip: 75000}},
		Nickname:  proto.String(""),
		Age:       proto.Int32(0),
		CreatedAt: timestamppb.New(time.Unix(1700000000, 5)),
		Ttl:       durationpb.New(1500 * time.Millisecond),
		Note:      wrapperspb.String("n"), BigNumber: wrapperspb.Int64(1 << 40), Flag: wrapperspb.Bool(false),
		Ratio: wrapperspb.Double(0.5), Blob: wrapperspb.Bytes([]byte("b")),
		Attributes: attrs, Anything: structpb.NewStringValue("v"),
		List:   &structpb.ListValue{Values: []*structpb.Value{structpb.NewNumberValue(1)}},
		Detail: detail, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"f_string"}}, Nothing: &emptypb.Empty{},
	}
	got, err := showcasepb.NewShowcaseClient(cc).Echo(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, req) {
		t.Fatalf("Echo changed the message:\n got %v\nwant %v", got, req)
	}
	if got.Nickname == nil || got.Age == nil {
		t.Error("Echo lost the presence of proto3 optional fields set to their zero value")
	}
}

func TestCountStreamsTicksInOrder(t *testing.T) {
	_, cc := start(t, demo.Options{})
	stream, err := showcasepb.NewShowcaseClient(cc).Count(ctx(t), &showcasepb.CountRequest{Count: 5, Interval: durationpb.New(10 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	var got []int32
	startAt := time.Now()
	for {
		tick, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tick.GetIndex())
	}
	if !slices.Equal(got, []int32{1, 2, 3, 4, 5}) {
		t.Fatalf("ticks = %v, want 1..5", got)
	}
	if el := time.Since(startAt); el < 40*time.Millisecond {
		t.Errorf("5 ticks 10ms apart took %s, want >= 40ms", el)
	}
}

func TestSumAddsAClientStream(t *testing.T) {
	_, cc := start(t, demo.Options{})
	stream, err := showcasepb.NewShowcaseClient(cc).Sum(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{1, 2, 39} {
		if err := stream.Send(&showcasepb.SumRequest{Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	reply, err := stream.CloseAndRecv()
	if err != nil {
		t.Fatal(err)
	}
	if reply.GetSum() != 42 || reply.GetCount() != 3 {
		t.Fatalf("Sum = %v, want sum 42 count 3", reply)
	}
}

func TestChatAnswersEachMessageAsItArrives(t *testing.T) {
	_, cc := start(t, demo.Options{})
	stream, err := showcasepb.NewShowcaseClient(cc).Chat(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	// Each answer is read before the next message is sent: a server that
	// waited for the end of the stream would deadlock this test.
	for i, text := range []string{"hi", "there"} {
		if err := stream.Send(&showcasepb.ChatMessage{Text: text}); err != nil {
			t.Fatal(err)
		}
		got, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if got.GetText() != "you said: "+text || got.GetSeq() != int32(i+1) {
			t.Fatalf("answer %d = %v", i+1, got)
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("after CloseSend: %v, want EOF", err)
	}
}

func TestFailCarriesCodeAndDetails(t *testing.T) {
	_, cc := start(t, demo.Options{})
	_, err := showcasepb.NewShowcaseClient(cc).Fail(ctx(t), &showcasepb.FailRequest{Code: int32(codes.NotFound), Message: "no such thing"})
	st := status.Convert(err)
	if st.Code() != codes.NotFound || st.Message() != "no such thing" {
		t.Fatalf("status = %v %q", st.Code(), st.Message())
	}
	var kinds []string
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			kinds = append(kinds, "BadRequest:"+d.GetFieldViolations()[0].GetField())
		case *errdetails.ErrorInfo:
			kinds = append(kinds, "ErrorInfo:"+d.GetReason())
		case *showcasepb.FailureHint:
			kinds = append(kinds, "FailureHint")
		default:
			t.Errorf("unexpected detail %T", d)
		}
	}
	want := []string{"BadRequest:code", "ErrorInfo:REQUESTED_FAILURE", "FailureHint"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("details = %v, want %v", kinds, want)
	}
}

func TestSleepHonoursTheDeadline(t *testing.T) {
	_, cc := start(t, demo.Options{})
	c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := showcasepb.NewShowcaseClient(cc).Sleep(c, &showcasepb.SleepRequest{Duration: durationpb.New(5 * time.Second)})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	reply, err := showcasepb.NewShowcaseClient(cc).Sleep(ctx(t), &showcasepb.SleepRequest{Duration: durationpb.New(20 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	if reply.GetSlept().AsDuration() < 20*time.Millisecond {
		t.Fatalf("slept %s, want >= 20ms", reply.GetSlept().AsDuration())
	}
}

func TestBigAnswersWithTheAskedSize(t *testing.T) {
	_, cc := start(t, demo.Options{})
	reply, err := showcasepb.NewShowcaseClient(cc).Big(ctx(t), &showcasepb.BigRequest{Size: 1 << 20, Items: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(reply.GetPayload()) != 1<<20 || len(reply.GetItems()) != 1000 || reply.GetItems()[999].GetIndex() != 1000 {
		t.Fatalf("payload %d bytes, %d items", len(reply.GetPayload()), len(reply.GetItems()))
	}
	// Past the client's default 4 MiB receive limit the client refuses it.
	_, err = showcasepb.NewShowcaseClient(cc).Big(ctx(t), &showcasepb.BigRequest{Size: 5 << 20})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("5 MiB with the default receive limit: %v, want ResourceExhausted", err)
	}
}

func TestMetadataEchoesHeadersAndTrailers(t *testing.T) {
	_, cc := start(t, demo.Options{})
	c := metadata.AppendToOutgoingContext(ctx(t), "x-user", "ada", "x-user", "bob", "x-token-bin", string([]byte{0xff, 0}))
	var header, trailer metadata.MD
	reply, err := showcasepb.NewShowcaseClient(cc).Metadata(c, &emptypb.Empty{}, grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		t.Fatal(err)
	}
	if got := reply.GetMetadata()["x-user"]; got != "ada, bob" {
		t.Errorf("reply x-user = %q", got)
	}
	if got := header.Get("x-user"); !slices.Equal(got, []string{"ada", "bob"}) {
		t.Errorf("header x-user = %q", got)
	}
	if got := trailer.Get("trailer-x-user"); !slices.Equal(got, []string{"ada", "bob"}) {
		t.Errorf("trailer trailer-x-user = %q", got)
	}
	if got := reply.GetMetadata()["x-token-bin"]; got != "/wA=" {
		t.Errorf("reply x-token-bin = %q, want base64 /wA=", got)
	}
	if got := header.Get("x-token-bin"); len(got) != 1 || got[0] != string([]byte{0xff, 0}) {
		t.Errorf("binary header = %q", got)
	}
}

func TestBadInputsGetInvalidArgumentNamingTheField(t *testing.T) {
	_, cc := start(t, demo.Options{})
	client := showcasepb.NewShowcaseClient(cc)
	count := func(req *showcasepb.CountRequest) error {
		s, err := client.Count(ctx(t), req)
		if err != nil {
			return err
		}
		_, err = s.Recv()
		return err
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"count too big", func() error { return count(&showcasepb.CountRequest{Count: demo.MaxCount + 1}) }, "count: must be within 0..1000000, got 1000001"},
		{"count negative", func() error { return count(&showcasepb.CountRequest{Count: -1}) }, "count: must be within 0..1000000"},
		{"interval negative", func() error {
			return count(&showcasepb.CountRequest{Count: 1, Interval: durationpb.New(-time.Second)})
		}, "interval: must be within 0s..1m0s"},
		{"fail code 0", func() error {
			_, err := client.Fail(ctx(t), &showcasepb.FailRequest{Code: 0})
			return err
		}, "code: must be a gRPC status code within 1..16, got 0"},
		{"fail code 17", func() error {
			_, err := client.Fail(ctx(t), &showcasepb.FailRequest{Code: 17})
			return err
		}, "code: must be a gRPC status code within 1..16, got 17"},
		{"sleep too long", func() error {
			_, err := client.Sleep(ctx(t), &showcasepb.SleepRequest{Duration: durationpb.New(time.Hour)})
			return err
		}, "duration: must be within 0s..10m0s, got 1h0m0s"},
		{"big too big", func() error {
			_, err := client.Big(ctx(t), &showcasepb.BigRequest{Size: demo.MaxBigSize + 1})
			return err
		}, "size: must be within 0..67108864 bytes"},
		{"too many items", func() error {
			_, err := client.Big(ctx(t), &showcasepb.BigRequest{Items: demo.MaxBigItems + 1})
			return err
		}, "items: must be within 0..1000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := status.Convert(tt.call())
			if st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), tt.want) {
				t.Fatalf("got %v %q, want InvalidArgument containing %q", st.Code(), st.Message(), tt.want)
			}
			var field string
			for _, d := range st.Details() {
				if br, ok := d.(*errdetails.BadRequest); ok {
					field = br.GetFieldViolations()[0].GetField()
				}
			}
			if !strings.HasPrefix(tt.want, field+":") {
				t.Errorf("BadRequest detail names field %q; message is %q", field, st.Message())
			}
		})
	}
}

func listServices(t *testing.T, send func(*refv1.ServerReflectionRequest) (*refv1.ServerReflectionResponse, error)) []string {
	t.Helper()
	resp, err := send(&refv1.ServerReflectionRequest{MessageRequest: &refv1.ServerReflectionRequest_ListServices{}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	slices.Sort(names)
	return names
}

var wantServices = []string{
	"TestServer",
	"grpc.health.v1.Health",
	"grpc.reflection.v1.ServerReflection",
	"grpc.reflection.v1alpha.ServerReflection",
	"helloworld.Greeter",
	"showcase.Showcase",
}

func TestReflectionV1AndV1AlphaBothListEveryService(t *testing.T) {
	_, cc := start(t, demo.Options{})
	v1, err := refv1.NewServerReflectionClient(cc).ServerReflectionInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	got := listServices(t, func(r *refv1.ServerReflectionRequest) (*refv1.ServerReflectionResponse, error) {
		if err := v1.Send(r); err != nil {
			return nil, err
		}
		return v1.Recv()
	})
	if !slices.Equal(got, wantServices) {
		t.Errorf("v1 lists %v, want %v", got, wantServices)
	}

	alpha, err := refv1alpha.NewServerReflectionClient(cc).ServerReflectionInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := alpha.Send(&refv1alpha.ServerReflectionRequest{MessageRequest: &refv1alpha.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := alpha.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var alphaNames []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		alphaNames = append(alphaNames, s.GetName())
	}
	slices.Sort(alphaNames)
	if !slices.Equal(alphaNames, wantServices) {
		t.Errorf("v1alpha lists %v, want %v", alphaNames, wantServices)
	}
}

func TestV1AlphaOnlyServerHasNoV1(t *testing.T) {
	_, cc := start(t, demo.Options{NoReflectionV1: true})
	stream, err := refv1.NewServerReflectionClient(cc).ServerReflectionInfo(ctx(t))
	if err == nil {
		// Send reports io.EOF when the server has already ended the
		// stream; the status itself comes from Recv.
		if err = stream.Send(&refv1.ServerReflectionRequest{MessageRequest: &refv1.ServerReflectionRequest_ListServices{}}); err == nil || errors.Is(err, io.EOF) {
			_, err = stream.Recv()
		}
	}
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("v1 on a v1alpha-only server: %v, want Unimplemented", err)
	}
}

func TestHealthReportsServing(t *testing.T) {
	_, cc := start(t, demo.Options{})
	resp, err := healthpb.NewHealthClient(cc).Check(ctx(t), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health = %v", resp.GetStatus())
	}
}

// sleepArrives is a demo.Options.OnCall that says when a Sleep call has
// reached the server's handler.
func sleepArrives() (func(string, metadata.MD), <-chan struct{}) {
	arrived := make(chan struct{}, 1)
	return func(method string, _ metadata.MD) {
		if method == "/showcase.Showcase/Sleep" {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
	}, arrived
}

func TestGracefulStopLetsAnInFlightCallFinish(t *testing.T) {
	onCall, arrived := sleepArrives()
	srv, cc := start(t, demo.Options{OnCall: onCall})
	done := make(chan error, 1)
	go func() {
		_, err := showcasepb.NewShowcaseClient(cc).Sleep(context.Background(), &showcasepb.SleepRequest{Duration: durationpb.New(300 * time.Millisecond)})
		done <- err
	}()
	<-arrived // the call is on the server: stop it now
	srv.Stop(5 * time.Second)
	if err := <-done; err != nil {
		t.Fatalf("in-flight call during graceful stop: %v", err)
	}
}

func TestStopIsBoundedByTheGraceTime(t *testing.T) {
	onCall, arrived := sleepArrives()
	srv, cc := start(t, demo.Options{OnCall: onCall})
	done := make(chan error, 1)
	go func() {
		_, err := showcasepb.NewShowcaseClient(cc).Sleep(context.Background(), &showcasepb.SleepRequest{Duration: durationpb.New(time.Minute)})
		done <- err
	}()
	<-arrived
	// The call would sleep a minute: Unavailable says the stop cut it
	// once its grace ran out.
	srv.Stop(100 * time.Millisecond)
	if err := <-done; status.Code(err) != codes.Unavailable {
		t.Fatalf("call cut by the stop: %v, want Unavailable", err)
	}
}

func TestOneLogLinePerCall(t *testing.T) {
	log := &syncBuffer{}
	_, cc := start(t, demo.Options{Log: log})
	if _, err := helloworldpb.NewGreeterClient(cc).SayHello(ctx(t), &helloworldpb.HelloRequest{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	showcasepb.NewShowcaseClient(cc).Fail(ctx(t), &showcasepb.FailRequest{Code: 5})
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 log lines, got:\n%s", log.String())
	}
	for i, want := range []string{"/helloworld.Greeter/SayHello peer=127.0.0.1:", "/showcase.Showcase/Fail peer=127.0.0.1:"} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "duration=") {
			t.Errorf("line %q lacks %q", lines[i], want)
		}
	}
	if !strings.HasSuffix(lines[0], "code=OK") || !strings.HasSuffix(lines[1], "code=NotFound") {
		t.Errorf("codes not logged: %q", lines)
	}
}

func TestConnectionsAreCounted(t *testing.T) {
	srv, cc := start(t, demo.Options{})
	for i := 0; i < 10; i++ {
		if _, err := helloworldpb.NewGreeterClient(cc).SayHello(ctx(t), &helloworldpb.HelloRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Connections(); n != 1 {
		t.Fatalf("10 calls on one client: %d connections, want 1", n)
	}
}

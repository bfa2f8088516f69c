package demo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// Limits of the showcase methods. A request past one is answered with
// INVALID_ARGUMENT naming the field and the limit, never with a crash or a
// server that runs out of memory.
const (
	MaxCount    = 1_000_000
	MaxInterval = time.Minute
	MaxSleep    = 10 * time.Minute
	MaxBigSize  = 64 << 20
	MaxBigItems = 1_000_000
)

type showcase struct {
	showcasepb.UnimplementedShowcaseServer
}

func (showcase) Echo(_ context.Context, req *showcasepb.Everything) (*showcasepb.Everything, error) {
	return req, nil
}

func (showcase) Count(req *showcasepb.CountRequest, stream grpc.ServerStreamingServer[showcasepb.Tick]) error {
	if n := req.GetCount(); n < 0 || n > MaxCount {
		return invalid("count", fmt.Sprintf("must be within 0..%d, got %d", MaxCount, n))
	}
	var interval time.Duration
	if req.Interval != nil {
		if err := req.Interval.CheckValid(); err != nil {
			return invalid("interval", err.Error())
		}
		interval = req.Interval.AsDuration()
		if interval < 0 || interval > MaxInterval {
			return invalid("interval", fmt.Sprintf("must be within 0s..%s, got %s", MaxInterval, interval))
		}
	}
	ctx := stream.Context()
	for i := int32(1); i <= req.GetCount(); i++ {
		if i > 1 && interval > 0 {
			if err := sleep(ctx, interval); err != nil {
				return err
			}
		}
		if err := stream.Send(&showcasepb.Tick{Index: i, SentAt: timestamppb.Now()}); err != nil {
			return err
		}
	}
	return nil
}

func (showcase) Sum(stream grpc.ClientStreamingServer[showcasepb.SumRequest, showcasepb.SumReply]) error {
	reply := &showcasepb.SumReply{}
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return stream.SendAndClose(reply)
		}
		if err != nil {
			return err
		}
		reply.Sum += req.GetValue()
		reply.Count++
	}
}

func (showcase) Chat(stream grpc.BidiStreamingServer[showcasepb.ChatMessage, showcasepb.ChatMessage]) error {
	for seq := int32(1); ; seq++ {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.Send(&showcasepb.ChatMessage{Text: "you said: " + msg.GetText(), Seq: seq}); err != nil {
			return err
		}
	}
}

func (showcase) Fail(_ context.Context, req *showcasepb.FailRequest) (*emptypb.Empty, error) {
	code := req.GetCode()
	if code < 1 || code > 16 {
		return nil, invalid("code", fmt.Sprintf("must be a gRPC status code within 1..16, got %d", code))
	}
	msg := req.GetMessage()
	if msg == "" {
		msg = "failed as requested"
	}
	st, err := status.New(codes.Code(code), msg).WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "code", Description: fmt.Sprintf("the caller asked for %s", codes.Code(code))},
		}},
		&errdetails.ErrorInfo{Reason: "REQUESTED_FAILURE", Domain: "showcase.grpcsh.dev", Metadata: map[string]string{"code": fmt.Sprint(code)}},
		&showcasepb.FailureHint{Hint: "send a code of 0 to Echo instead", Docs: []string{"https://grpc.io/docs/guides/status-codes/"}},
	)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "building the status: %v", err)
	}
	return nil, st.Err()
}

func (showcase) Sleep(ctx context.Context, req *showcasepb.SleepRequest) (*showcasepb.SleepReply, error) {
	if err := req.GetDuration().CheckValid(); req.Duration != nil && err != nil {
		return nil, invalid("duration", err.Error())
	}
	d := req.GetDuration().AsDuration()
	if d < 0 || d > MaxSleep {
		return nil, invalid("duration", fmt.Sprintf("must be within 0s..%s, got %s", MaxSleep, d))
	}
	start := time.Now()
	if err := sleep(ctx, d); err != nil {
		return nil, err
	}
	return &showcasepb.SleepReply{Slept: durationpb.New(time.Since(start))}, nil
}

func (showcase) Big(_ context.Context, req *showcasepb.BigRequest) (*showcasepb.BigReply, error) {
	if n := req.GetSize(); n < 0 || n > MaxBigSize {
		return nil, invalid("size", fmt.Sprintf("must be within 0..%d bytes, got %d", MaxBigSize, n))
	}
	if n := req.GetItems(); n < 0 || n > MaxBigItems {
		return nil, invalid("items", fmt.Sprintf("must be within 0..%d, got %d", MaxBigItems, n))
	}
	reply := &showcasepb.BigReply{Payload: make([]byte, req.GetSize())}
	for i := range reply.Payload {
		reply.Payload[i] = byte('a' + i%26)
	}
	reply.Items = make([]*showcasepb.Item, req.GetItems())
	for i := range reply.Items {
		reply.Items[i] = &showcasepb.Item{Index: int32(i + 1), Name: fmt.Sprintf("item-%d", i+1)}
	}
	return reply, nil
}

// reservedKeys are set by the transport; echoing them back would be refused
// or would confuse the client.
var reservedKeys = []string{"content-type", "user-agent", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding"}

func (showcase) Metadata(ctx context.Context, _ *emptypb.Empty) (*showcasepb.MetadataReply, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	reply := &showcasepb.MetadataReply{Metadata: map[string]string{}}
	header, trailer := metadata.MD{}, metadata.MD{}
	for k, vs := range md {
		if strings.HasPrefix(k, ":") {
			continue
		}
		if strings.HasSuffix(k, "-bin") {
			// Binary values are not text: show them as gRPC sends them.
			enc := make([]string, len(vs))
			for i, v := range vs {
				enc[i] = base64.StdEncoding.EncodeToString([]byte(v))
			}
			reply.Metadata[k] = strings.Join(enc, ", ")
		} else {
			reply.Metadata[k] = strings.Join(vs, ", ")
		}
		if slices.Contains(reservedKeys, k) || strings.HasPrefix(k, "grpc-") {
			continue
		}
		header[k] = vs
		trailer["trailer-"+k] = vs
	}
	if err := grpc.SetHeader(ctx, header); err != nil {
		return nil, err
	}
	if err := grpc.SetTrailer(ctx, trailer); err != nil {
		return nil, err
	}
	return reply, nil
}

// invalid is the INVALID_ARGUMENT status for one field, with a BadRequest
// detail so clients can point at the field.
func invalid(field, why string) error {
	st := status.New(codes.InvalidArgument, field+": "+why)
	if withDetails, err := st.WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: why}},
	}); err == nil {
		st = withDetails
	}
	return st.Err()
}

// sleep waits for d or until ctx ends, whichever comes first, and turns the
// end of ctx into the matching status.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return status.FromContextError(ctx.Err()).Err()
	}
}

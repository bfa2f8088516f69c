// Package connecttest starts a connect-go server for tests: the reference
// implementation of gRPC-Web and Connect (and gRPC), serving part of the
// demo's showcase.Showcase and helloworld.Greeter with connect-go's own
// handlers, on a free loopback port, over HTTP/1.1 and HTTP/2 (h2c, or ALPN
// with TLS), until the test ends. It has no reflection: clients describe it
// with the embedded .proto files.
package connecttest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// What the server adds to answers, for tests to look for.
const (
	HeaderKey  = "x-ref-header" // a response header of every Echo
	TrailerKey = "x-ref-trailer"
	EchoIn     = "x-in" // a request header Echo sends back as "x-in-echo"
	FailMeta   = "x-ref-fail"
)

// Start serves until t ends and returns host:port. With tlsConf the server
// speaks TLS (ALPN offers h2 and http/1.1).
func Start(t testing.TB, tlsConf *tls.Config) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	const svc = "/showcase.Showcase/"
	mux.Handle(svc+"Echo", connect.NewUnaryHandler(svc+"Echo", echo))
	mux.Handle(svc+"Count", connect.NewServerStreamHandler(svc+"Count", count))
	mux.Handle(svc+"Sum", connect.NewClientStreamHandler(svc+"Sum", sum))
	mux.Handle(svc+"Chat", connect.NewBidiStreamHandler(svc+"Chat", chat))
	mux.Handle(svc+"Fail", connect.NewUnaryHandler(svc+"Fail", fail))
	const hello = "/helloworld.Greeter/SayHello"
	mux.Handle(hello, connect.NewUnaryHandler(hello, func(_ context.Context, r *connect.Request[helloworldpb.HelloRequest]) (*connect.Response[helloworldpb.HelloReply], error) {
		return connect.NewResponse(&helloworldpb.HelloReply{Message: "Hello " + r.Msg.GetName() + " from connect-go"}), nil
	}))
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: mux, Protocols: p, TLSConfig: tlsConf, ErrorLog: log.New(io.Discard, "", 0)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if tlsConf != nil {
			srv.ServeTLS(lis, "", "")
		} else {
			srv.Serve(lis)
		}
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return lis.Addr().String()
}

func echo(_ context.Context, r *connect.Request[showcasepb.Everything]) (*connect.Response[showcasepb.Everything], error) {
	resp := connect.NewResponse(r.Msg)
	resp.Header().Set(HeaderKey, "h")
	if v := r.Header().Get(EchoIn); v != "" {
		resp.Header().Set(EchoIn+"-echo", v)
	}
	resp.Trailer().Set(TrailerKey, "t")
	return resp, nil
}

func count(_ context.Context, r *connect.Request[showcasepb.CountRequest], st *connect.ServerStream[showcasepb.Tick]) error {
	st.ResponseHeader().Set(HeaderKey, "h")
	for i := int32(1); i <= r.Msg.GetCount(); i++ {
		if err := st.Send(&showcasepb.Tick{Index: i, SentAt: timestamppb.Now()}); err != nil {
			return err
		}
	}
	st.ResponseTrailer().Set(TrailerKey, "t")
	return nil
}

func sum(_ context.Context, st *connect.ClientStream[showcasepb.SumRequest]) (*connect.Response[showcasepb.SumReply], error) {
	var out showcasepb.SumReply
	for st.Receive() {
		out.Sum += st.Msg().GetValue()
		out.Count++
	}
	if err := st.Err(); err != nil {
		return nil, err
	}
	resp := connect.NewResponse(&out)
	resp.Trailer().Set(TrailerKey, "t")
	return resp, nil
}

func chat(_ context.Context, st *connect.BidiStream[showcasepb.ChatMessage, showcasepb.ChatMessage]) error {
	for seq := int32(1); ; seq++ {
		m, err := st.Receive()
		if errors.Is(err, context.Canceled) {
			return err
		}
		if err != nil {
			return nil // the client closed its side
		}
		if err := st.Send(&showcasepb.ChatMessage{Text: "ref: " + m.GetText(), Seq: seq}); err != nil {
			return err
		}
	}
}

func fail(_ context.Context, r *connect.Request[showcasepb.FailRequest]) (*connect.Response[emptypb.Empty], error) {
	err := connect.NewError(connect.Code(r.Msg.GetCode()), errors.New(r.Msg.GetMessage()))
	d, derr := connect.NewErrorDetail(&errdetails.ErrorInfo{Reason: "REFERENCE", Domain: "connect-go", Metadata: map[string]string{"code": fmt.Sprint(r.Msg.GetCode())}})
	if derr != nil {
		return nil, derr
	}
	err.AddDetail(d)
	err.Meta().Set(FailMeta, "yes")
	return nil, err
}

package demo

import (
	"context"
	"math/rand/v2"

	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/testserverpb"
)

// greeter is the seed document's C++ example: helloworld.Greeter.
type greeter struct {
	helloworldpb.UnimplementedGreeterServer
}

func (greeter) SayHello(_ context.Context, req *helloworldpb.HelloRequest) (*helloworldpb.HelloReply, error) {
	return &helloworldpb.HelloReply{Message: "Hello " + req.GetName()}, nil
}

// testServer is the seed document's Python example: TestServer, with no
// package. Like the Python server it prints the id it was sent.
type testServer struct {
	testserverpb.UnimplementedTestServerServer
	logf func(format string, args ...any)
}

func (t *testServer) GetRandom(_ context.Context, req *testserverpb.Request) (*testserverpb.Response, error) {
	t.logf("GetRandom id=%q", req.GetId())
	return &testserverpb.Response{Random: 10 + rand.Int32N(11)}, nil
}

package repl

import (
	"context"
	"flag"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/stats"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
)

// compressionSeen records the compression of each request a server gets.
type compressionSeen struct {
	mu   sync.Mutex
	seen []string
}

func (h *compressionSeen) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return ctx
}
func (h *compressionSeen) HandleRPC(_ context.Context, s stats.RPCStats) {
	if in, ok := s.(*stats.InHeader); ok && strings.HasSuffix(in.FullMethod, "/SayHello") {
		h.mu.Lock()
		h.seen = append(h.seen, in.Compression)
		h.mu.Unlock()
	}
}
func (h *compressionSeen) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (h *compressionSeen) HandleConn(context.Context, stats.ConnStats) {}

type testGreeter struct {
	helloworldpb.UnimplementedGreeterServer
}

func (testGreeter) SayHello(_ context.Context, r *helloworldpb.HelloRequest) (*helloworldpb.HelloReply, error) {
	return &helloworldpb.HelloReply{Message: "Hello " + r.GetName()}, nil
}

// Bug fix: the script's connect rejected -gzip and -round-robin ("unknown
// flag"), which the command line takes; both come from one table now.
func TestConnectTakesEveryConnectionFlag(t *testing.T) {
	h := &compressionSeen{}
	gs := grpc.NewServer(grpc.StatsHandler(h))
	helloworldpb.RegisterGreeterServer(gs, testGreeter{})
	reflection.Register(gs)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)
	target := lis.Addr().String()

	s := newTestSession(t, target)
	x := NewExecutor(s, nil)
	out, err := execText(t, x, "call SayHello {\"name\": \"a\"}\nconnect "+target+" -gzip -round-robin\nstatus\ncall SayHello {\"name\": \"b\"}")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "round robin") || !strings.Contains(out, `{"message":"Hello b"}`) {
		t.Errorf("output %q: want the status to say round robin, then the reply", out)
	}
	if cfg := s.ConnConfig(); !cfg.Gzip || !cfg.RoundRobin {
		t.Errorf("config %+v: want Gzip and RoundRobin", cfg)
	}
	h.mu.Lock()
	seen := strings.Join(h.seen, ",")
	h.mu.Unlock()
	if seen != ",gzip" {
		t.Errorf("request compression %q, want none then gzip", seen)
	}
}

// Every connection flag is in the command line's flag set, the parser's
// flags of connect, and help connect, and means the same in each.
func TestConnFlagsDeclaredOnce(t *testing.T) {
	help, err := Help("connect")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ConnFlags {
		var cli dynamic.ConnConfig
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		RegisterConnFlags(fs, &cli)
		args, word := []string{"-" + f.Name}, ""
		if !f.IsSwitch() {
			word = map[string]string{"DUR": "2s", "BYTES": "1000", "PROTOCOL": "connect"}[f.Value]
			if word == "" {
				word = "v"
			}
			args = append(args, word)
		}
		if err := fs.Parse(args); err != nil {
			t.Errorf("command line %v: %v", args, err)
		}
		cmds, err := Parse("connect x:1 "+strings.Join(args, " "), testEnv)
		if err != nil {
			t.Errorf("script connect %v: %v", args, err)
			continue
		}
		script := dynamic.ConnConfig{}
		if err := SetConnFlag(&script, cmds[0].Flags[0].Name, cmds[0].Flags[0].Value); err != nil {
			t.Errorf("script connect %v: %v", args, err)
		}
		if cli != script {
			t.Errorf("-%s: command line gives %+v, script %+v", f.Name, cli, script)
		}
		if !strings.Contains(help, "-"+f.Name) {
			t.Errorf("help connect does not list -%s", f.Name)
		}
	}
	var cfg dynamic.ConnConfig
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	check := RegisterConnFlags(fs, &cfg)
	if err := fs.Parse([]string{"-plaintext", "-tls"}); err != nil {
		t.Fatal(err)
	}
	if err := check(); err == nil || !strings.Contains(err.Error(), "contradict") {
		t.Errorf("-plaintext -tls: %v, want a contradiction", err)
	}
}

package hostile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jhump/protoreflect/v2/grpcreflect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/grpcsh/grpcsh/internal/hostile"
)

// The server serves its descriptors and fails Fail with the payload: a
// check that the fixture itself works, so other packages' tests can rely
// on it.
func TestServerServesHostileText(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{BrokenService: true, MissingImport: true})
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rc := grpcreflect.NewClientAuto(ctx, cc)
	defer rc.Reset()
	names, err := rc.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 3 {
		t.Errorf("services = %v, want Evil, Broken, Orphans", names)
	}
	fd, err := rc.FileContainingSymbol(hostile.Service)
	if err != nil {
		t.Fatal(err)
	}
	svc := fd.Services().ByName("Evil")
	if svc == nil || !strings.Contains(fd.SourceLocations().ByDescriptor(svc).LeadingComments, hostile.OSC52) {
		t.Errorf("service Evil lacks its hostile comment")
	}
	if _, err := rc.FileContainingSymbol(hostile.BrokenService); err == nil {
		t.Errorf("the broken service's file was built")
	}
	if _, err := rc.FileContainingSymbol(hostile.OrphanMessage); err == nil {
		t.Errorf("the orphan's file was built without its import")
	}
	err = cc.Invoke(ctx, "/hostile.Evil/Fail", &emptyMsg{}, &emptyMsg{}, grpc.ForceCodecV2(rawCodec{}))
	st := status.Convert(err)
	if st.Code() != codes.FailedPrecondition || !strings.Contains(st.Message(), hostile.CSI) || len(st.Proto().Details) != 3 {
		t.Errorf("Fail = %v, %d details; want FailedPrecondition with the payload and 3 details", err, len(st.Proto().Details))
	}
	if !hostile.HasControl(hostile.Payload) || hostile.HasControl("plain\ttext\n") {
		t.Errorf("HasControl misjudges")
	}
}

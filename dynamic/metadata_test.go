package dynamic

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

func TestMetadataParseHeader(t *testing.T) {
	for _, tc := range []struct {
		in         string
		key, value string
		err        string
	}{
		{in: "Authorization: Bearer abc", key: "authorization", value: "Bearer abc"},
		{in: "x-id:42", key: "x-id", value: "42"},
		{in: "  X-Trace-ID :  a b  ", key: "x-trace-id", value: "a b"},
		{in: "empty:", key: "empty", value: ""},
		{in: "url: http://host:8080/p", key: "url", value: "http://host:8080/p"},
		{in: "trace-bin: AAEC/w==", key: "trace-bin", value: "\x00\x01\x02\xff"},
		{in: "trace-bin: AAEC_w", key: "trace-bin", value: "\x00\x01\x02\xff"},
		{in: "trace-bin: AAEC/w", key: "trace-bin", value: "\x00\x01\x02\xff"},
		{in: "no colon", err: `header "no colon" has no colon: write it as "name: value"`},
		{in: ": v", err: "has no name before the colon"},
		{in: "bad key: v", err: `header "bad key": ' ' cannot be in a header name`},
		{in: "trace-bin: not base64!", err: `header "trace-bin": a -bin header takes a base64 value`},
		{in: "x-note: caf\u00e9", err: `header "x-note": value has 'é'`},
		{in: "grpc-timeout: 1S", err: `header "grpc-timeout" is reserved: gRPC sets it from the call's deadline; use -max-time`},
		{in: "User-Agent: me", err: `header "user-agent" is reserved: gRPC sets it; use -user-agent`},
		{in: ":authority: x", err: "has no name before the colon"},
	} {
		k, v, err := ParseHeader(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseHeader(%q) = %q, %q, %v; want error %q", tc.in, k, v, err, tc.err)
			}
			continue
		}
		if err != nil || k != tc.key || v != tc.value {
			t.Errorf("ParseHeader(%q) = %q, %q, %v; want %q, %q", tc.in, k, v, err, tc.key, tc.value)
		}
	}
}

// TestMetadataHeadersReachTheServer sends parsed headers through a Conn to
// the demo's Metadata method, which echoes them (binary values as base64).
func TestMetadataHeadersReachTheServer(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	c := connMustDial(t, ConnConfig{Target: srv.Addr().String()})
	md := metadata.MD{}
	for _, h := range []string{"X-Token: s3cret", "trace-bin: AAEC/w=="} {
		k, v, err := ParseHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		md.Append(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reply, err := showcasepb.NewShowcaseClient(c.ClientConn()).Metadata(metadata.NewOutgoingContext(ctx, md), &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	got := reply.GetMetadata()
	if got["x-token"] != "s3cret" || got["trace-bin"] != "AAEC/w==" {
		t.Errorf("server saw %q", got)
	}
	if !strings.HasPrefix(got["user-agent"], "grpcsh/dev grpc-go/") {
		t.Errorf("user-agent %q", got["user-agent"])
	}
}

func TestMetadataExpandEnv(t *testing.T) {
	t.Setenv("GRPCSH_TOKEN", "abc123")
	t.Setenv("GRPCSH_EMPTY", "")
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "Bearer ${GRPCSH_TOKEN}", want: "Bearer abc123"},
		{in: "${GRPCSH_TOKEN}${GRPCSH_TOKEN}", want: "abc123abc123"},
		{in: "x${GRPCSH_EMPTY}y", want: "xy"},
		{in: "no variables", want: "no variables"},
		{in: "price $5 and $HOME stay", want: "price $5 and $HOME stay"},
		{in: "$${GRPCSH_TOKEN}", want: "${GRPCSH_TOKEN}"},
		{in: `\${GRPCSH_TOKEN}`, want: "${GRPCSH_TOKEN}"},
		{in: "a$$b", want: "a$b"},
		{in: `back\slash`, want: `back\slash`},
		{in: "trailing $", want: "trailing $"},
		{in: "${GRPCSH_SURELY_UNSET_VAR}", err: "environment variable GRPCSH_SURELY_UNSET_VAR is not set"},
		{in: "${GRPCSH_TOKEN", err: "${ without a closing }"},
		{in: "${}", err: "${} is not a variable name"},
		{in: "${1X}", err: "${1X} is not a variable name"},
	} {
		got, err := ExpandEnv(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ExpandEnv(%q) = %q, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ExpandEnv(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestMetadataIsSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"authorization":        true,
		"Authorization":        true,
		"proxy-authorization":  true,
		"cookie":               true,
		"set-cookie":           true,
		"x-api-key":            true,
		"apikey":               true,
		"x-goog-api-key":       true,
		"api_key":              true,
		"x-auth-token":         true,
		"x-csrf-token":         true,
		"x-amz-security-token": true,
		"client-secret":        true,
		"db-password":          true,
		"x-session-id":         true,
		"token-bin":            true,
		"x-private":            true,
		"x-private-data":       true,
		"x-client-secret-hash": true,
		"my-session":           true,
		"x-oauth-state":        true,
		"x-myauth":             true,
		"x-request-id":         false,
		"content-language":     false,
		"user-agent":           false,
		"x-trace-bin":          false,
		"grpc-accept-encoding": false,
	} {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	in := metadata.MD{
		"authorization": {"Bearer eyJhbGciOi.xyz", "Basic dXNlcjpwYXNz", "rawtoken"},
		"x-api-key":     {"k-123"},
		"cookie":        {"session=abc; theme=dark"},
		"set-cookie":    {"id=42; Path=/; HttpOnly; Max-Age=60"},
		"token-bin":     {"\x00\x01"},
		"x-secret":      {""},
		"x-request-id":  {"r-1"},
	}
	want := metadata.MD{
		"authorization": {"Bearer <redacted>", "Basic <redacted>", "<redacted>"},
		"x-api-key":     {"<redacted>"},
		"cookie":        {"session=<redacted>; theme=<redacted>"},
		"set-cookie":    {"id=<redacted>; Path=/; HttpOnly; Max-Age=60"},
		"token-bin":     {"<redacted>"},
		"x-secret":      {""},
		"x-request-id":  {"r-1"},
	}
	orig := in.Copy()
	got := Redact(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Redact:\n got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(in, orig) {
		t.Errorf("Redact modified its argument: %q", in)
	}
	if Redact(nil) != nil {
		t.Error("Redact(nil) != nil")
	}
}

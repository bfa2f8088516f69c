package repl

import (
	"context"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

func helloProto(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "protos", "hello.proto")
}

// Rough edge 9 of issue 12: connect takes -proto/-protoset (declared once,
// in SchemaFlags), so a schema is added to a session without restarting.
func TestConnectProtoAddsASchema(t *testing.T) {
	target := startDemo(t, demo.Options{NoReflection: true}).Target()
	s := newTestSession(t, target)
	x := NewExecutor(s, nil)
	if _, err := execText(t, x, `call helloworld.Greeter/SayHello {"name": "a"}`); err == nil {
		t.Fatal("a call without reflection nor files worked")
	}
	// Files that do not load change nothing.
	if _, err := execText(t, x, "connect -proto "+filepath.Join(t.TempDir(), "missing.proto")); err == nil {
		t.Fatal("connect -proto of a missing file did not fail")
	}
	conn := s.Conn()
	out, err := execText(t, x, "connect -proto "+helloProto(t)+"\n"+`call helloworld.Greeter/SayHello {"name": "b"}`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "descriptors from") || !strings.Contains(out, `{"message":"Hello b"}`) {
		t.Fatalf("output %q", out)
	}
	if s.Conn() != conn {
		t.Error("connect -proto alone reconnected")
	}
	// With a target, it connects and keeps the schema.
	out, err = execText(t, x, "connect "+target+" -proto "+helloProto(t)+"\n"+`call SayHello {"name": "c"}`)
	if err != nil || !strings.Contains(out, `{"message":"Hello c"}`) {
		t.Fatalf("connect TARGET -proto: %v\n%s", err, out)
	}
	if _, err := execText(t, x, "connect -proto a.proto -protoset b.pb"); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("-proto with -protoset: %v", err)
	}
}

// The schema flags are the command line's and connect's, from one table.
func TestSchemaFlagsDeclaredOnce(t *testing.T) {
	help, err := Help("connect")
	if err != nil {
		t.Fatal(err)
	}
	specs := connFlagSpecs()
	for _, f := range SchemaFlags {
		var sc Schema
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		RegisterSchemaFlags(fs, &sc)
		if err := fs.Parse([]string{"-" + f.Name, "x", "-" + f.Name, "y"}); err != nil {
			t.Fatalf("-%s: %v", f.Name, err)
		}
		if got := *f.field(&sc); len(got) != 2 || got[1] != "y" {
			t.Errorf("-%s x -%s y: %v", f.Name, f.Name, got)
		}
		if !specs[f.Name] {
			t.Errorf("connect does not take -%s", f.Name)
		}
		if !strings.Contains(help, "-"+f.Name+" "+f.Value) {
			t.Errorf("help connect lacks -%s", f.Name)
		}
		// The copy-as line and completion's list of files read the same
		// table: a flag added to it is in both.
		if got := (CallLine{Schema: sc}).fileArgs(); !slices.Equal(got, []string{"-" + f.Name, "x", "-" + f.Name, "y"}) {
			t.Errorf("-%s: copy-as flags %q", f.Name, got)
		}
		if got := sc.Paths(); !slices.Equal(got, []string{"x", "y"}) {
			t.Errorf("-%s: Paths %q", f.Name, got)
		}
		if sc.HasFiles() != (f.load != nil) {
			t.Errorf("-%s: HasFiles %v, but the flag's load is %v", f.Name, sc.HasFiles(), f.load != nil)
		}
	}
	// Descriptor files first, then where imports are found.
	sc := Schema{Protos: []string{"a.proto"}, ImportPaths: []string{"inc"}, Protosets: []string{"b.pb"}}
	if got := sc.Paths(); !slices.Equal(got, []string{"a.proto", "b.pb", "inc"}) {
		t.Errorf("Paths %q", got)
	}
	if _, err := loadSchema(context.Background(), nil, Schema{ImportPaths: []string{"inc"}}); err == nil || err.Error() != "-import-path needs -proto" {
		t.Errorf("-import-path alone: %v", err)
	}
	if _, err := loadSchema(context.Background(), nil, sc); err == nil || err.Error() != "use -proto or -protoset, not both" {
		t.Errorf("-proto with -protoset: %v", err)
	}
}

// Rough edge 10: a Duration spelt as the form takes it ("100ms") in a JSON
// request gets the JSON spelling in the error, with its place.
func TestJSONDurationHint(t *testing.T) {
	x := NewExecutor(newTestSession(t, startDemo(t, demo.Options{}).Target()), nil)
	_, err := execText(t, x, `call showcase.Showcase/Count {"count": 2, "interval": "100ms"}`)
	if err == nil || !strings.Contains(err.Error(), `interval: "100ms" is not a JSON Duration: write "0.1s"`) {
		t.Fatalf("error %v", err)
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%T is not the request error (SyntaxError): %v", err, err)
	}
}

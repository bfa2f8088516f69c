package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
)

// The tools the written projects need, from Debian's python3-grpcio,
// python3-grpc-tools, libgrpc++-dev, protobuf-compiler-grpc,
// protobuf-compiler, g++ and pkg-config (.ci/run installs them).
//
// needTools fails the test in CI (CI is set) when one is missing, and
// skips it elsewhere, saying which.
func needTools(t *testing.T, cmds ...string) {
	t.Helper()
	var missing []string
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI lacks %s: .ci/run must install Debian's python3-grpcio python3-grpc-tools libgrpc++-dev protobuf-compiler-grpc protobuf-compiler g++ pkg-config", strings.Join(missing, ", "))
	}
	t.Skipf("skipped: %s not installed (Debian: python3-grpcio python3-grpc-tools libgrpc++-dev protobuf-compiler-grpc protobuf-compiler g++ pkg-config)", strings.Join(missing, ", "))
}

// pythonWithGRPC is a bin directory whose python3 imports grpc and
// grpc_tools: Debian's /usr/bin/python3 when another python3 (pyenv's)
// comes first on PATH. The README's commands say python3, and run with it.
func pythonWithGRPC(t *testing.T) string {
	t.Helper()
	for _, cand := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(cand)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import grpc, grpc_tools.protoc").Run() == nil {
			dir := t.TempDir()
			if err := os.Symlink(p, filepath.Join(dir, "python3")); err != nil {
				t.Fatal(err)
			}
			return dir
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI has no python3 that imports grpc and grpc_tools: .ci/run must install python3-grpcio python3-grpc-tools")
	}
	t.Skip("skipped: no python3 imports grpc and grpc_tools (Debian: python3-grpcio python3-grpc-tools)")
	return ""
}

// readmeCommands are the lines of the README's sh block under heading.
func readmeCommands(t *testing.T, dir, heading string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## "+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q section:\n%s", heading, b)
	}
	_, block, ok := strings.Cut(rest, "```sh\n")
	if !ok {
		t.Fatalf("README's %s section has no commands", heading)
	}
	block, _, _ = strings.Cut(block, "```")
	return strings.Split(strings.TrimSpace(block), "\n")
}

// run runs a README command in dir with sh, as a person would paste it.
func runIn(t *testing.T, dir, pathPrefix, line string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+pathPrefix+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("in %s: %s: %v\n%s", dir, line, err, out)
	}
	return string(out)
}

// The written projects, run with the real tools: for the seed's two
// methods and a server stream, the Python client and the C++ client built
// by the README's commands call the demo server and print the response;
// for a client and a bidi stream the Python client does, and the C++
// client compiles. Every Python server skeleton compiles.
func TestWrittenProjectsCallTheServer(t *testing.T) {
	needTools(t, "protoc", "grpc_cpp_plugin", "grpc_python_plugin", "g++", "pkg-config")
	py := pythonWithGRPC(t)
	if exec.Command("pkg-config", "--exists", "grpc++", "protobuf").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pkg-config does not know grpc++: .ci/run must install libgrpc++-dev")
		}
		t.Skip("skipped: pkg-config does not know grpc++ (Debian: libgrpc++-dev)")
	}
	target := startTestDemo(t, demo.Options{})
	cases := []struct {
		name, method, data string
		want               *regexp.Regexp
		// link: build and run the C++ client; otherwise it is only
		// compiled (-fsyntax-only), which is cheap: a showcase build
		// takes a core for half a minute.
		link bool
	}{
		{"GetRandom", "TestServer/GetRandom", `{"id":"123"}`, regexp.MustCompile(`random: (1\d|20)\b`), true},
		{"SayHello", "helloworld.Greeter/SayHello", `{"name":"learner"}`, regexp.MustCompile(`message: "Hello learner"`), true},
		{"Count", "showcase.Showcase/Count", `{"count":3}`, regexp.MustCompile(`(?s)index: 1\b.*index: 2\b.*index: 3\b`), true},
		{"Sum", "showcase.Showcase/Sum", `{"value":"7"}`, regexp.MustCompile(`sum: 7\b`), false},
		{"Chat", "showcase.Showcase/Chat", `{"text":"hi"}`, regexp.MustCompile(`text: "you said: hi"`), false},
	}
	root := t.TempDir()
	for _, c := range cases {
		dir := filepath.Join(root, c.name)
		grpcsh(t, "", target, "explain", c.method, "-d", c.data, "-write", dir).check(t, 0, "*", "wrote")
	}
	// The C++ builds are the slow part: each project's is done once, two
	// at a time (the machines have two cores), before the subtests.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	buildErr := make([]string, len(cases))
	for i, c := range cases {
		dir := filepath.Join(root, c.name)
		lines := readmeCommands(t, dir, "C++")
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, line := range lines {
				if strings.HasPrefix(line, "./client") {
					continue
				}
				if strings.HasPrefix(line, "g++") && !c.link {
					line = "g++ -std=c++17 -I . -fsyntax-only client.cc $(pkg-config --cflags grpc++ protobuf)"
				}
				cmd := exec.Command("sh", "-c", line)
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					buildErr[i] = line + ": " + err.Error() + "\n" + string(out)
					return
				}
			}
		}()
	}
	wg.Wait()
	for i, c := range cases {
		dir := filepath.Join(root, c.name)
		t.Run(c.name+"/python", func(t *testing.T) {
			var out string
			for _, line := range readmeCommands(t, dir, "Python") {
				out = runIn(t, dir, py, line)
			}
			if !c.want.MatchString(out) {
				t.Errorf("python3 client.py printed:\n%s\nwant it to match %s", out, c.want)
			}
			runIn(t, dir, py, "python3 -m py_compile server.py")
		})
		t.Run(c.name+"/c++", func(t *testing.T) {
			if buildErr[i] != "" {
				t.Fatalf("building the C++ client: %s", buildErr[i])
			}
			if !c.link {
				return // compiled, not linked
			}
			out := runIn(t, dir, py, "./client")
			if !c.want.MatchString(out) {
				t.Errorf("./client printed:\n%s\nwant it to match %s", out, c.want)
			}
		})
	}
}

// The Python server skeleton, its one line of answer filled in, serves a
// call from grpcsh.
func TestWrittenPythonServerServesGrpcsh(t *testing.T) {
	py := pythonWithGRPC(t)
	target := startTestDemo(t, demo.Options{})
	dir := t.TempDir()
	grpcsh(t, "", target, "explain", "helloworld.Greeter/SayHello", "-d", `{"name":"x"}`, "-write", dir).check(t, 0, "*", "wrote")
	for _, line := range readmeCommands(t, dir, "Python") {
		if strings.HasPrefix(line, "python3 -m grpc_tools.protoc") {
			runIn(t, dir, py, line)
		}
	}
	src, err := os.ReadFile(filepath.Join(dir, "server.py"))
	if err != nil {
		t.Fatal(err)
	}
	skeleton := "return hello_pb2.HelloReply()  # your answer"
	if !strings.Contains(string(src), skeleton) {
		t.Fatalf("server.py lacks %q:\n%s", skeleton, src)
	}
	filled := strings.Replace(string(src), skeleton, `return hello_pb2.HelloReply(message="py says hi to " + request.name)`, 1)
	if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(py, "python3"), "server.py", "127.0.0.1:0")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// The skeleton says where it listens once it does.
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("server.py said nothing: %v\n%s", err, stderr.String())
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("server.py printed %q", line)
	}
	grpcsh(t, "", "-plaintext", "-proto", "../../protos/hello.proto", addr, "call", "helloworld.Greeter/SayHello", "-d", `{"name":"grpcsh"}`).
		check(t, 0, `{"message":"py says hi to grpcsh"}`+"\n")
}

// The Go client and server of each RPC kind compile against the demo's
// generated packages (their go_package is this module's protos/...pb), in
// a module of their own that uses this one; go vet checks them too. The
// client of a unary call also runs against the demo server.
func TestWrittenGoProjectsBuild(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	target := startTestDemo(t, demo.Options{})
	mod := t.TempDir()
	goMod := "module learntest\n\ngo 1.26\n\nrequire github.com/grpcsh/grpcsh v0.0.0\n\nreplace github.com/grpcsh/grpcsh => " + root + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644)
	for name, c := range map[string][2]string{
		"unary":  {"helloworld.Greeter/SayHello", `{"name":"go"}`},
		"server": {"showcase.Showcase/Count", `{"count":2}`},
		"client": {"showcase.Showcase/Sum", `{"value":"4"}`},
		"bidi":   {"showcase.Showcase/Chat", `{"text":"hi"}`},
		"empty":  {"showcase.Showcase/Fail", `{"code":0}`},
	} {
		grpcsh(t, "", target, "explain", c[0], "-d", c[1], "-write", filepath.Join(mod, name)).check(t, 0, "*", "wrote")
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		// Offline: everything comes from the module cache this module's
		// own build filled.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("vet", "./...")
	if out := run("run", "./unary/go/client"); !strings.Contains(out, `message:"Hello go"`) {
		t.Errorf("the Go client printed %q", out)
	}
}

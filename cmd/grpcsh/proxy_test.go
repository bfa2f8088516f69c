package main

import (
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/testproxy"
)

// TestProxyOneShotAndScript: -proxy on the command line and on the script's
// connect both go through the proxy, and the password is never printed.
func TestProxyOneShotAndScript(t *testing.T) {
	testproxy.ClearEnv(t)
	target := startTestDemo(t, demo.Options{})
	p := testproxy.Start(t, &testproxy.Proxy{User: "ann", Pass: "pr0xy-pw"})
	url := p.URL("ann", "pr0xy-pw")

	r := grpcsh(t, "", "-v", "-proxy", url, "-d", `{"name":"via"}`, target, "call", "helloworld.Greeter/SayHello")
	r.check(t, 0, "{\"message\":\"Hello via\"}\n")
	outs := []string{r.stdout, r.stderr}
	if p.Tunnels() != 1 {
		t.Errorf("the call made %d tunnels, want 1", p.Tunnels())
	}

	script := "connect " + target + " -proxy " + url + "\nstatus\ncall helloworld.Greeter/SayHello {\"name\": \"script\"}\n"
	r = grpcsh(t, script, target)
	r.check(t, 0, "*")
	outs = append(outs, r.stdout, r.stderr)
	if !strings.Contains(r.stdout, "via proxy http://ann:xxxxx@"+p.Addr) || !strings.Contains(r.stdout, "Hello script") {
		t.Errorf("status does not name the proxy, or the call failed:\n%s", r.stdout)
	}
	if p.Tunnels() != 2 {
		t.Errorf("tunnels = %d after the script, want 2", p.Tunnels())
	}

	// Wrong password: exit 1, the proxy named, the password not.
	r = grpcsh(t, "", "-proxy", p.URL("ann", "wr0ng-pw"), target, "list")
	r.check(t, 1, "", "proxy http://ann:xxxxx@"+p.Addr, "rejected the credentials")
	outs = append(outs, r.stdout, r.stderr)
	r = grpcsh(t, "connect "+target+" -proxy "+p.URL("ann", "wr0ng-pw")+"\n", target)
	r.check(t, 1, "*", "rejected the credentials")
	outs = append(outs, r.stdout, r.stderr)
	r = grpcsh(t, "", "-proxy", "ftp://ann:wr0ng-pw@h:1", target, "list")
	r.check(t, 2, "", "only http:// proxies")
	for _, out := range append(outs, r.stdout, r.stderr) {
		if strings.Contains(out, "pr0xy-pw") || strings.Contains(out, "wr0ng-pw") {
			t.Errorf("a password is printed:\n%s", out)
		}
	}
}

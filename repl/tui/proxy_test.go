package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/internal/testproxy"
)

// TestCmdBarConnectProxy: the : bar's connect takes -proxy like the command
// line, the calls after it go through the proxy, and the screen never
// shows the password.
func TestCmdBarConnectProxy(t *testing.T) {
	testproxy.ClearEnv(t)
	p := testproxy.Start(t, &testproxy.Proxy{User: "ann", Pass: "tu1-secret"})
	h := newHarness(t, 140, 40)
	h.waitServices()
	h.press(":")
	h.typeText("connect " + startDemo(t).Target() + " -proxy " + p.URL("ann", "tu1-secret"))
	h.press("enter")
	h.waitFor("connect", func() bool { return h.m.cmd.running == nil && p.Tunnels() == 1 }, 10*time.Second)
	h.typeText(`call helloworld.Greeter/SayHello {"name":"Proxied"}`)
	h.press("enter")
	h.waitFor("the call", func() bool { return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "Hello Proxied") }, 10*time.Second)
	h.typeText("status")
	h.press("enter")
	h.waitFor("status", func() bool {
		return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "via proxy http://ann:xxxxx@"+p.Addr)
	}, 10*time.Second)
	if p.Tunnels() != 1 {
		t.Errorf("tunnels = %d, want 1 (one connection, through the proxy)", p.Tunnels())
	}
	if strings.Contains(h.screen(), "tu1-secret") || strings.Contains(h.m.cmd.out.String(), "tu1-secret") {
		t.Errorf("the password is shown:\n%s", h.screen())
	}
}

package dynamic

import (
	"slices"
	"testing"
)

func TestTargetParse(t *testing.T) {
	for _, tc := range []struct {
		target        string
		unix          bool
		dial, display string
		addrs         []string
		loopback      bool
	}{
		{"127.0.0.1:8888", false, "dns:///127.0.0.1:8888", "127.0.0.1:8888", []string{"127.0.0.1:8888"}, true},
		{"localhost:8888", false, "dns:///localhost:8888", "localhost:8888", []string{"localhost:8888"}, true},
		{"api.example.com", false, "dns:///api.example.com:443", "api.example.com:443", []string{"api.example.com:443"}, false},
		{"api.example.com:8443", false, "dns:///api.example.com:8443", "api.example.com:8443", []string{"api.example.com:8443"}, false},
		{"[::1]:8888", false, "dns:///[::1]:8888", "[::1]:8888", []string{"[::1]:8888"}, true},
		{"::1", false, "dns:///[::1]:443", "[::1]:443", []string{"[::1]:443"}, true},
		{"10.0.0.1:50051", false, "dns:///10.0.0.1:50051", "10.0.0.1:50051", []string{"10.0.0.1:50051"}, false},
		{"dns:///localhost:8888", false, "dns:///localhost:8888", "localhost:8888", []string{"localhost:8888"}, true},
		{"dns://8.8.8.8/api.example.com:443", false, "dns://8.8.8.8/api.example.com:443", "api.example.com:443", []string{"api.example.com:443"}, false},
		{"passthrough:///127.0.0.1:1", false, "passthrough:///127.0.0.1:1", "127.0.0.1:1", []string{"127.0.0.1:1"}, true},
		{"unix:///tmp/g.sock", false, "unix:///tmp/g.sock", "unix:/tmp/g.sock", []string{"/tmp/g.sock"}, true},
		{"unix:g.sock", false, "unix:g.sock", "unix:g.sock", []string{"g.sock"}, true},
		{"/tmp/g.sock", true, "unix:///tmp/g.sock", "unix:/tmp/g.sock", []string{"/tmp/g.sock"}, true},
		{"g.sock", true, "unix:g.sock", "unix:g.sock", []string{"g.sock"}, true},
		{"unix-abstract:grpcsh", false, "unix-abstract:grpcsh", "unix-abstract:grpcsh", []string{"@grpcsh"}, true},
		{"ipv4:127.0.0.1:8888,127.0.0.1:9999", false, "ipv4:127.0.0.1:8888,127.0.0.1:9999", "ipv4:127.0.0.1:8888,127.0.0.1:9999", []string{"127.0.0.1:8888", "127.0.0.1:9999"}, true},
		{"ipv4:127.0.0.1:8888,10.0.0.1:9999", false, "ipv4:127.0.0.1:8888,10.0.0.1:9999", "ipv4:127.0.0.1:8888,10.0.0.1:9999", []string{"127.0.0.1:8888", "10.0.0.1:9999"}, false},
		{"ipv4:10.0.0.1", false, "ipv4:10.0.0.1", "10.0.0.1:443", []string{"10.0.0.1:443"}, false},
		{"ipv6:[::1]:1,[::1]:2", false, "ipv6:[::1]:1,[::1]:2", "ipv6:[::1]:1,[::1]:2", []string{"[::1]:1", "[::1]:2"}, true},
		{"ipv6:::1", false, "ipv6:::1", "[::1]:443", []string{"[::1]:443"}, true},
	} {
		got, err := connParseTarget(tc.target, tc.unix)
		if err != nil {
			t.Errorf("connParseTarget(%q, %v): %v", tc.target, tc.unix, err)
			continue
		}
		if got.dial != tc.dial || got.display != tc.display || !slices.Equal(got.addrs, tc.addrs) || got.loopback != tc.loopback {
			t.Errorf("connParseTarget(%q, %v) = dial %q display %q addrs %q loopback %v\n  want dial %q display %q addrs %q loopback %v",
				tc.target, tc.unix, got.dial, got.display, got.addrs, got.loopback, tc.dial, tc.display, tc.addrs, tc.loopback)
		}
	}
}

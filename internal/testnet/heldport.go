//go:build unix

// Package testnet gives tests TCP addresses that stay theirs: a server can
// stop and come back on the same address, and an address can refuse
// connections, without releasing the port and hoping nobody else takes it
// in between.
package testnet

import (
	"context"
	"net"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// Port is a TCP port on 127.0.0.1 held by a socket that is bound but never
// listens. While no listener of Listen is open, connections to it are
// refused (the kernel answers a SYN to a port without a listener with a
// reset), and no other socket can bind it: the holder has SO_REUSEPORT, and
// only sockets that set it too, of the same user, may share the port. The
// kernel's choice of source ports for outgoing connections skips it too.
type Port struct {
	// Addr is "127.0.0.1:PORT".
	Addr string
	fd   int
}

// HoldPort reserves a port until the test ends.
func HoldPort(t testing.TB) *Port {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
		t.Fatalf("SO_REUSEPORT: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind 127.0.0.1:0: %v", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	port := sa.(*unix.SockaddrInet4).Port
	return &Port{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), fd: fd}
}

// Listen opens a listener on the port. Closing it (a server's Stop does)
// leaves the port held, refusing connections, until the next Listen.
func (p *Port) Listen(t testing.TB) net.Listener {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	lis, err := lc.Listen(context.Background(), "tcp", p.Addr)
	if err != nil {
		t.Fatalf("listen on the held port %s: %v", p.Addr, err)
	}
	return lis
}

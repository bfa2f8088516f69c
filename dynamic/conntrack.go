package dynamic

// The connection tracker: every dial and handshake attempt grpc makes, so
// that a failure is explained with what really happened (which address,
// how far it got), and the transport wrapper that reports a broken
// connection. Kept apart from conn.go, which configures and dials.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc/credentials"
)

// connStage is how far a connection attempt got.
type connStage int

const (
	connDialing        connStage = iota // TCP (or unix) connect in progress
	connHandshaking                     // connected; TLS handshake (or none) in progress
	connAwaitingServer                  // waiting for the server's first HTTP/2 bytes
	connUp                              // the server answered
	connFailedDialing                   // failures, by stage
	connFailedHandshake
	connFailedAwaitingServer
)

// connAttempt is one attempt to connect to one address.
type connAttempt struct {
	network, addr string // addr is host:port, or the path of a unix socket
	seq           uint64 // attempts are numbered in the order they start
	stage         connStage
	err           error
}

func (a *connAttempt) failed() bool { return a.stage >= connFailedDialing }

// display names the address in messages, as targets spell it.
func (a *connAttempt) display() string {
	if a.network == "unix" {
		return "unix:" + a.addr
	}
	return a.addr
}

// connTracker follows connection attempts: grpc's dialer and credentials
// hooks report to it, and Ready reads it to know when every address has
// failed and why. grpc itself exposes the last error only through a failed
// call.
type connTracker struct {
	dialer  net.Dialer
	mu      sync.Mutex
	seq     uint64
	latest  map[string]*connAttempt   // the newest attempt per address
	byConn  map[net.Conn]*connAttempt // dialled, handshake not started yet
	changes chan struct{}             // closed, and replaced, on every change
}

func newConnTracker() *connTracker {
	return &connTracker{
		latest:  make(map[string]*connAttempt),
		byConn:  make(map[net.Conn]*connAttempt),
		changes: make(chan struct{}),
	}
}

// dial is the grpc.WithContextDialer dialer: grpc passes unix targets as
// "unix:///abs", "unix:rel", or "\x00name" for abstract sockets.
func (t *connTracker) dial(ctx context.Context, addr string) (net.Conn, error) {
	network, address := "tcp", addr
	if p, ok := strings.CutPrefix(addr, "unix://"); ok {
		network, address = "unix", p
	} else if p, ok := strings.CutPrefix(addr, "unix:"); ok {
		network, address = "unix", p
	} else if strings.HasPrefix(addr, "\x00") {
		network = "unix"
	}
	a := t.begin(network, address)
	conn, err := t.dialer.DialContext(ctx, network, address)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		a.stage, a.err = connFailedDialing, err
	} else {
		a.stage = connHandshaking
		t.byConn[conn] = a
	}
	t.notifyLocked()
	return conn, err
}

func (t *connTracker) begin(network, addr string) *connAttempt {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	a := &connAttempt{network: network, addr: addr, seq: t.seq}
	for conn, old := range t.byConn { // a conn grpc dropped before its handshake
		if old.addr == addr {
			delete(t.byConn, conn)
		}
	}
	t.latest[addr] = a
	t.notifyLocked()
	return a
}

// handshaking finds the attempt that dialled raw.
func (t *connTracker) handshaking(raw net.Conn) *connAttempt {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.byConn[raw]
	if !ok { // not from our dialer (cannot happen, but do not crash)
		t.seq++
		a = &connAttempt{network: raw.RemoteAddr().Network(), addr: raw.RemoteAddr().String(), seq: t.seq, stage: connHandshaking}
	}
	delete(t.byConn, raw)
	return a
}

func (t *connTracker) set(a *connAttempt, stage connStage, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a.stage, a.err = stage, err
	t.notifyLocked()
}

func (t *connTracker) notifyLocked() {
	close(t.changes)
	t.changes = make(chan struct{})
}

// changed is closed at the next change.
func (t *connTracker) changed() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changes
}

// mark is a point in the sequence of attempts: later ones are "since" it.
func (t *connTracker) mark() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seq
}

func (t *connTracker) anyAttempt() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.latest) > 0
}

// allFailedSince says every address tried so far has been tried again
// since mark, and failed. (An address a DNS change dropped still counts, so
// then Ready waits for its timeout instead of returning early.)
func (t *connTracker) allFailedSince(mark uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, a := range t.latest {
		if a.seq <= mark || !a.failed() {
			return false
		}
	}
	return len(t.latest) > 0
}

// failedSince lists the newest failed attempt per address since mark, in
// the order they started.
func (t *connTracker) failedSince(mark uint64) []connAttempt {
	return t.since(mark, true)
}

// pendingSince lists the attempts since mark still in progress.
func (t *connTracker) pendingSince(mark uint64) []connAttempt {
	return t.since(mark, false)
}

func (t *connTracker) since(mark uint64, failed bool) []connAttempt {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []connAttempt
	for _, a := range t.latest {
		if a.seq > mark && a.failed() == failed && a.stage != connUp {
			out = append(out, *a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// connCreds wraps the transport credentials (TLS or insecure) to record
// handshake failures, and wraps the connection to record how the server
// first answers.
type connCreds struct {
	credentials.TransportCredentials
	track     *connTracker
	plaintext bool
	calls     *CallCapture // nil: calls not captured
}

func (c *connCreds) ClientHandshake(ctx context.Context, authority string, raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	a := c.track.handshaking(raw)
	conn, info, err := c.TransportCredentials.ClientHandshake(ctx, authority, raw)
	if err != nil {
		c.track.set(a, connFailedHandshake, err)
		return nil, nil, err
	}
	c.track.set(a, connAwaitingServer, nil)
	if c.calls != nil {
		conn = c.calls.wrap(conn)
	}
	return &connWatch{Conn: conn, track: c.track, attempt: a, plaintext: c.plaintext}, info, nil
}

func (c *connCreds) Clone() credentials.TransportCredentials {
	return &connCreds{TransportCredentials: c.TransportCredentials.Clone(), track: c.track, plaintext: c.plaintext, calls: c.calls}
}

// connWatch records how the server first answers on a connection: the
// first read brings its HTTP/2 SETTINGS, or the error that replaced them (in
// TLS 1.3 a client-certificate alert such as "certificate required" arrives
// here, after the handshake). A write that fails before that is recorded
// too: the server may have hung up before the client preface was sent.
type connWatch struct {
	net.Conn
	track     *connTracker
	attempt   *connAttempt
	plaintext bool
	settled   atomic.Bool
}

// connErrGaveUp is recorded when grpc closed a connection that had not heard
// from the server: its connect deadline passed, or the channel shut down.
var connErrGaveUp = errors.New("no answer before the connection attempt was abandoned")

func (w *connWatch) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if (n > 0 || err != nil) && !w.settled.Swap(true) {
		switch {
		case n >= 2 && w.plaintext && (p[0] == 0x15 || p[0] == 0x16) && p[1] == 0x03:
			// A TLS alert or handshake record where HTTP/2 SETTINGS
			// should be: the server speaks TLS.
			w.track.set(w.attempt, connFailedAwaitingServer, &connSpeaksTLSError{fmt.Errorf("the server answered with a TLS record")})
		case n > 0:
			w.track.set(w.attempt, connUp, nil)
		case errors.Is(err, net.ErrClosed):
			w.track.set(w.attempt, connFailedAwaitingServer, connErrGaveUp)
		default:
			// Worded as grpc words it, so messages match what calls see.
			w.track.set(w.attempt, connFailedAwaitingServer, fmt.Errorf("error reading server preface: %w", connOpCause(err, "read")))
		}
	}
	return n, err
}

func (w *connWatch) Write(p []byte) (int, error) {
	n, err := w.Conn.Write(p)
	if err != nil && !errors.Is(err, net.ErrClosed) && !w.settled.Swap(true) {
		w.track.set(w.attempt, connFailedAwaitingServer, fmt.Errorf("error writing client preface: %w", connOpCause(err, "write")))
	}
	return n, err
}

// connOpCause drops the socket addresses a *net.OpError of op adds; the
// message names the address already.
func connOpCause(err error, op string) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == op {
		return oe.Err
	}
	return err
}

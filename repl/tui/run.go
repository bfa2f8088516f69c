// Package tui is grpcsh's terminal UI: a services → methods tree, a request
// form, a response viewer with headers, trailers, status details and
// timing, live streams, history, a metadata editor and a command bar, all
// over one repl.Session.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"google.golang.org/grpc/codes"

	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/msgstore"
)

// Options configure the TUI.
type Options struct {
	// Demo says the session is connected to the embedded demo server: the
	// status bar says so and the empty request pane suggests a first call.
	Demo bool
	// NoColor renders without colors (as NO_COLOR does), keeping bold and
	// reverse so that focus and selection still show.
	NoColor bool
	// HistoryPath is the history file; "" means
	// $XDG_STATE_HOME/grpcsh/history.jsonl, else
	// ~/.local/state/grpcsh/history.jsonl.
	HistoryPath string
	// Version is shown in the help screen and crash reports.
	Version string
}

// CrashError is a panic Run recovered from; Run has already told the
// user on stderr, with the crash report's path.
type CrashError struct {
	Msg    string
	Report string // "" when the report could not be written
}

func (e *CrashError) Error() string {
	if e.Report == "" {
		return "the TUI crashed: " + e.Msg
	}
	return fmt.Sprintf("the TUI crashed: %s (report: %s)", e.Msg, e.Report)
}

// SignalError is Run's error when SIGINT, SIGTERM or SIGHUP ended the TUI
// (the terminal is restored first). Its exit code is the CLI's: SIGINT
// cancels a running call or command, which exits 64 + CANCELLED = 65 as an
// interrupted CLI call does; otherwise a signal exits 128 + its number (130
// SIGINT, 143 SIGTERM, 129 SIGHUP), what a shell reports for a process the
// signal killed.
type SignalError struct {
	Signal syscall.Signal
	// Cancelled says a call or command was running: the signal cancelled it.
	Cancelled bool
}

func (e *SignalError) Error() string {
	if e.Cancelled {
		return fmt.Sprintf("%s: the running call was cancelled", signalName(e.Signal))
	}
	return signalName(e.Signal)
}

// ExitCode is grpcsh's exit code for the signal (repl.ExitCode uses it).
func (e *SignalError) ExitCode() int {
	if e.Signal == syscall.SIGINT && e.Cancelled {
		return repl.ExitRPCBase + int(codes.Canceled)
	}
	return 128 + int(e.Signal)
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "interrupted (SIGINT)"
	case syscall.SIGTERM:
		return "terminated (SIGTERM)"
	case syscall.SIGHUP:
		return "hung up (SIGHUP)"
	}
	return s.String()
}

// signalMsg tells the app a signal arrived: it cancels what runs and quits
// through Bubble Tea, which restores the terminal.
type signalMsg struct{ sig syscall.Signal }

// Run runs the TUI on the terminal until the user quits. The terminal is
// restored on every exit path, signals included (SIGINT, SIGTERM, SIGHUP
// end it with a *SignalError); a panic is recovered, written to a crash
// report (its path printed to stderr, secrets redacted) and returned as an
// error.
func Run(ctx context.Context, s *repl.Session, opts Options) error {
	return run(ctx, s, opts, os.Stderr)
}

// run is Run with the program options tests need (input, output, size).
func run(ctx context.Context, s *repl.Session, opts Options, stderr io.Writer, progOpts ...tea.ProgramOption) (err error) {
	crash := &crashState{}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var app *appModel
	defer func() {
		if r := recover(); r != nil {
			crash.set(r, debug.Stack(), "run")
		}
		if app != nil {
			app.shutdown()
		}
		msgstore.CloseAll() // any stream's temporary file, whatever the exit path
		if v, stack, where, ok := crash.get(); ok {
			path, werr := writeCrashReport(s, opts, v, stack, where)
			msg := redactText(fmt.Sprint(v), s.Header())
			if werr != nil {
				fmt.Fprintf(stderr, "grpcsh: the TUI crashed (%s); the crash report could not be written: %v\n", msg, werr)
				err = &CrashError{Msg: msg}
				return
			}
			fmt.Fprintf(stderr, "grpcsh: the TUI crashed (%s); crash report: %s\n", msg, path)
			err = &CrashError{Msg: msg, Report: path}
		}
	}()

	app = newApp(ctx, s, opts)
	// The signals are the app's, not Bubble Tea's: Bubble Tea turns SIGTERM
	// into a plain quit (exit 0) and does not catch SIGHUP, whose default
	// action would leave the alternate screen on and the cursor hidden.
	all := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignals()}
	if opts.NoColor {
		all = append(all, tea.WithColorProfile(colorprofile.ASCII))
	}
	all = append(all, progOpts...)
	p := tea.NewProgram(&rootModel{app: app, crash: crash}, all...)
	crash.quit = func() { go p.Quit() }
	stopSignals := relaySignals(p)
	_, err = p.Run()
	stopSignals()
	if app.signal != nil {
		return app.signal
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		// A panic Bubble Tea caught itself (a command of a component
		// this package does not wrap); it printed the stack already.
		if _, _, _, ok := crash.get(); !ok {
			crash.set("panic in a background command (stack printed above)", nil, "command")
		}
		return nil // the deferred report sets err
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // the caller's context ended: a normal exit
	}
	return err
}

// relaySignals sends SIGINT, SIGTERM and SIGHUP to the program as a
// signalMsg; a second one, should the first not end it, kills the program
// (Kill restores the terminal too). The returned func stops the relay.
func relaySignals(p *tea.Program) func() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case sig := <-sigs:
				n++
				if n > 1 {
					p.Kill()
					continue
				}
				s, _ := sig.(syscall.Signal)
				go p.Send(signalMsg{sig: s})
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// rootModel wraps the app so that a panic in Update or View is recovered:
// the program then quits normally, restoring the terminal, and Run writes
// the crash report.
type rootModel struct {
	app   *appModel
	crash *crashState
}

func (r *rootModel) Init() tea.Cmd { return r.app.Init() }

func (r *rootModel) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	if _, _, _, crashed := r.crash.get(); crashed {
		return r, tea.Quit
	}
	if c, ok := msg.(crashMsg); ok {
		r.crash.set(c.value, c.stack, "command")
		return r, tea.Quit
	}
	defer func() {
		if v := recover(); v != nil {
			r.crash.set(v, debug.Stack(), "update")
			model, cmd = r, tea.Quit
		}
	}()
	_, cmd = r.app.Update(msg)
	return r, cmd
}

func (r *rootModel) View() (v tea.View) {
	if _, _, _, crashed := r.crash.get(); crashed {
		return tea.NewView("")
	}
	defer func() {
		if rec := recover(); rec != nil {
			r.crash.set(rec, debug.Stack(), "view")
			v = tea.NewView("")
			r.crash.requestQuit()
		}
	}()
	return r.app.View()
}

// crashMsg is a panic recovered in a command.
type crashMsg struct {
	value any
	stack []byte
}

// guard runs a command, turning a panic into a crashMsg so that the
// program can quit cleanly.
func guard(fn func() tea.Msg) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if v := recover(); v != nil {
				msg = crashMsg{value: v, stack: debug.Stack()}
			}
		}()
		return fn()
	}
}

// crashState holds the first panic.
type crashState struct {
	mu    sync.Mutex
	value any
	stack []byte
	where string
	set_  bool
	quit  func()
}

func (c *crashState) set(v any, stack []byte, where string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set_ {
		return
	}
	c.value, c.stack, c.where, c.set_ = v, stack, where, true
}

func (c *crashState) get() (any, []byte, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.value, c.stack, c.where, c.set_
}

func (c *crashState) requestQuit() {
	c.mu.Lock()
	q := c.quit
	c.mu.Unlock()
	if q != nil {
		q()
	}
}

// crashDir is where crash reports go: next to the history, else the
// temporary directory.
func crashDir(opts Options) string {
	p := opts.HistoryPath
	if p == "" {
		p = defaultHistoryPath()
	}
	if p != "" {
		return filepath.Dir(p)
	}
	return os.TempDir()
}

// writeCrashReport writes what is known about a panic, with the values of
// secret-looking headers redacted, to a new 0600 file.
func writeCrashReport(s *repl.Session, opts Options, v any, stack []byte, where string) (string, error) {
	md := s.Header()
	var b strings.Builder
	fmt.Fprintf(&b, "grpcsh crash report\n\n")
	fmt.Fprintf(&b, "time:    %s\n", time.Now().Format(time.RFC3339))
	fmt.Fprintf(&b, "version: %s\n", opts.Version)
	fmt.Fprintf(&b, "go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "where:   %s\n", where)
	fmt.Fprintf(&b, "target:  %s\n", s.Target())
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintf(&b, "request header keys: %s\n", strings.Join(keys, ", "))
	fmt.Fprintf(&b, "\npanic: %v\n\n%s\n", v, stack)
	text := redactText(b.String(), md)

	dir := crashDir(opts)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "crash-"+time.Now().Format("20060102-150405")+"-*.txt")
	if err != nil {
		return "", err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return "", err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return "", err
	}
	return f.Name(), f.Close()
}

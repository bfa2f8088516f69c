package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// A collection is a folder of .grpcsh files: scripts, read with the
// command language's own parser (repl.Parse). A "call" of a file is a
// `call` command with the headers and deadline that the `header`, `set
// deadline` and `unset deadline` lines before it leave in effect — what
// the call sends when the file runs — and its name is the comment just
// above it (or above the header/set lines that lead up to it). Saving
// appends the same lines a person would write, so a saved file runs with
// `grpcsh TARGET test FILE`.

// collEnv is what reading a file needs from the session: ${VAR} lookup
// (the env file, then the process environment) and the headers a session
// starts with (-H), which a file's header lines change.
type collEnv struct {
	lookup func(string) (string, bool)
	base   metadata.MD
}

func collEnvOf(s *repl.Session) collEnv {
	return collEnv{lookup: s.Env().Lookup, base: s.InitialHeader()}
}

// collFile is one .grpcsh file of the collection.
type collFile struct {
	path  string // as found under the collection folder
	rel   string // relative to the folder, for display
	calls []collCall
	err   error // the file could not be read or parsed
	// unset names the variables not known now (let binds them when the
	// file runs), left as ${NAME} in what the calls show and load.
	unset []string
	end   callState // what the whole file leaves in effect
}

// callState is the session state a file's lines set up for its calls.
type callState struct {
	header   metadata.MD
	deadline time.Duration
}

// collCall is one saved call.
type collCall struct {
	name     string // the comment above it; "" when none
	line     int
	method   string   // as written
	requests [][]byte // JSON, variables expanded where known
	state    callState
}

// title is the call's name, or its method and line when it has none.
func (c collCall) title() string {
	if c.name != "" {
		return c.name
	}
	return fmt.Sprintf("%s (line %d)", c.method, c.line)
}

// scanCollection lists the collection's .grpcsh files (sorted, recursively)
// and parses each. A folder that does not exist is an empty collection.
func scanCollection(dir string, ce collEnv) ([]collFile, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".grpcsh") {
			paths = append(paths, path)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	files := make([]collFile, 0, len(paths))
	for _, p := range paths {
		files = append(files, readCollFile(dir, p, ce))
	}
	return files, nil
}

// readCollFile parses one file. Variables the lookup knows are expanded;
// the others (let bindings, mostly) stay ${NAME} in strings. When that
// leaves a request that is not JSON (${n} as a number), the file is read
// again with every unknown variable as 0, as `grpcsh test` checks files.
func readCollFile(dir, path string, ce collEnv) collFile {
	lookup := ce.lookup
	f := collFile{path: path, rel: path}
	if rel, err := filepath.Rel(dir, path); err == nil {
		f.rel = rel
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.err = err
		return f
	}
	var unset []string
	keep := func(name string) (string, bool) {
		if v, ok := lookup(name); ok {
			return v, true
		}
		if !slices.Contains(unset, name) {
			unset = append(unset, name)
		}
		return "${" + name + "}", true
	}
	cmds, err := repl.Parse(string(data), keep)
	if err != nil && len(unset) > 0 {
		cmds, err = repl.Parse(string(data), func(name string) (string, bool) {
			if v, ok := lookup(name); ok {
				return v, true
			}
			return "0", true
		})
	}
	if err != nil {
		f.err = err
		return f
	}
	f.unset = unset
	f.calls, f.end = fileCalls(cmds, strings.Split(string(data), "\n"), ce.base)
	return f
}

// fileCalls goes through the commands as a script would, keeping the
// header and deadline state at each call.
func fileCalls(cmds []*repl.Command, lines []string, base metadata.MD) ([]collCall, callState) {
	st := callState{header: base.Copy()}
	if st.header == nil {
		st.header = metadata.MD{}
	}
	var calls []collCall
	for _, c := range cmds {
		switch c.Name {
		case "header":
			applyHeader(st.header, c)
		case "set":
			if len(c.Args) == 2 && c.Arg(0) == "deadline" {
				if d, err := repl.ParseDeadline(c.Arg(1)); err == nil {
					st.deadline = d
				}
			}
		case "unset":
			if len(c.Args) == 0 || c.Arg(0) == "deadline" {
				st.deadline = 0
			}
		case "call":
			cc := collCall{name: callName(lines, c.Pos.Line), line: c.Pos.Line, method: c.Arg(0)}
			cc.state = callState{header: st.header.Copy(), deadline: st.deadline}
			if c.Body != nil {
				for {
					r, err := c.Body.Next()
					if err != nil {
						break // io.EOF: Parse read the body whole and checked it
					}
					cc.requests = append(cc.requests, r.JSON)
				}
			}
			calls = append(calls, cc)
		}
	}
	return calls, st
}

// applyHeader does to md what `header` does to a session's headers.
func applyHeader(md metadata.MD, c *repl.Command) {
	flag := ""
	if len(c.Flags) > 0 {
		flag = c.Flags[0].Name
	}
	switch {
	case flag == "d":
		for _, k := range c.Args {
			delete(md, k.Text)
		}
	case len(c.Args) < 2:
	case flag == "a":
		md.Append(c.Arg(0), c.Arg(1))
	default:
		md.Set(c.Arg(0), c.Arg(1))
	}
}

// callName is the comment above the call on line n (1-based), skipping
// the header and set lines that lead up to it.
func callName(lines []string, n int) string {
	for i := n - 2; i >= 0 && i < len(lines); i-- {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, "#"):
			return dynamic.SafeLine(strings.TrimSpace(strings.TrimLeft(t, "#")))
		case strings.HasPrefix(t, "header ") || strings.HasPrefix(t, "set ") || strings.HasPrefix(t, "unset"):
			continue
		}
		return ""
	}
	return ""
}

// savedCall is a call to save: from the form or a history entry.
type savedCall struct {
	method   string   // pkg.Service/Method
	requests []string // JSON
	state    callState
	// redacted says the header values came from the history file, whose
	// secrets are already redacted.
	redacted bool
}

// collFileName checks a file name typed for saving and makes it a path in
// the collection folder: relative, inside the folder, ending in .grpcsh.
func collFileName(dir, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("give a file name (new or existing) in the collection")
	}
	if filepath.IsAbs(name) || !filepath.IsLocal(name) {
		return "", fmt.Errorf("%s is outside the collection %s: give a name inside it", dynamic.SafeLine(name), dynamic.SafeLine(dir))
	}
	if !strings.HasSuffix(name, ".grpcsh") {
		name += ".grpcsh"
	}
	return filepath.Join(dir, name), nil
}

// checkCallName refuses a name that is empty, has a newline (it is one
// comment line) or is taken in the file: nothing is overwritten.
func checkCallName(name string, f collFile) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("give the call a name")
	}
	if strings.ContainsAny(name, "\r\n") || dynamic.SafeLine(name) != name {
		return errors.New("a call's name is one line of plain text")
	}
	for _, c := range f.calls {
		if c.name == strings.TrimSpace(name) {
			return fmt.Errorf("%s already has a call named %q (line %d): choose another name; nothing was written", dynamic.SafeLine(f.rel), dynamic.SafeLine(c.name), c.line)
		}
	}
	return nil
}

// renderCall is the text that appends sc to a file that leaves end in
// effect: the name comment, the header and deadline lines that differ,
// and the call. Secret header values are never written: see secretRef.
// It returns the warnings to show (a secret saved as a variable).
func renderCall(name string, sc savedCall, end callState, vars map[string]string) (string, []string) {
	var b strings.Builder
	var warns []string
	fmt.Fprintf(&b, "# %s\n", strings.TrimSpace(name))
	var gone []string
	for k := range end.header {
		if _, ok := sc.state.header[k]; !ok {
			gone = append(gone, k)
		}
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		fmt.Fprintf(&b, "header -d %s\n", strings.Join(gone, " "))
	}
	keys := make([]string, 0, len(sc.state.header))
	for k := range sc.state.header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := sc.state.header[k]
		if slices.Equal(vs, end.header[k]) && !dynamic.IsSecretKey(k) {
			continue
		}
		for i, v := range vs {
			word := headerWord(v)
			if dynamic.IsSecretKey(k) {
				var warn string
				word, warn = secretRef(k, v, vars, sc.redacted)
				if warn != "" && !slices.Contains(warns, warn) {
					warns = append(warns, warn)
				}
			}
			flag := ""
			if i > 0 {
				flag = "-a "
			}
			fmt.Fprintf(&b, "header %s%s: %s\n", flag, k, word)
		}
	}
	if sc.state.deadline != end.deadline {
		if sc.state.deadline <= 0 {
			b.WriteString("unset deadline\n")
		} else {
			fmt.Fprintf(&b, "set deadline %s\n", sc.state.deadline)
		}
	}
	reqs := make([]string, len(sc.requests))
	for i, r := range sc.requests {
		reqs[i] = savedBody(r)
	}
	switch {
	case len(reqs) == 0:
		fmt.Fprintf(&b, "call %s\n", sc.method)
	case len(reqs) == 1:
		fmt.Fprintf(&b, "call %s %s\n", sc.method, reqs[0])
	default:
		fmt.Fprintf(&b, "call %s <<END\n%s\nEND\n", sc.method, strings.Join(reqs, "\n"))
	}
	return b.String(), warns
}

// savedBody is a request as one line of JSON, with ${ written $${ so
// that the script reads it back as it is.
func savedBody(s string) string {
	var c bytes.Buffer
	if err := json.Compact(&c, []byte(s)); err != nil {
		c.Reset()
		c.WriteString(s)
	}
	return strings.ReplaceAll(c.String(), "${", "$${")
}

// headerWord writes a header value as the lexer reads it back: as it is
// when it is plain, else double-quoted with ", \ and $ escaped.
func headerWord(v string) string {
	if hasRef(v) {
		return headerWordKeeping(v)
	}
	plain := v != "" && strings.TrimSpace(v) == v && !strings.Contains(v, "  ")
	for _, r := range v {
		if !(r == ' ' || r == '.' || r == '_' || r == '-' || r == '/' || r == ':' || r == '=' || r == '+' || r == ',' || r == '@' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			plain = false
		}
	}
	if plain {
		return v
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "\n", `\n`, "\t", `\t`).Replace(v) + `"`
}

// secretRef writes a secret header's value without the secret: the
// environment variable holding it as ${VAR} (the env file's variables,
// then the process environment's), else a variable named after the key
// (authorization → ${AUTHORIZATION}), keeping an auth scheme ("Bearer
// ${AUTHORIZATION}"), with a warning saying which variable to set. The
// value is not written even when the user typed it: a collection is meant
// to be committed.
func secretRef(key, value string, vars map[string]string, redacted bool) (string, string) {
	if hasRef(value) {
		// A ${NAME} left as written (loaded from a file that binds it
		// with let) stays the reference it was.
		return headerWordKeeping(value), ""
	}
	if !redacted {
		best := ""
		for name, v := range vars {
			if len(v) >= 6 && strings.Contains(value, v) && (best == "" || len(v) > len(vars[best]) || len(v) == len(vars[best]) && name < best) {
				best = name
			}
		}
		if best != "" {
			return headerWordKeeping(strings.ReplaceAll(value, vars[best], "${"+best+"}")), ""
		}
	}
	name := repl.SecretVar(key)
	ref := repl.SecretRef(key, value, func(name string) string { return "${" + name + "}" })
	return ref, fmt.Sprintf("%s saved as ${%s}, not its value: set %s in an env file (-env) or the environment", key, name, name)
}

// headerWordKeeping is headerWord for a value holding ${NAME}
// references, which stay references; the rest is escaped.
func headerWordKeeping(v string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "\n", `\n`, "\t", `\t`)
	var b strings.Builder
	b.WriteByte('"')
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			break
		}
		name, _, ok := strings.Cut(v[i+2:], "}")
		if !ok || name == "" || !hasRef(v[i:i+3+len(name)]) {
			b.WriteString(esc.Replace(v[:i+2]))
			v = v[i+2:]
			continue
		}
		b.WriteString(esc.Replace(v[:i]))
		b.WriteString("${" + name + "}")
		v = v[i+3+len(name):]
	}
	b.WriteString(esc.Replace(v))
	b.WriteByte('"')
	return b.String()
}

// hasRef says v holds a ${NAME} reference.
func hasRef(v string) bool {
	for _, p := range strings.Split(v, "${")[1:] {
		name, _, ok := strings.Cut(p, "}")
		if ok && name != "" && strings.IndexFunc(name, func(r rune) bool {
			return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) < 0 {
			return true
		}
	}
	return false
}

// appendCall appends sc to the file (created when new) as name, after
// checking the name against the file as it is now on the disk. It returns
// the warnings of renderCall.
func appendCall(dir, file, name string, sc savedCall, vars map[string]string, ce collEnv) ([]string, error) {
	f := readCollFile(dir, file, ce)
	if f.err != nil && !errors.Is(f.err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s cannot be added to: %v", dynamic.SafeLine(f.rel), f.err)
	}
	if err := checkCallName(name, f); err != nil {
		return nil, err
	}
	if f.end.header == nil {
		f.end.header = ce.base.Copy() // a new file starts where a session does
	}
	text, warns := renderCall(name, sc, f.end, vars)
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	switch {
	case len(old) == 0:
	case !strings.HasSuffix(string(old), "\n"):
		text = "\n\n" + text
	case !strings.HasSuffix(string(old), "\n\n"):
		text = "\n" + text
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	out, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(out, text); err != nil {
		out.Close()
		return nil, err
	}
	return warns, out.Close()
}

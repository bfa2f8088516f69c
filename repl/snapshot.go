package repl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/grpcsh/grpcsh/dynamic"
)

// snapshot is the parsed form of `expect snapshot NAME [ignore PATH...]`.
type snapshot struct {
	name   string
	ignore *query // del(PATH, ...); nil without ignore
}

// parseSnapshot reads "NAME [ignore PATH...]", found at pos.
func parseSnapshot(text string, pos Pos) (*snapshot, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return nil, &SyntaxError{Pos: pos, Msg: "expect snapshot needs NAME (usage: expect snapshot NAME [ignore PATH...])"}
	}
	name := fields[0]
	for i, c := range name {
		if !(c == '-' || c == '_' || c == '.' && i > 0 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return nil, &SyntaxError{Pos: pos, Msg: fmt.Sprintf("expect snapshot: %q is not a snapshot name (letters, digits, - _ and .)", name)}
		}
	}
	snap := &snapshot{name: name}
	if len(fields) == 1 {
		return snap, nil
	}
	rest := strings.TrimSpace(text[len(name):])
	paths, ok := strings.CutPrefix(rest, "ignore")
	at := Pos{pos.Line, pos.Col + len([]rune(text)) - len([]rune(rest))}
	if !ok || strings.TrimSpace(paths) == "" {
		return nil, &SyntaxError{Pos: at, Msg: "expect snapshot: expected ignore PATH... after the name"}
	}
	// The paths are jq paths; del() of them all is the one expression.
	ps := strings.Fields(paths)
	off := len(text) - len(paths)
	for _, path := range ps {
		i := strings.Index(text[off:], path) + off
		if _, err := compileQuery(path, Pos{pos.Line, pos.Col + len([]rune(text[:i]))}); err != nil {
			return nil, err
		}
		off = i + len(path)
	}
	q, err := compileQuery("del("+strings.Join(ps, ", ")+")", Pos{at.Line, at.Col + len("ignore ") - len("del(")})
	if err != nil {
		return nil, err
	}
	snap.ignore = q
	return snap, nil
}

// snapshotPath is where a script's snapshot is kept:
// __snapshots__/FILE.NAME.json beside the script.
func snapshotPath(script, name string) string {
	base := strings.TrimSuffix(filepath.Base(script), filepath.Ext(script))
	return filepath.Join(filepath.Dir(script), "__snapshots__", base+"."+name+".json")
}

func (x *Executor) expectSnapshot(ctx context.Context, snap *snapshot) error {
	if x.Script == "" {
		return errors.New("expect snapshot keeps its snapshots beside the script: run a file (-f FILE or grpcsh test)")
	}
	in, err := x.lastResponse("expect snapshot")
	if err != nil {
		return err
	}
	got := in.dot
	if snap.ignore != nil {
		vals, err := snap.ignore.run(ctx, snap.ignore.code, in)
		if err != nil {
			return err
		}
		if len(vals) != 1 {
			return fmt.Errorf("ignore gave %d values, want 1", len(vals))
		}
		got = vals[0]
	}
	text, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		return err
	}
	text = append(text, '\n')
	path := snapshotPath(x.Script, snap.name)
	old, err := os.ReadFile(path)
	switch {
	case x.Update:
		if err == nil && string(old) == string(text) {
			return nil
		}
		return writeSnapshot(path, text)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no snapshot %s yet (grpcsh test -update writes it)", path)
	case err != nil:
		return fmt.Errorf("reading the snapshot: %w", err)
	}
	want, err := decodeJSON(string(old))
	if err != nil {
		return fmt.Errorf("snapshot %s is not JSON: %v (grpcsh test -update rewrites it)", path, err)
	}
	// Both sides as the same plain values: json.Number on each.
	gotValue, _ := decodeJSON(string(text))
	if diff := cmp.Diff(want, gotValue); diff != "" {
		return fmt.Errorf("the response differs from snapshot %s (-snapshot +response; grpcsh test -update accepts it):\n%s",
			path, dynamic.SafeText(strings.TrimRight(diff, "\n")))
	}
	return nil
}

// writeSnapshot writes a snapshot, creating its folder.
func writeSnapshot(path string, text []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the snapshot folder %s: %w", dir, unwrapPathError(err))
	}
	tmp, err := os.CreateTemp(dir, ".snapshot-*")
	if err != nil {
		return fmt.Errorf("cannot write in the snapshot folder %s: %w", dir, unwrapPathError(err))
	}
	_, werr := tmp.Write(text)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot write the snapshot %s: %w", path, unwrapPathError(werr))
	}
	return nil
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

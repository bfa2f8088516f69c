package repl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/joho/godotenv"
)

// DefaultCollection is the folder of saved .grpcsh files used when
// -collection is not given and it exists.
const DefaultCollection = ".grpcsh"

// Env is an environment: the variables of a dotenv file, which ${VAR}
// finds before the process environment (so CI can inject secrets that the
// file leaves out). let's bindings come before both, inside a script.
type Env struct {
	Name string // as given: a NAME of the collection or a file path
	File string // the file read
	Vars map[string]string
}

// FindEnvFile says which file -env SPEC means: SPEC itself when it names a
// file (it has a path separator, ends in .env, or exists), else
// SPEC.env in the collection's env/ folder.
func FindEnvFile(spec, collection string) (string, error) {
	if spec == "" {
		return "", errors.New("-env needs a NAME or a FILE")
	}
	if strings.ContainsAny(spec, `/\`) || strings.HasSuffix(spec, ".env") {
		return spec, nil
	}
	if st, err := os.Stat(spec); err == nil && !st.IsDir() {
		return spec, nil
	}
	if collection == "" {
		collection = DefaultCollection
	}
	return filepath.Join(collection, "env", spec+".env"), nil
}

// LoadEnv reads the environment SPEC (see FindEnvFile). A missing file or
// a line the dotenv reader refuses is an error naming the file (and the
// line); values are never repeated in errors, since they may be secrets.
func LoadEnv(spec, collection string) (*Env, error) {
	path, err := FindEnvFile(spec, collection)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if path != spec {
			return nil, usageErrorf("environment %s: no file %s (environments are NAME.env files in the collection's env/ folder; -env FILE takes a path)", spec, path)
		}
		return nil, usageErrorf("environment file %s does not exist", path)
	}
	if err != nil {
		return nil, usageErrorf("environment file: %v", err)
	}
	vars, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		return nil, usageErrorf("%s:%d: %s", path, dotenvErrorLine(data, err), dotenvReason(err))
	}
	// godotenv takes "A B=1" and "=1"; a name that ${VAR} could never
	// find is a mistake in the file.
	for k := range vars {
		if !isEnvName(k) {
			return nil, usageErrorf("%s:%d: %q is not a variable name (a line is KEY=value; names are letters, digits and _)", path, keyLine(data, k), k)
		}
	}
	return &Env{Name: spec, File: path, Vars: vars}, nil
}

func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i == 0) && s[i] != '.' {
			return false
		}
	}
	return true
}

// keyLine is the line that sets key, 1 when none is found.
func keyLine(data []byte, key string) int {
	for i, line := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		if k, _, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == key {
			return i + 1
		}
	}
	return 1
}

// dotenvErrorLine finds the line godotenv's error is about: its messages
// quote the rest of the file from the statement it could not read
// ("... near \"REST\"") or the first line of an unclosed value.
func dotenvErrorLine(data []byte, err error) int {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	msg := err.Error()
	off := -1
	if i := strings.Index(msg, " near "); i >= 0 {
		if rest, uerr := strconv.Unquote(msg[i+len(" near "):]); uerr == nil && strings.HasSuffix(text, rest) {
			off = len(text) - len(rest)
		}
	} else if v, ok := strings.CutPrefix(msg, "unterminated quoted value "); ok {
		off = strings.Index(text, v)
	}
	if off < 0 {
		return 1
	}
	return strings.Count(text[:off], "\n") + 1
}

// dotenvReason says what is wrong without the value godotenv quotes.
func dotenvReason(err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unexpected character"):
		if i := strings.Index(msg, " near "); i >= 0 {
			msg = msg[:i]
		}
		if strings.HasPrefix(msg, `unexpected character "\n"`) {
			return "expected KEY=value"
		}
		return msg + " (a line is KEY=value; names are letters, digits and _)"
	case strings.HasPrefix(msg, "unterminated quoted value"):
		return "a quoted value is not closed"
	}
	return msg
}

// Lookup finds a variable in the file, then in the process environment.
func (e *Env) Lookup(name string) (string, bool) {
	if e != nil {
		if v, ok := e.Vars[name]; ok {
			return v, true
		}
	}
	return os.LookupEnv(name)
}

// lookedIn names where ${VAR} was looked for, for the error when it is
// unset.
func lookedIn(e *Env) string {
	if e == nil {
		return ""
	}
	return fmt.Sprintf("not bound by let, not in %s, not in the process environment", e.File)
}

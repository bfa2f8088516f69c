package repl

// The on-disk cache of completion names: a shell asks on every tab, and a
// server's schema rarely changes within a minute. One small JSON file per
// target and set of files, readable by the user only.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// CompleteCacheTTL is how long cached names are used.
const CompleteCacheTTL = 60 * time.Second

// completeFailTTL is how long a failed fetch (a server down or slow) is
// remembered, so that the second tab of a double tab does not wait again.
const completeFailTTL = 5 * time.Second

// errCompleteFailedRecently is a fetch skipped: the last one just failed.
var errCompleteFailedRecently = errors.New("the schema could not be fetched a moment ago")

// CompleteCacheDir is where the names are kept: $XDG_CACHE_HOME/grpcsh, else
// the user's cache folder (~/.cache/grpcsh); "" when there is none.
func CompleteCacheDir() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "grpcsh")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "grpcsh")
	}
	return ""
}

// CompleteCacheKey names the cache entry of a target and descriptor files:
// their sizes and times are part of it, so that an edited .proto is read
// again.
func CompleteCacheKey(target string, files []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "target %q\n", target)
	for _, f := range files {
		fmt.Fprintf(h, "file %q", f)
		if st, err := os.Stat(f); err == nil {
			fmt.Fprintf(h, " %d %d", st.Size(), st.ModTime().UnixNano())
		}
		fmt.Fprintln(h)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// CachedNames returns the names kept under key in dir when they are younger
// than ttl; otherwise it calls fetch and keeps what it returns. A cache that
// cannot be read or written is only slower: fetch's answer is used.
func CachedNames(dir, key string, ttl time.Duration, fetch func() (SchemaNames, error)) (SchemaNames, error) {
	path, failed := "", ""
	if dir != "" {
		path = filepath.Join(dir, "complete-"+key+".json")
		failed = filepath.Join(dir, "complete-"+key+".failed")
		if st, err := os.Stat(path); err == nil && time.Since(st.ModTime()) < ttl {
			var n SchemaNames
			if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &n) == nil {
				return n, nil
			}
		}
		if st, err := os.Stat(failed); err == nil && time.Since(st.ModTime()) < min(ttl, completeFailTTL) {
			return SchemaNames{}, errCompleteFailedRecently
		}
	}
	n, err := fetch()
	if path == "" {
		return n, err
	}
	if err != nil {
		if os.MkdirAll(dir, 0o700) == nil {
			os.WriteFile(failed, nil, 0o600)
		}
		return n, err
	}
	os.Remove(failed)
	if os.MkdirAll(dir, 0o700) == nil {
		if b, err := json.Marshal(n); err == nil {
			// CreateTemp makes the file 0600; the rename publishes it whole.
			if f, err := os.CreateTemp(dir, ".complete-*"); err == nil {
				_, werr := f.Write(b)
				if cerr := f.Close(); werr == nil && cerr == nil {
					os.Rename(f.Name(), path)
				} else {
					os.Remove(f.Name())
				}
			}
		}
	}
	return n, nil
}

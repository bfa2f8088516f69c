package repl

// The on-disk cache of completion names: a shell asks on every tab, and a
// server's schema rarely changes within a minute. One small JSON file per
// target and set of files, readable by the user only.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// CompleteCacheTTL is how long cached names are used.
const CompleteCacheTTL = 60 * time.Second

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
	path := ""
	if dir != "" {
		path = filepath.Join(dir, "complete-"+key+".json")
		if st, err := os.Stat(path); err == nil && time.Since(st.ModTime()) < ttl {
			var n SchemaNames
			if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &n) == nil {
				return n, nil
			}
		}
	}
	n, err := fetch()
	if err != nil || path == "" {
		return n, err
	}
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

// Package msgstore keeps every message of a stream: in memory up to a byte
// budget, then in a temporary file (mode 0600, removed on Close), so that a
// stream of millions of messages can be scrolled, searched and saved while
// the process's memory stays bounded. It knows nothing of the UI.
package msgstore

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"sync"
)

// DefaultBudget is how many bytes of messages a store holds in memory
// before it spills to its file. 8 MiB keeps a typical stream off the
// disk, while the TUI's whole footprint with a million-message stream
// stays under its 100 MiB target: the rest of a stream costs only its
// index (about 4 bytes a message) in memory, and its bytes in the page
// cache, which the kernel may drop. (16 MiB measured 106-111 MiB peak RSS
// there: the collector lets the heap grow to twice what is live.)
const DefaultBudget = 8 << 20

const (
	arenaChunk = 256 << 10 // bytes of one in-memory chunk
	indexChunk = 4096      // messages of one index chunk
	writeBuf   = 64 << 10  // file appends are buffered up to this
)

// ErrClosed is returned by a store's methods after Close.
var ErrClosed = errors.New("msgstore: the store is closed")

// Store is an append-only list of messages. One goroutine appends; any
// number may read at the same time (Len, Message, WriteTo). Message
// returns bytes that stay valid and unchanged after later appends: the
// caller must not modify them.
type Store struct {
	mu     sync.Mutex
	budget int64
	dir    string // of the temporary file; "" is os.TempDir()

	// The bytes of all messages, concatenated, form one offset space:
	// below memEnd they are in the arena (chunk k from chunkAt[k]); from
	// memEnd on, at offset-memEnd in the file, the last wbuf bytes not yet
	// written to it.
	arena   [][]byte
	chunkAt []int64
	memEnd  int64
	spilled bool
	file    *os.File
	fileLen int64 // written to the file
	wbuf    []byte
	end     int64 // offset after the last message

	index []indexBlock
	n     int
	err   error // the first failed write; the store then refuses appends
	done  bool
}

// indexBlock holds where up to indexChunk consecutive messages start, as
// offsets from base: 4 bytes a message instead of 8.
type indexBlock struct {
	first int   // index of its first message
	base  int64 // offset of its first message
	rel   []uint32
}

// New is an empty store holding up to budget bytes in memory (0 or less:
// DefaultBudget). Its file, once needed, is made in dir ("" is
// os.TempDir()).
func New(budget int64, dir string) *Store {
	if budget <= 0 {
		budget = DefaultBudget
	}
	s := &Store{budget: budget, dir: dir}
	track(s)
	return s
}

// Len is the number of messages appended.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Size is the bytes of all messages; InMemory those held in memory (the
// rest are in the file).
func (s *Store) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.end
}

// InMemory is how many of the messages' bytes are held in memory.
func (s *Store) InMemory() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return min(s.memEnd, s.end)
}

// Path is the temporary file's name, "" while everything is in memory.
func (s *Store) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file == nil {
		return ""
	}
	return s.file.Name()
}

// Err is the first write error: the messages after it were not kept.
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Append adds a copy of msg as the last message.
func (s *Store) Append(msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return ErrClosed
	}
	if s.err != nil {
		return s.err
	}
	start := s.end
	if !s.spilled && s.fitsMem(len(msg)) {
		start = s.appendMem(msg)
	} else {
		if !s.spilled {
			// Everything from here on goes to the file: the offsets
			// stay in order and no message is split between the two.
			s.spilled = true
			s.memEnd = s.end
		}
		if err := s.appendFile(msg); err != nil {
			s.err = fmt.Errorf("keeping message %d: %w", s.n+1, err)
			return s.err
		}
	}
	s.addIndex(start)
	s.end = start + int64(len(msg))
	s.n++
	return nil
}

// fitsMem says a message of n bytes fits the budget: in the current
// chunk, or in a new one the budget has room for.
func (s *Store) fitsMem(n int) bool {
	if k := len(s.arena) - 1; k >= 0 && len(s.arena[k])+n <= cap(s.arena[k]) {
		return true
	}
	return s.memEnd+int64(s.newChunkCap(n)) <= s.budget
}

func (s *Store) newChunkCap(n int) int { return max(min(arenaChunk, int(s.budget)), n) }

// appendMem copies msg into the arena and returns its offset; a message
// that does not fit the current chunk starts a new one (the rest of the
// old one is skipped in the offset space and counts against the budget).
func (s *Store) appendMem(msg []byte) int64 {
	k := len(s.arena) - 1
	if k < 0 || len(s.arena[k])+len(msg) > cap(s.arena[k]) {
		if k >= 0 {
			s.end = s.chunkAt[k] + int64(cap(s.arena[k]))
		}
		s.arena = append(s.arena, make([]byte, 0, s.newChunkCap(len(msg))))
		s.chunkAt = append(s.chunkAt, s.end)
		k++
	}
	start := s.chunkAt[k] + int64(len(s.arena[k]))
	s.arena[k] = append(s.arena[k], msg...)
	s.memEnd = s.chunkAt[k] + int64(cap(s.arena[k]))
	return start
}

func (s *Store) appendFile(msg []byte) error {
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "grpcsh-stream-*.bin")
		if err != nil {
			return err
		}
		// CreateTemp makes it 0600 already; say so explicitly, since the
		// messages may hold secrets.
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			os.Remove(f.Name())
			return err
		}
		s.file = f
	}
	if len(s.wbuf)+len(msg) > writeBuf {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if len(msg) >= writeBuf {
		n, err := s.file.WriteAt(msg, s.fileLen)
		s.fileLen += int64(n)
		return err
	}
	s.wbuf = append(s.wbuf, msg...)
	return nil
}

func (s *Store) flush() error {
	if len(s.wbuf) == 0 {
		return nil
	}
	n, err := s.file.WriteAt(s.wbuf, s.fileLen)
	s.fileLen += int64(n)
	if err != nil {
		return err
	}
	s.wbuf = s.wbuf[:0]
	return nil
}

func (s *Store) addIndex(start int64) {
	if k := len(s.index) - 1; k >= 0 {
		b := &s.index[k]
		if len(b.rel) < indexChunk && start-b.base <= math.MaxUint32 {
			b.rel = append(b.rel, uint32(start-b.base))
			return
		}
	}
	b := indexBlock{first: s.n, base: start, rel: make([]uint32, 1, indexChunk)}
	s.index = append(s.index, b)
}

// offset is where message i starts.
func (s *Store) offset(i int) int64 {
	if i >= s.n {
		return s.end
	}
	k := sort.Search(len(s.index), func(k int) bool { return s.index[k].first > i }) - 1
	b := &s.index[k]
	return b.base + int64(b.rel[i-b.first])
}

// bounds is message i's range in the offset space.
func (s *Store) bounds(i int) (start, end int64) {
	start = s.offset(i)
	end = s.end
	if i+1 < s.n {
		end = s.offset(i + 1)
	}
	if start < s.memEnd && end > s.chunkEnd(start) {
		// The next message started a new chunk: this one ends where
		// its chunk's bytes do.
		end = s.chunkEnd(start)
	}
	return start, end
}

func (s *Store) chunkEnd(off int64) int64 {
	k := sort.Search(len(s.chunkAt), func(k int) bool { return s.chunkAt[k] > off }) - 1
	return s.chunkAt[k] + int64(len(s.arena[k]))
}

// Message is message i (from 0), as appended.
func (s *Store) Message(i int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil, ErrClosed
	}
	if i < 0 || i >= s.n {
		return nil, fmt.Errorf("msgstore: message %d out of range (%d kept)", i, s.n)
	}
	start, end := s.bounds(i)
	if start < s.memEnd {
		k := sort.Search(len(s.chunkAt), func(k int) bool { return s.chunkAt[k] > start }) - 1
		lo := start - s.chunkAt[k]
		hi := end - s.chunkAt[k]
		return s.arena[k][lo:hi:hi], nil
	}
	lo, hi := start-s.memEnd, end-s.memEnd
	out := make([]byte, hi-lo)
	if hi <= s.fileLen {
		if _, err := s.file.ReadAt(out, lo); err != nil {
			return nil, fmt.Errorf("msgstore: reading message %d from %s: %w", i, s.file.Name(), err)
		}
		return out, nil
	}
	if lo < s.fileLen {
		if err := s.flush(); err != nil {
			return nil, fmt.Errorf("msgstore: writing to %s: %w", s.file.Name(), err)
		}
		if _, err := s.file.ReadAt(out, lo); err != nil {
			return nil, fmt.Errorf("msgstore: reading message %d from %s: %w", i, s.file.Name(), err)
		}
		return out, nil
	}
	copy(out, s.wbuf[lo-s.fileLen:hi-s.fileLen])
	return out, nil
}

// Each calls fn with messages from..to-1 in order, stopping at the first
// error (fn's or a read's). msg is valid only while fn runs. Messages in
// the file are read a block of many at a time, and the store is not
// locked while fn runs, so a long walk (a search, a save) is quick and
// does not hold up appends.
func (s *Store) Each(from, to int, fn func(i int, msg []byte) error) error {
	var buf []byte
	for i := from; i < to; {
		msgs, err := s.batch(i, to, &buf)
		if err != nil {
			return err
		}
		for k, m := range msgs {
			if err := fn(i+k, m); err != nil {
				return err
			}
		}
		i += len(msgs)
	}
	return nil
}

// eachBlock is about the most bytes Each reads from the file at once.
const eachBlock = 1 << 20

// batch is messages i.. (before to), as many as are in memory, or as fit
// one read of the file into *buf; at least one.
func (s *Store) batch(i, to int, buf *[]byte) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil, ErrClosed
	}
	to = min(to, s.n)
	if i < 0 || i >= to {
		return nil, fmt.Errorf("msgstore: message %d out of range (%d kept)", i, s.n)
	}
	var out [][]byte
	start, end := s.bounds(i)
	if start < s.memEnd {
		for j := i; j < to && len(out) < indexChunk; j++ {
			lo, hi := s.bounds(j)
			if lo >= s.memEnd {
				break
			}
			k := sort.Search(len(s.chunkAt), func(k int) bool { return s.chunkAt[k] > lo }) - 1
			a, b := lo-s.chunkAt[k], hi-s.chunkAt[k]
			out = append(out, s.arena[k][a:b:b])
		}
		return out, nil
	}
	j := i + 1
	for j < to {
		_, e := s.bounds(j)
		if e-start > eachBlock {
			break
		}
		end = e
		j++
	}
	lo, hi := start-s.memEnd, end-s.memEnd
	if hi > s.fileLen {
		if err := s.flush(); err != nil {
			return nil, fmt.Errorf("msgstore: writing to %s: %w", s.file.Name(), err)
		}
	}
	if int64(cap(*buf)) < hi-lo {
		*buf = make([]byte, hi-lo)
	}
	block := (*buf)[:hi-lo]
	if _, err := s.file.ReadAt(block, lo); err != nil {
		return nil, fmt.Errorf("msgstore: reading messages %d-%d from %s: %w", i, j-1, s.file.Name(), err)
	}
	for k := i; k < j; k++ {
		a, b := s.bounds(k)
		out = append(out, block[a-start:b-start:b-start])
	}
	return out, nil
}

// WriteTo writes messages 0..n-1, each followed by sep, to w, a message at
// a time (never the whole stream in memory). It returns the bytes written.
func (s *Store) WriteTo(w io.Writer, n int, sep []byte) (int64, error) {
	var total int64
	err := s.Each(0, n, func(_ int, m []byte) error {
		k, err := w.Write(m)
		total += int64(k)
		if err != nil {
			return err
		}
		k, err = w.Write(sep)
		total += int64(k)
		return err
	})
	return total, err
}

// IndexBytes is the memory the offset index takes, for benchmarks.
func (s *Store) IndexBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b int64
	for _, blk := range s.index {
		b += int64(cap(blk.rel))*4 + 32
	}
	return b
}

// Close drops the messages and removes the file. It is safe to call more
// than once and from any goroutine.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	s.done = true
	untrack(s)
	s.arena, s.chunkAt, s.index, s.wbuf = nil, nil, nil, nil
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	cerr := s.file.Close()
	s.file = nil
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return cerr
}

// The open stores, so that an exit path that cannot reach them (a panic,
// a signal) still removes their files: CloseAll.
var (
	openMu sync.Mutex
	open   = map[*Store]struct{}{}
)

func track(s *Store) {
	openMu.Lock()
	open[s] = struct{}{}
	openMu.Unlock()
}

func untrack(s *Store) {
	openMu.Lock()
	delete(open, s)
	openMu.Unlock()
}

// CloseAll closes every open store, removing their files; a program calls
// it on its way out.
func CloseAll() {
	openMu.Lock()
	all := make([]*Store, 0, len(open))
	for s := range open {
		all = append(all, s)
	}
	openMu.Unlock()
	for _, s := range all {
		s.Close()
	}
}

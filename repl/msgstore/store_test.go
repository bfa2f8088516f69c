package msgstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The read interface the response view renders and searches through.
var _ interface {
	Len() int
	Message(i int) ([]byte, error)
} = (*Store)(nil)

func msg(i int) []byte {
	return fmt.Appendf(nil, "{\n  \"index\": %d,\n  \"pad\": %q\n}", i, strings.Repeat("x", i%37))
}

func fill(t *testing.T, s *Store, n int) {
	t.Helper()
	for i := range n {
		if err := s.Append(msg(i)); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

func checkAll(t *testing.T, s *Store, n int) {
	t.Helper()
	if s.Len() != n {
		t.Fatalf("Len %d, want %d", s.Len(), n)
	}
	for i := range n {
		got, err := s.Message(i)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !bytes.Equal(got, msg(i)) {
			t.Fatalf("message %d is %q, want %q", i, got, msg(i))
		}
	}
}

func TestInMemoryUnderBudget(t *testing.T) {
	dir := t.TempDir()
	s := New(1<<20, dir)
	defer s.Close()
	fill(t, s, 1000)
	checkAll(t, s, 1000)
	if p := s.Path(); p != "" {
		t.Fatalf("a store under its budget made a file %s", p)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("files in the temp dir: %v", ents)
	}
	if s.InMemory() != s.Size() {
		t.Fatalf("%d of %d bytes in memory, want all", s.InMemory(), s.Size())
	}
}

// TestSpillsBeyondBudget: past the budget the messages go to a 0600 file,
// and every message reads back, from memory, the file and its write
// buffer, also while appends go on.
func TestSpillsBeyondBudget(t *testing.T) {
	dir := t.TempDir()
	const budget = 4096
	s := New(budget, dir)
	defer s.Close()
	fill(t, s, 50) // ~2.5 KiB
	if s.Path() != "" {
		t.Fatal("spilled before the budget was reached")
	}
	fill2 := func(from, to int) {
		for i := from; i < to; i++ {
			if err := s.Append(msg(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill2(50, 20000)
	p := s.Path()
	if p == "" {
		t.Fatal("no file after 20000 messages with a 4 KiB budget")
	}
	if filepath.Dir(p) != dir {
		t.Fatalf("file %s is not in %s", p, dir)
	}
	if s.InMemory() > budget {
		t.Fatalf("%d bytes in memory, budget %d", s.InMemory(), budget)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, want 0600", fi.Mode().Perm())
	}
	checkAll(t, s, 20000)
	// The newest, still in the write buffer, read back too.
	fill2(20000, 20003)
	checkAll(t, s, 20003)
	var b bytes.Buffer
	if _, err := s.WriteTo(&b, s.Len(), []byte("\n")); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for i := range 20003 {
		want.Write(msg(i))
		want.WriteString("\n")
	}
	if !bytes.Equal(b.Bytes(), want.Bytes()) {
		t.Fatalf("WriteTo wrote %d bytes, want the %d of all messages", b.Len(), want.Len())
	}
}

// TestBigMessages: messages larger than a chunk and the write buffer.
func TestBigMessages(t *testing.T) {
	s := New(1<<20, t.TempDir())
	defer s.Close()
	var want [][]byte
	for i, n := range []int{10, arenaChunk + 1, 3, writeBuf * 3, 700 << 10, 5, writeBuf + 1, 0, eachBlock + 5, 9, 1} {
		m := bytes.Repeat([]byte{byte('a' + i)}, n)
		want = append(want, m)
		if err := s.Append(m); err != nil {
			t.Fatal(err)
		}
	}
	if s.Path() == "" {
		t.Fatal("2 MiB of messages with a 1 MiB budget made no file")
	}
	for i, w := range want {
		got, err := s.Message(i)
		if err != nil || !bytes.Equal(got, w) {
			t.Fatalf("message %d: %d bytes, %v; want %d bytes", i, len(got), err, len(w))
		}
	}
	n := 0
	err := s.Each(1, len(want), func(i int, got []byte) error {
		if i != n+1 || !bytes.Equal(got, want[i]) {
			t.Fatalf("Each gave message %d (%d bytes) after %d; want %d bytes", i, len(got), n, len(want[i]))
		}
		n = i
		return nil
	})
	if err != nil || n != len(want)-1 {
		t.Fatalf("Each: %v, last %d", err, n)
	}
}

func TestCloseRemovesFile(t *testing.T) {
	s := New(1024, t.TempDir())
	fill(t, s, 500)
	p := s.Path()
	if p == "" {
		t.Fatal("no file")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the file is still there after Close: %v", err)
	}
	if _, err := s.Message(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Message after Close: %v, want ErrClosed", err)
	}
	if err := s.Append([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

func TestCloseAllRemovesEveryFile(t *testing.T) {
	dir := t.TempDir()
	a, b := New(100, dir), New(100, dir)
	fill(t, a, 50)
	fill(t, b, 50)
	CloseAll()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("files left after CloseAll: %v", ents)
	}
	if a.Len() != 50 || b.Len() != 50 {
		t.Fatal("Len changed")
	}
}

// TestReadErrorSurfaced: a message that cannot be read back (the file was
// truncated under the store) is an error naming the message and the file,
// not wrong bytes.
func TestReadErrorSurfaced(t *testing.T) {
	s := New(100, t.TempDir())
	defer s.Close()
	fill(t, s, 3000)
	// A walk to the end writes out the buffered messages: the file then
	// holds them all.
	if err := s.Each(0, s.Len(), func(int, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(s.Path(), 10); err != nil {
		t.Fatal(err)
	}
	_, err := s.Message(2000)
	if err == nil || !strings.Contains(err.Error(), "message 2000") || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("reading a truncated file: %v, want an error naming message 2000 and the file", err)
	}
	err = s.Each(0, s.Len(), func(int, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("Each over a truncated file: %v, want an error naming the file", err)
	}
	if _, err := s.Message(3000); err == nil {
		t.Fatal("no error for a message out of range")
	}
}

// TestWriteErrorSurfaced: when the file cannot be made, Append says so,
// the store keeps what it had and refuses further appends.
func TestWriteErrorSurfaced(t *testing.T) {
	s := New(100, filepath.Join(t.TempDir(), "missing"))
	defer s.Close()
	var err error
	n := 0
	for ; n < 100 && err == nil; n++ {
		err = s.Append(msg(n))
	}
	if err == nil || s.Err() == nil {
		t.Fatal("no error when the temporary file cannot be made")
	}
	kept := s.Len()
	if kept == 0 || kept >= n {
		t.Fatalf("kept %d of %d", kept, n)
	}
	checkAll(t, s, kept)
	if s.Append(msg(0)) == nil {
		t.Fatal("an append after a failed one succeeded")
	}
}

// TestIndexIsSmall: a million messages' index takes about 4 bytes each.
func TestIndexIsSmall(t *testing.T) {
	s := New(64<<10, t.TempDir())
	defer s.Close()
	m := []byte(`{"index": 1}`)
	for range 1_000_000 {
		if err := s.Append(m); err != nil {
			t.Fatal(err)
		}
	}
	if ib := s.IndexBytes(); ib > 5<<20 {
		t.Fatalf("index of 1e6 messages takes %d bytes, want <= 5 MiB", ib)
	}
	got, err := s.Message(999_999)
	if err != nil || !bytes.Equal(got, m) {
		t.Fatalf("last message %q, %v", got, err)
	}
}

// BenchmarkEach1M walks a million spilled messages, as a search or a save
// does.
func BenchmarkEach1M(b *testing.B) {
	s := New(1<<20, b.TempDir())
	defer s.Close()
	m := []byte("{\n  \"index\": 123456,\n  \"sentAt\": \"2026-12-02T15:07:15.774303299Z\"\n}")
	for range 1_000_000 {
		if err := s.Append(m); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		n := 0
		if err := s.Each(0, s.Len(), func(_ int, msg []byte) error { n += len(msg); return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/walk")
}

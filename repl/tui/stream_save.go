package tui

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// Saving and copying a call's messages: from the store, a message at a
// time, so a save never holds a long stream in memory.

// maxCopyBytes is the most y puts on the clipboard: OSC 52 sends it
// base64 through the terminal, which holds it in memory too; a longer
// stream is saved with s instead.
const maxCopyBytes = 8 << 20

// jsonBytes is about the bytes plainBody would be: the stored bytes less
// each message's arrival time, plus its newline.
func (r *msgLog) jsonBytes() int64 {
	n := int64(0)
	if r.n > 0 {
		n = int64(len(r.first)) + 1
	}
	if r.st == nil {
		return n
	}
	return n + r.st.Size() - int64(r.n-1)*(atLen-1)
}

// plainBody is the response as JSON text, for copying: one message, or
// every message of a stream as concatenated JSON objects.
func plainBody(c *call) string {
	var b strings.Builder
	c.msgs.writeTo(&b, c.msgs.n)
	return b.String()
}

// saveLogCmd writes the first n messages of log to path (0600: responses
// may hold secrets), a message at a time from the store, however long the
// stream: it runs beside the Update loop, which may still be appending.
func saveLogCmd(path string, log *msgLog, n int) tea.Cmd {
	return guard(func() tea.Msg {
		p := expandHome(path)
		if dir := filepath.Dir(p); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return savedMsg{path: p, err: err}
			}
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return savedMsg{path: p, err: err}
		}
		bw := bufio.NewWriterSize(f, 256<<10)
		var written int64
		written, err = log.writeTo(bw, n)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return savedMsg{path: p, n: int(written), err: err}
	})
}

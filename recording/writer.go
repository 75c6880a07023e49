package recording

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// Writer appends snapshots to a recording, one JSON line each, as
// terminal-safe JSON (textsafe.JSON: no byte a terminal acts on, the same
// values when decoded), so that `tail` of a recording never hijacks a
// terminal; Load and New read the same format back. After a failed write it
// stops and reports that error once. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	failed bool
}

// NewWriter writes a recording to w (a file opened for appending).
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write appends s as one line.
func (r *Writer) Write(s *redisops.Snapshot) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed {
		return nil // reported when it failed
	}
	line, err := json.Marshal(s)
	if err == nil {
		_, err = r.w.Write(append(textsafe.JSON(line), '\n')) // lossless, and safe to cat
	}
	if err != nil {
		r.failed = true
		return fmt.Errorf("--record: %w (recording stopped)", err)
	}
	return nil
}

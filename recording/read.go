package recording

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"flashtop/redisops"
)

// MaxLine bounds one line of a recording: 16 MiB. A line is one snapshot
// (the dashboard's holds at most a few hundred holds: tens of KiB); a
// longer line is refused as soon as it passes the bound, so a file without
// newlines (a sparse file, a device) is never read whole.
const MaxLine = 16 << 20

// requiredFields are the fields of every snapshot line (DESIGN.md §5: the
// recorder writes a redisops.Snapshot whole, none of them omitted).
var requiredFields = []string{"taken_at", "server", "sales", "reservations", "queues", "sessions", "slowlog", "anomalies"}

// errLongLine: a line passed MaxLine.
var errLongLine = errors.New("replay: line too long")

// scan reads the lines of a recording, each at most MaxLine bytes, and
// calls keep with the offset, the bytes (trimmed; valid until the next call)
// and the time of every snapshot line; blank lines are skipped. Any other
// line is an ErrRecording error naming its number; an interrupt (ctx) stops
// the reading.
func scan(ctx context.Context, br *bufio.Reader, name string, keep func(off int64, frame []byte, at time.Time)) error {
	var off int64
	var buf []byte
	for line := 1; ; line++ {
		if line%1024 == 0 && ctx.Err() != nil {
			return fmt.Errorf("%w: %s: reading stopped at line %d: %w", ErrRecording, name, line, ctx.Err())
		}
		b, n, err := readLine(br, buf[:0])
		buf = b[:0]
		if errors.Is(err, errLongLine) {
			return fmt.Errorf("%w: %s line %d is longer than %d MiB: not a recording (one line is one snapshot)",
				ErrRecording, name, line, MaxLine>>20)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %s: %w", ErrRecording, name, err)
		}
		if t := bytes.TrimSpace(b); len(t) > 0 {
			at, perr := parseFrame(t)
			if perr != nil {
				return fmt.Errorf("%w: %s line %d is not a snapshot: %w", ErrRecording, name, line, perr)
			}
			lead := len(b) - len(bytes.TrimLeft(b, " \t\r\n\v\f"))
			keep(off+int64(lead), t, at)
		}
		off += n
		if err != nil { // io.EOF
			return nil
		}
	}
}

// readLine appends the next line of br (with its newline, if any) to buf,
// keeping at most MaxLine+1 bytes of it (errLongLine beyond); n is how many
// bytes it consumed. At the end of the input it returns the last bytes with
// io.EOF.
func readLine(br *bufio.Reader, buf []byte) (line []byte, n int64, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		n += int64(len(chunk))
		if len(buf)+len(chunk) > MaxLine+1 { // +1: the newline
			return buf, n, errLongLine
		}
		buf = append(buf, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return buf, n, err
		}
	}
}

// parseFrame checks that line is one snapshot (a JSON object with every
// required field, the types of redisops.Snapshot and a taken_at time) and
// returns its time. null, {} or any other JSON is refused, saying why.
func parseFrame(line []byte) (time.Time, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(line, &fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return time.Time{}, fmt.Errorf("a JSON %s, not an object", typeErr.Value)
		}
		return time.Time{}, err
	}
	if fields == nil {
		return time.Time{}, errors.New("a JSON null, not an object")
	}
	var missing []string
	for _, f := range requiredFields {
		if _, ok := fields[f]; !ok {
			missing = append(missing, strconv.Quote(f))
		}
	}
	if len(missing) > 0 {
		return time.Time{}, fmt.Errorf("missing %s (a snapshot has all of %s)", strings.Join(missing, ", "), strings.Join(requiredFields, ", "))
	}
	var s redisops.Snapshot
	if err := json.Unmarshal(line, &s); err != nil {
		return time.Time{}, err
	}
	if s.TakenAt.IsZero() {
		return time.Time{}, errors.New(`"taken_at" is not a time`)
	}
	return s.TakenAt, nil
}

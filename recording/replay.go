// Package recording is the one format of a dashboard recording: one
// snapshot JSON object per line, written by Writer (flashtop --record FILE)
// as terminal-safe JSON and read back by Load and New (read.go bounds each
// line and refuses what is not a snapshot). A Player plays a recording back
// as a read-only dashboard backend (flashtop replay FILE), with the controls
// of a player: pause, step back and forward, speed. It reads no Redis: every
// write is refused.
package recording

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"flashtop/redisops"
)

// Speed limits of the player.
const (
	MinSpeed = 0.25
	MaxSpeed = 64
)

// ErrReadOnly refuses every write of a replay.
var ErrReadOnly = errors.New("replay: read-only: a recording cannot be written to")

// ErrRecording is wrapped by errors in a recording file.
var ErrRecording = errors.New("replay: bad recording")

// Player serves recorded snapshots in order, following the recorded times
// at its speed. Safe for concurrent use (the dashboard's poll commands and
// key handlers).
type Player struct {
	name   string
	schema redisops.Schema
	clock  func() time.Time
	src    io.ReaderAt // the frames' bytes: the recording file, or a copy in memory
	frames []span      // where each snapshot's JSON is in src
	times  []time.Time // their taken_at

	mu     sync.Mutex
	idx    int       // the frame shown
	pos    time.Time // the recorded time reached
	anchor time.Time // wall time pos was last moved at
	paused bool
	speed  float64
}

// span is where one frame is in the player's source.
type span struct{ off, length int64 }

// Load reads a recording file through r (a regular file, kept open while the
// player is used): every line is checked as it is read (scan), and only
// where each frame is and its time are kept, so memory does not grow with
// the file. name says where it comes from; clock is the wall clock
// (time.Now when nil). An interrupt (ctx) stops the reading.
func Load(ctx context.Context, r io.ReaderAt, name string, schema redisops.Schema, clock func() time.Time) (*Player, error) {
	p := newPlayer(name, schema, clock)
	p.src = r
	err := scan(ctx, bufio.NewReaderSize(io.NewSectionReader(r, 0, math.MaxInt64), 64<<10), name,
		func(off int64, frame []byte, at time.Time) {
			p.frames, p.times = append(p.frames, span{off, int64(len(frame))}), append(p.times, at)
		})
	return p.ready(err)
}

// New loads a recording from a stream r, the frames kept in memory (tests,
// a recording in a buffer); lines are checked as by Load.
func New(r io.Reader, name string, schema redisops.Schema, clock func() time.Time) (*Player, error) {
	p := newPlayer(name, schema, clock)
	var mem []byte
	err := scan(context.Background(), bufio.NewReaderSize(r, 64<<10), name, func(_ int64, frame []byte, at time.Time) {
		p.frames, p.times = append(p.frames, span{int64(len(mem)), int64(len(frame))}), append(p.times, at)
		mem = append(mem, frame...)
	})
	p.src = bytes.NewReader(mem)
	return p.ready(err)
}

// newPlayer is a player with no frames yet, at speed 1.
func newPlayer(name string, schema redisops.Schema, clock func() time.Time) *Player {
	if clock == nil {
		clock = time.Now
	}
	return &Player{name: name, schema: schema, clock: clock, speed: 1}
}

// ready ends the loading: err, or none of the lines was a snapshot, fails
// it; otherwise the first frame is shown.
func (p *Player) ready(err error) (*Player, error) {
	if err != nil {
		return nil, err
	}
	if len(p.frames) == 0 {
		return nil, fmt.Errorf("%w: %s holds no snapshot", ErrRecording, p.name)
	}
	p.pos, p.anchor = p.times[0], p.clock()
	return p, nil
}

// advance moves the recorded time on by the wall time since the last move,
// times the speed; at the last frame the player pauses.
func (p *Player) advance() {
	now := p.clock()
	if !p.paused {
		p.pos = p.pos.Add(time.Duration(float64(now.Sub(p.anchor)) * p.speed))
		for p.idx+1 < len(p.frames) && !p.times[p.idx+1].After(p.pos) {
			p.idx++
		}
		if p.idx == len(p.frames)-1 {
			p.paused = true
		}
	}
	p.anchor = now
}

// Snapshot returns the frame at the player's position (a fresh copy).
func (p *Player) Snapshot(context.Context, redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	p.mu.Lock()
	p.advance()
	f := p.frames[p.idx]
	p.mu.Unlock()
	raw := make([]byte, f.length)
	if _, err := p.src.ReadAt(raw, f.off); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrRecording, p.name, err)
	}
	var s redisops.Snapshot
	if err := json.Unmarshal(raw, &s); err != nil { // the file changed since it was loaded
		return nil, fmt.Errorf("%w: %s: %w", ErrRecording, p.name, err)
	}
	return &s, nil
}

// Now is the recorded time of the frame shown: the dashboard's clock in a
// replay, so that ages and countdowns read as they did.
func (p *Player) Now() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.times[p.idx]
}

// Paused reports whether playback is paused (it pauses at the end too).
func (p *Player) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// SetPaused pauses or plays; playing from the last frame starts over.
func (p *Player) SetPaused(paused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	if !paused && p.idx == len(p.frames)-1 {
		p.idx, p.pos = 0, p.times[0]
	}
	p.paused = paused
}

// Step pauses and moves n frames (negative: back), within the recording.
func (p *Player) Step(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	p.paused = true
	p.idx = min(max(p.idx+n, 0), len(p.frames)-1)
	p.pos = p.times[p.idx]
}

// Speed is the playback speed (1: as recorded).
func (p *Player) Speed() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.speed
}

// SetSpeed sets the speed, kept within MinSpeed and MaxSpeed.
func (p *Player) SetSpeed(f float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	p.speed = min(max(f, MinSpeed), MaxSpeed)
}

// Position is the frame shown (1-based) and the number of frames.
func (p *Player) Position() (int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.idx + 1, len(p.frames)
}

// Schema is the key schema (for the keys the dashboard names).
func (p *Player) Schema() redisops.Schema { return p.schema }

// URL names the recording.
func (p *Player) URL() string { return "replay of " + p.name }

// Do refuses every operation: a replay is read-only.
func (p *Player) Do(context.Context, redisops.Request) (redisops.Result, error) {
	return redisops.Result{}, ErrReadOnly
}

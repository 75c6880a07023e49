package main

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// The lag measurements' sale: its stock key is part of the load, it has no
// holds until a measurement writes some, and the dashboard pins it
// (--sale), so its row is always in the sales table.
const (
	lagSale    = "lagtest"
	lagStock   = 1_000
	lagHolds   = 500                   // holds a pipelined write adds or deletes
	bulkHolds  = 20_000                // holds one EVAL writes
	lagHoldTTL = 300                   // s, as the backend's holds
	screenPoll = 50 * time.Millisecond // how often the pane is read
	lagTarget  = time.Second
	stopTarget = 5 * time.Second
)

//go:embed lagholds.lua
var lagHoldsLua string

// lagHoldsScript writes many holds of the lag sale in one EVAL.
var lagHoldsScript = redis.NewScript(lagHoldsLua)

// lagResults is every lag measurement of one dashboard session.
type lagResults struct {
	ran            bool
	add, del, bulk []sample
	stopRan        bool
	stop           sample
}

// goal is a state of the lag sale's HOLDS cell on screen. It is met only
// by a live count: one drawn with the not-live mark ("500~") says itself
// that it is not current, so it is recorded (watched.markedAt) but is no
// pass.
type goal struct {
	desc string // "0", "≥ 500"
	met  func(shownCount) bool
}

// reached reports whether a count read from the screen (err: none could
// be read) meets the goal, and whether it has the goal's number but is
// drawn not live.
func (g goal) reached(c shownCount, err error) (met, marked bool) {
	if err != nil || !g.met(c) {
		return false, false
	}
	return !c.notLive, c.notLive
}

func exactly(n int64) goal {
	return goal{strconv.FormatInt(n, 10), func(c shownCount) bool { return c.exactly(n) }}
}

func atLeast(n int64) goal {
	return goal{"≥ " + strconv.FormatInt(n, 10), func(c shownCount) bool { return c.atLeast(n) }}
}

// lagStep is one timed change: the screen must show pre first (else the
// repeat fails as not measured, but the writes still run so that the
// keyspace returns to its starting state). The clock starts just before
// write sends its commands, or when pause (run first) says it does, and
// stops when the screen shows goal; it fails after limit.
type lagStep struct {
	pre, goal goal
	pause     func(context.Context) (time.Time, error)
	write     func(context.Context) error
	limit     time.Duration
}

// timeStep runs a lag step. An error is the harness's own failure (a write
// refused by the server); a missed goal is a failed sample.
func (h *harness) timeStep(ctx context.Context, st lagStep) (sample, error) {
	pre := h.watch(ctx, time.Now(), st.pre, h.lagTimeout)
	t0 := time.Now()
	if st.pause != nil {
		var err error
		if t0, err = st.pause(ctx); err != nil {
			return sample{}, err
		}
	}
	if err := st.write(ctx); err != nil {
		return sample{}, err
	}
	if !pre.met {
		return sample{why: "not measured", last: pre.last,
			detail: fmt.Sprintf("the screen was not at %s within %s before the write", st.pre.desc, h.lagTimeout)}, nil
	}
	w := h.watch(ctx, t0, st.goal, st.limit)
	s := sample{trail: w.trail, marked: w.marked, markedAt: w.markedAt}
	if !w.met {
		s.why, s.last = "timeout after "+st.limit.String(), w.last
		return s, nil
	}
	s.lag, s.ok, s.count = w.at, true, w.count
	return s, nil
}

// watched is what watch saw.
type watched struct {
	met      bool
	at       time.Duration // from t0 to the capture that met the goal
	count    shownCount    // the count that met it
	marked   bool          // the goal's number was drawn not live first
	markedAt time.Duration // from t0 to the first such capture
	last     string        // the last display read, quoted, or why there was none
	trail    []string      // every change of the display: "0.412s \"500\""
}

// watch reads the lag sale's HOLDS cell every screenPoll until it meets g
// or limit has passed since t0.
func (h *harness) watch(ctx context.Context, t0 time.Time, g goal, limit time.Duration) watched {
	w := watched{last: "nothing"}
	for {
		pane, err := h.tmux("capture-pane", "-p", "-t", "perf")
		if err != nil {
			w.last = fmt.Sprintf("no pane (%v: %s)", err, pane)
			return w
		}
		seen := time.Since(t0) // after the capture: the screen may have been ready a little earlier
		c, err := holdsOnScreen(pane, lagSale)
		shown := strconv.Quote(c.text)
		if err != nil {
			shown = "no count (" + strings.TrimPrefix(err.Error(), errNoCount.Error()+": ") + ")"
		}
		if shown != w.last {
			w.last, w.trail = shown, append(w.trail, fmtLag(seen)+" "+shown)
		}
		met, marked := g.reached(c, err)
		if marked && !w.marked {
			w.marked, w.markedAt = true, seen
		}
		if met {
			w.met, w.at, w.count = true, seen, c
			return w
		}
		if seen >= limit || ctx.Err() != nil {
			return w
		}
		sleep(ctx, screenPoll)
	}
}

// measureLag runs the lag repeats: each adds 500 holds then deletes them,
// then each writes 20,000 with one EVAL (and deletes them, untimed).
func (h *harness) measureLag(ctx context.Context, rdb *redis.Client) (lagResults, error) {
	r := lagResults{ran: true}
	for rep := 1; rep <= h.lagRepeats && ctx.Err() == nil; rep++ {
		keys := holdKeys(fmt.Sprintf("la%d-", rep), lagHolds)
		a, err := h.timeStep(ctx, lagStep{pre: exactly(0), goal: atLeast(lagHolds), limit: h.lagTimeout,
			write: func(ctx context.Context) error { return writeHolds(ctx, rdb, keys) }})
		if err != nil {
			return r, err
		}
		d, err := h.timeStep(ctx, lagStep{pre: exactly(lagHolds), goal: exactly(0), limit: h.lagTimeout,
			write: func(ctx context.Context) error { return deleteHolds(ctx, rdb, keys) }})
		if err != nil {
			return r, err
		}
		r.add, r.del = append(r.add, a), append(r.del, d)
		h.logSample("500 written", rep, a)
		h.logSample("500 deleted", rep, d)
	}
	for rep := 1; rep <= h.lagRepeats && ctx.Err() == nil; rep++ {
		prefix := fmt.Sprintf("lb%d-", rep)
		b, err := h.timeStep(ctx, lagStep{pre: exactly(0), goal: atLeast(bulkHolds), limit: h.lagTimeout,
			write: func(ctx context.Context) error {
				return lagHoldsScript.Eval(ctx, rdb, nil, prefix, bulkHolds, lagSale, lagHoldTTL, time.Now().Unix()).Err()
			}})
		if err != nil {
			return r, err
		}
		if err := deleteHolds(ctx, rdb, holdKeys(prefix, bulkHolds)); err != nil {
			return r, err
		}
		r.bulk = append(r.bulk, b)
		h.logSample("20,000 in one EVAL", rep, b)
	}
	return r, ctx.Err()
}

// measureStop pauses the server with SIGSTOP for h.stopFor, resumes it
// with SIGCONT, writes 500 holds and times SIGCONT → the screen counting
// them; then deletes them.
func (h *harness) measureStop(ctx context.Context, rdb *redis.Client) (sample, error) {
	keys := holdKeys("ls-", lagHolds)
	s, err := h.timeStep(ctx, lagStep{pre: exactly(0), goal: atLeast(lagHolds), limit: h.stopTimeout,
		pause: func(ctx context.Context) (time.Time, error) {
			if err := syscall.Kill(h.serverPID, syscall.SIGSTOP); err != nil {
				return time.Time{}, fmt.Errorf("SIGSTOP redis-server (pid %d): %w", h.serverPID, err)
			}
			sleep(ctx, h.stopFor) // returns early on interrupt; SIGCONT follows in every case
			if err := syscall.Kill(h.serverPID, syscall.SIGCONT); err != nil {
				return time.Time{}, fmt.Errorf("SIGCONT redis-server (pid %d): %w", h.serverPID, err)
			}
			return time.Now(), ctx.Err()
		},
		write: func(ctx context.Context) error { return writeHolds(ctx, rdb, keys) }})
	if err != nil {
		return s, err
	}
	h.logSample("500 after SIGCONT", 1, s)
	return s, deleteHolds(ctx, rdb, keys)
}

// logSample prints one repeat's outcome as it happens.
func (h *harness) logSample(what string, rep int, s sample) {
	if s.ok {
		fmt.Fprintf(h.log, "lag %s #%d: %s (screen %q)", what, rep, fmtLag(s.lag), s.count.text)
	} else {
		fmt.Fprintf(h.log, "lag %s #%d: FAIL %s (screen showed %s)", what, rep, s.failure(), s.last)
	}
	if len(s.trail) > 0 {
		fmt.Fprintf(h.log, "; screen after the write: %s", strings.Join(s.trail, ", "))
	}
	fmt.Fprintln(h.log)
}

// holdKeys is n hold keys of the lag sale: users prefix00000, prefix00001….
func holdKeys(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("reservation:%s%05d:%s", prefix, i, lagSale)
	}
	return keys
}

// writeHolds writes holds as the backend does (HSET quantity, reserved_at,
// user_id; EXPIRE 300), all in one pipeline.
func writeHolds(ctx context.Context, rdb *redis.Client, keys []string) error {
	now := time.Now().Unix()
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			user := k[len("reservation:") : len(k)-len(":"+lagSale)]
			p.HSet(ctx, k, "quantity", 1, "reserved_at", now, "user_id", user)
			p.Expire(ctx, k, lagHoldTTL*time.Second)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write holds: %w", err)
	}
	return nil
}

// deleteHolds deletes the keys, one DEL each, in pipelines of pipelineBatch.
func deleteHolds(ctx context.Context, rdb *redis.Client, keys []string) error {
	for lo := 0; lo < len(keys); lo += pipelineBatch {
		batch := keys[lo:min(lo+pipelineBatch, len(keys))]
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range batch {
				p.Del(ctx, k)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("delete holds: %w", err)
		}
	}
	return nil
}

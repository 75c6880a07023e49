package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// dashResult is what one dashboard session measured: its steady-state cost
// over the window, then the lag measurements.
type dashResult struct {
	steady    bool       // the steady window ran
	server    serverCost // the server's cost over the window
	procShare float64    // flashtop's CPU as a share of one core
	rssMaxKB  int64      // highest VmRSS sampled
	hwmKB     int64      // VmHWM at the end (peak RSS since start)
	screen    string     // the last screen, for the record
	warmup    time.Duration
	walked    bool       // the dashboard reported a complete discovery walk before the window
	startup   serverCost // the server's cost from launch to the window (the first walk)
	lag       lagResults
	session   serverCost // the server's cost from launch to quit (writes of the lag steps included)
	quit      bool       // the dashboard exited after "q"
}

// walksRe finds the dashboard's count of complete discovery walks on its
// status line ("… · 1 walks · …").
var walksRe = regexp.MustCompile(`\b([0-9]+) walks?\b`)

// warmUp waits until the dashboard's status line reports a complete
// discovery walk (its steady state), at most h.warmup, and at least 5 s.
func (h *harness) warmUp(ctx context.Context) (time.Duration, bool) {
	start := time.Now()
	for ctx.Err() == nil && time.Since(start) < h.warmup {
		sleep(ctx, time.Second)
		pane, _ := h.tmux("capture-pane", "-p", "-t", "perf")
		if m := walksRe.FindStringSubmatch(pane); m != nil && m[1] != "0" && time.Since(start) >= 5*time.Second {
			return time.Since(start), true
		}
	}
	return time.Since(start), false
}

// tmux runs a tmux command on the harness's private socket.
func (h *harness) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", h.tmuxSocket}, args...)...).CombinedOutput()
	return string(out), err
}

// measureDashboard starts the real dashboard (the flashtop binary, default
// flags but the lag sale pinned) in a detached 160x48 tmux pane, lets it warm
// up, measures the server's and its own cost over the window, then runs the
// lag measurements and quits it.
func (h *harness) measureDashboard(ctx context.Context, rdb *redis.Client) (dashResult, error) {
	var r dashResult
	launch, err := markServer(ctx, rdb)
	if err != nil {
		return r, err
	}
	cmd := fmt.Sprintf("exec %s --redis-url %s --sale %s", h.flashtop, h.url, lagSale)
	if _, err := h.tmux("new-session", "-d", "-s", "perf", "-x", "160", "-y", "48", cmd); err != nil {
		return r, fmt.Errorf("tmux: %w (is tmux installed?)", err)
	}
	defer func() { _, _ = h.tmux("kill-server") }()
	out, err := h.tmux("display-message", "-p", "-t", "perf", "#{pane_pid}")
	if err != nil {
		return r, fmt.Errorf("tmux pane pid: %w: %s", err, out)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return r, fmt.Errorf("tmux pane pid %q: %w", out, err)
	}
	r.warmup, r.walked = h.warmUp(ctx)
	s0, err := markServer(ctx, rdb)
	if err != nil {
		return r, err
	}
	r.startup = costBetween(launch, s0)
	if !h.skipSteady {
		if err := h.steadyWindow(ctx, rdb, pid, &r); err != nil {
			return r, err
		}
	}
	if err := h.lagPhase(ctx, rdb, &r); err != nil {
		return r, err
	}
	r.screen, _ = h.tmux("capture-pane", "-p", "-t", "perf")
	r.quit = h.quitDashboard(ctx, pid)
	end, err := markServer(ctx, rdb)
	if err != nil {
		return r, err
	}
	r.session = costBetween(launch, end)
	return r, nil
}

// steadyWindow measures the server's and the dashboard's cost over the
// window, with no writes.
func (h *harness) steadyWindow(ctx context.Context, rdb *redis.Client, pid int, r *dashResult) error {
	s0, err := markServer(ctx, rdb)
	if err != nil {
		return err
	}
	p0, err := markProc(pid)
	if err != nil {
		return fmt.Errorf("flashtop (pid %d) is not running: %w", pid, err)
	}
	for end := time.Now().Add(h.window); time.Now().Before(end) && ctx.Err() == nil; {
		sleep(ctx, time.Second)
		if m, err := markProc(pid); err == nil {
			r.rssMaxKB = max(r.rssMaxKB, m.rssKB)
		}
	}
	s1, err := markServer(ctx, rdb)
	if err != nil {
		return err
	}
	p1, err := markProc(pid)
	if err != nil {
		return fmt.Errorf("flashtop exited during the window: %w", err)
	}
	r.steady, r.server, r.procShare, r.hwmKB = true, costBetween(s0, s1), cpuShare(p0, p1), p1.hwmKB
	return ctx.Err()
}

// lagPhase runs the lag measurements the flags leave in.
func (h *harness) lagPhase(ctx context.Context, rdb *redis.Client, r *dashResult) error {
	var err error
	if !h.skipLag {
		if r.lag, err = h.measureLag(ctx, rdb); err != nil {
			return err
		}
	}
	if !h.skipStop {
		r.lag.stopRan = true
		if r.lag.stop, err = h.measureStop(ctx, rdb); err != nil {
			return err
		}
	}
	return nil
}

// quitDashboard presses q and waits up to 5 s for the process to exit.
func (h *harness) quitDashboard(ctx context.Context, pid int) bool {
	_, _ = h.tmux("send-keys", "-t", "perf", "q")
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && ctx.Err() == nil; {
		if _, err := markProc(pid); err != nil {
			return true
		}
		sleep(ctx, 100*time.Millisecond)
	}
	return false
}

// measureNaive runs a full SCAN (COUNT 1000) of the keyspace every 2 s over
// the window, on its own connection, and measures the server's cost.
func (h *harness) measureNaive(ctx context.Context, rdb *redis.Client) (serverCost, int, error) {
	scanner := redis.NewClient(&redis.Options{Addr: h.addr, DisableIdentity: true})
	defer scanner.Close()
	s0, err := markServer(ctx, rdb)
	if err != nil {
		return serverCost{}, 0, err
	}
	walks := 0
	end := time.Now().Add(h.window)
	for next := time.Now(); next.Before(end) && ctx.Err() == nil; next = next.Add(2 * time.Second) {
		sleep(ctx, time.Until(next))
		var cursor uint64
		for {
			_, c, err := scanner.Scan(ctx, cursor, "", 1000).Result()
			if err != nil {
				return serverCost{}, walks, fmt.Errorf("naive SCAN: %w", err)
			}
			if cursor = c; cursor == 0 {
				break
			}
		}
		walks++
	}
	sleep(ctx, time.Until(end))
	s1, err := markServer(ctx, rdb)
	return costBetween(s0, s1), walks, err
}

// measureIdle measures the server doing nothing but its own housekeeping.
func (h *harness) measureIdle(ctx context.Context, rdb *redis.Client, d time.Duration) (serverCost, error) {
	s0, err := markServer(ctx, rdb)
	if err != nil {
		return serverCost{}, err
	}
	sleep(ctx, d)
	s1, err := markServer(ctx, rdb)
	return costBetween(s0, s1), err
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// saveScreen writes the dashboard's last screen next to the results.
func saveScreen(path, screen string) {
	if path != "" {
		_ = os.WriteFile(path, []byte(screen), 0o644)
	}
}

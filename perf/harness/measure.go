package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat
// (100 on every Linux this runs on).
const clockTicks = 100

// serverMark is the server's cost counters at one moment.
type serverMark struct {
	at      time.Time
	usec    map[string]int64 // INFO commandstats usec per command
	calls   map[string]int64 // INFO commandstats calls per command
	cpuSecs float64          // used_cpu_sys + used_cpu_user
}

// markServer reads INFO commandstats and INFO cpu.
func markServer(ctx context.Context, rdb *redis.Client) (serverMark, error) {
	text, err := rdb.Info(ctx, "commandstats", "cpu").Result()
	if err != nil {
		return serverMark{}, fmt.Errorf("INFO: %w", err)
	}
	m := parseInfoCost(text)
	m.at = time.Now()
	return m, nil
}

// parseInfoCost reads the counters out of INFO commandstats and cpu text.
func parseInfoCost(text string) serverMark {
	m := serverMark{usec: map[string]int64{}, calls: map[string]int64{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if cmd, ok := strings.CutPrefix(name, "cmdstat_"); ok {
			for _, kv := range strings.Split(val, ",") {
				k, v, _ := strings.Cut(kv, "=")
				n, _ := strconv.ParseInt(v, 10, 64)
				switch k {
				case "usec":
					m.usec[cmd] = n
				case "calls":
					m.calls[cmd] = n
				}
			}
			continue
		}
		if name == "used_cpu_sys" || name == "used_cpu_user" {
			f, _ := strconv.ParseFloat(val, 64)
			m.cpuSecs += f
		}
	}
	return m
}

// serverCost is what the server spent between two marks.
type serverCost struct {
	window   time.Duration
	cmdUsec  int64            // sum of commandstats usec
	calls    int64            // commands run
	byCmd    map[string]int64 // usec per command
	callsBy  map[string]int64 // calls per command
	cpuSecs  float64          // used_cpu delta (includes the server's idle work)
	cmdShare float64          // cmdUsec as a share of one core over the window
	cpuShare float64          // cpuSecs as a share of one core over the window
}

func costBetween(a, b serverMark) serverCost {
	c := serverCost{window: b.at.Sub(a.at), byCmd: map[string]int64{}, callsBy: map[string]int64{}, cpuSecs: b.cpuSecs - a.cpuSecs}
	for cmd, u := range b.usec {
		d := u - a.usec[cmd]
		if d > 0 {
			c.byCmd[cmd] = d
			c.cmdUsec += d
		}
		if n := b.calls[cmd] - a.calls[cmd]; n > 0 {
			c.callsBy[cmd] = n
			c.calls += n
		}
	}
	c.cmdShare = float64(c.cmdUsec) / float64(c.window.Microseconds())
	c.cpuShare = c.cpuSecs / c.window.Seconds()
	return c
}

// top lists the costliest commands, "cmd usec" pairs, at most n.
func (c serverCost) top(n int) string {
	var parts []string
	for i, cmd := range c.names(func(string) bool { return true }) {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.0fms", cmd, float64(c.byCmd[cmd])/1000))
	}
	return strings.Join(parts, ", ")
}

// names is the commands that ran and keep accepts, costliest first (by
// usec, then calls, then name).
func (c serverCost) names(keep func(string) bool) []string {
	var list []string
	for cmd := range c.callsBy {
		if keep(cmd) {
			list = append(list, cmd)
		}
	}
	slices.SortFunc(list, func(a, b string) int {
		return cmp.Or(cmp.Compare(c.byCmd[b], c.byCmd[a]), cmp.Compare(c.callsBy[b], c.callsBy[a]), cmp.Compare(a, b))
	})
	return list
}

// byName lists the commands keep accepts with their calls and time:
// "scan 1204 calls 357.1ms, hmget 800 calls 20.0ms"; "none" when none ran.
func (c serverCost) byName(keep func(string) bool) string {
	var parts []string
	for _, cmd := range c.names(keep) {
		parts = append(parts, fmt.Sprintf("%s %d calls %.1fms", cmd, c.callsBy[cmd], float64(c.byCmd[cmd])/1000))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// feedCommand reports whether a commandstats name belongs to the push feed
// (CLIENT TRACKING and its subcommands, TIME, the invalidation subscriber)
// rather than to the poll plan or the walk.
func feedCommand(cmd string) bool {
	switch cmd {
	case "time", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe":
		return true
	}
	return strings.HasPrefix(cmd, "client|")
}

// procMark is a process's CPU time and memory at one moment.
type procMark struct {
	at       time.Time
	cpuTicks int64 // utime + stime
	rssKB    int64 // VmRSS
	hwmKB    int64 // VmHWM (peak RSS)
}

// markProc reads /proc/<pid>/stat and /proc/<pid>/status.
func markProc(pid int) (procMark, error) {
	m := procMark{at: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return m, err
	}
	// Fields after the command name (which is in parentheses and may hold spaces).
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return m, fmt.Errorf("/proc/%d/stat: short", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of stat(5)
	st, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	m.cpuTicks = ut + st
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		name, val, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			m.rssKB = kb
		case "VmHWM":
			m.hwmKB = kb
		}
	}
	return m, nil
}

// cpuShare is the process's CPU between two marks as a share of one core.
func cpuShare(a, b procMark) float64 {
	return float64(b.cpuTicks-a.cpuTicks) / clockTicks / b.at.Sub(a.at).Seconds()
}

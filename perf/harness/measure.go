package main

import (
	"context"
	"fmt"
	"os"
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
	cpuSecs  float64          // used_cpu delta (includes the server's idle work)
	cmdShare float64          // cmdUsec as a share of one core over the window
	cpuShare float64          // cpuSecs as a share of one core over the window
}

func costBetween(a, b serverMark) serverCost {
	c := serverCost{window: b.at.Sub(a.at), byCmd: map[string]int64{}, cpuSecs: b.cpuSecs - a.cpuSecs}
	for cmd, u := range b.usec {
		d := u - a.usec[cmd]
		if d > 0 {
			c.byCmd[cmd] = d
			c.cmdUsec += d
		}
		c.calls += b.calls[cmd] - a.calls[cmd]
	}
	c.cmdShare = float64(c.cmdUsec) / float64(c.window.Microseconds())
	c.cpuShare = c.cpuSecs / c.window.Seconds()
	return c
}

// top lists the costliest commands, "cmd usec" pairs, at most n.
func (c serverCost) top(n int) string {
	type kv struct {
		cmd  string
		usec int64
	}
	var list []kv
	for k, v := range c.byCmd {
		list = append(list, kv{k, v})
	}
	for i := range list { // small: selection sort by usec, descending
		for j := i + 1; j < len(list); j++ {
			if list[j].usec > list[i].usec {
				list[i], list[j] = list[j], list[i]
			}
		}
	}
	var parts []string
	for i := 0; i < len(list) && i < n; i++ {
		parts = append(parts, fmt.Sprintf("%s %.0fms", list[i].cmd, float64(list[i].usec)/1000))
	}
	return strings.Join(parts, ", ")
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

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/scripts"
)

// snapResult is the wall time and exactness of `flashtop snapshot --json`.
type snapResult struct {
	wall    time.Duration
	exact   bool
	problem string // the first count that differs, when not exact
}

// snapshotJSON is the part of the snapshot object the harness checks.
type snapshotJSON struct {
	Sales []struct {
		ID            string `json:"id"`
		Inventory     *int64 `json:"inventory"`
		QueueLength   int64  `json:"queue_length"`
		Reservations  int64  `json:"reservations"`
		ReservedUnits int64  `json:"reserved_units"`
	} `json:"sales"`
}

// measureSnapshot runs the snapshot command and checks every sale's counts
// against what was loaded.
func (h *harness) measureSnapshot(ctx context.Context) (snapResult, error) {
	start := time.Now()
	out, err := exec.CommandContext(ctx, h.flashtop, "snapshot", "--json", "--redis-url", h.url, "--timeout", "30s").Output()
	r := snapResult{wall: time.Since(start)}
	if err != nil {
		return r, fmt.Errorf("flashtop snapshot: %w", err)
	}
	var s snapshotJSON
	if err := json.Unmarshal(out, &s); err != nil {
		return r, fmt.Errorf("snapshot JSON: %w", err)
	}
	want := map[string]bool{}
	for i := 0; i < sales; i++ {
		want[saleID(i)] = true
	}
	units := expectedUnits()
	for _, sale := range s.Sales {
		if !want[sale.ID] {
			continue
		}
		delete(want, sale.ID)
		if sale.Inventory == nil || *sale.Inventory != stockPerSale || sale.QueueLength != queueMembers ||
			sale.Reservations != holdsPerSale || sale.ReservedUnits != units {
			r.problem = fmt.Sprintf("sale %s: %+v", sale.ID, sale)
			return r, nil
		}
	}
	if len(want) > 0 {
		r.problem = fmt.Sprintf("%d sales missing", len(want))
		return r, nil
	}
	r.exact = true
	return r, nil
}

// benchPair is one side-by-side round: flashtop bench and redis-benchmark.
type benchPair struct {
	flashtopOps, redisBenchOps float64
	oversold                   int64
	p50, p99                   int64
	benchExit                  int
}

// benchJSON is the part of bench's JSON the harness reads.
type benchJSON struct {
	Reserved      int64   `json:"reserved"`
	ReservedUnits int64   `json:"reserved_units"`
	Oversold      int64   `json:"oversold"`
	OpsPerSec     float64 `json:"ops_per_sec"`
	P50Us         int64   `json:"p50_us"`
	P99Us         int64   `json:"p99_us"`
}

var rpsRe = regexp.MustCompile(`([0-9.]+) requests per second`)

// measureBench runs `flashtop bench --buyers 50` and redis-benchmark -c 50
// with EVALSHA of the same reserve script (same keys and arguments shape,
// same stock: half the attempts reserve, half find no stock), round times.
func (h *harness) measureBench(ctx context.Context, rdb *redis.Client, round int) (benchPair, error) {
	var p benchPair
	attempts, stock := h.benchN, h.benchN/2
	rbSale := fmt.Sprintf("rb%d", round)
	if err := rdb.Set(ctx, "inventory:"+rbSale, stock, 0).Err(); err != nil {
		return p, err
	}
	sha, err := scripts.Reserve.Load(ctx, rdb).Result()
	if err != nil {
		return p, fmt.Errorf("SCRIPT LOAD: %w", err)
	}
	out, err := exec.CommandContext(ctx, "redis-benchmark", "-h", "127.0.0.1", "-p", strconv.Itoa(h.port), "-c", "50",
		"-n", strconv.Itoa(attempts), "-r", "1000000000", "-q",
		"EVALSHA", sha, "2", "inventory:"+rbSale, "reservation:__rand_int__:"+rbSale, "1", "300", "u__rand_int__").CombinedOutput()
	if err != nil {
		return p, fmt.Errorf("redis-benchmark: %w: %s", err, out)
	}
	m := rpsRe.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return p, fmt.Errorf("redis-benchmark: no figure in %q", out)
	}
	p.redisBenchOps, _ = strconv.ParseFloat(string(m[len(m)-1][1]), 64)
	// Proof that redis-benchmark ran the script, not an error: the stock is gone.
	if left, err := rdb.Get(ctx, "inventory:"+rbSale).Result(); err != nil || left != "0" {
		return p, fmt.Errorf("redis-benchmark left stock %q (%w), want 0: did the script run?", left, err)
	}

	cmd := exec.CommandContext(ctx, h.flashtop, "bench", "--redis-url", h.url, "--sale", fmt.Sprintf("fb%d", round),
		"--stock", strconv.Itoa(stock), "--buyers", "50", "--attempts", strconv.Itoa(attempts), "--json")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err = cmd.Run()
	if cmd.ProcessState == nil {
		return p, fmt.Errorf("flashtop bench: %w", err)
	}
	p.benchExit = cmd.ProcessState.ExitCode()
	var b benchJSON
	if err := json.Unmarshal(stdout.Bytes(), &b); err != nil {
		return p, fmt.Errorf("flashtop bench (exit %d) JSON %q: %w", p.benchExit, stdout.String(), err)
	}
	p.flashtopOps, p.oversold, p.p50, p.p99 = b.OpsPerSec, b.Oversold, b.P50Us, b.P99Us
	return p, nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"flashtop/demo"
	"flashtop/redisops"
	"flashtop/textsafe"
)

// Limits of the simulate flags.
const (
	defaultRate  = 5.0
	minRate      = 0.1
	maxRate      = 1000
	maxDuration  = 24 * time.Hour
	progressTick = time.Second
)

// simulateCommand is the row of simulate.
func simulateCommand() command {
	return command{name: "simulate", args: "--sale S [--sale S2]... [--rate N/s] [--duration D] [--seed N]",
		about: "simulated buyers on existing sales: join, admission, reserve, checkout/release/expire; ctrl+c stops",
		flags: []string{"rate", "duration"}, sales: someSales, write: true,
		check: (*config).setSimulate, run: noStdin(runSimulate)}
}

// setSimulate parses --rate ("5", "5/s", "2.5/s") and --duration.
func (c *config) setSimulate(fs *pflag.FlagSet, r rawFlags) error {
	c.Rate = defaultRate
	if fs.Changed("rate") {
		v, err := strconv.ParseFloat(strings.TrimSuffix(r.rate, "/s"), 64)
		if err != nil || math.IsNaN(v) || v < minRate || v > maxRate {
			return usagef("--rate: must be arrivals per second from %g to %g, like 5 or 5/s (got %q)", minRate, float64(maxRate), r.rate)
		}
		c.Rate = v
	}
	if fs.Changed("duration") {
		d, err := parseDuration("--duration", r.duration, time.Second, maxDuration)
		if err != nil {
			return err
		}
		c.Duration = d
	}
	return nil
}

// simJSON is the --json object of the simulate command.
type simJSON struct {
	OK     bool       `json:"ok"`
	Status string     `json:"status"`
	Seed   uint64     `json:"seed"`
	Stats  demo.Stats `json:"stats"`
	Sales  []string   `json:"sales"`
	Errors int64      `json:"errors"`
	Last   string     `json:"last_error,omitempty"`
}

// runSimulate drives simulated buyers against the configured Redis until
// --duration passes or the user interrupts, printing a progress line a second.
// When the server stops answering (watchServer) it stops within a few
// seconds with what was done, exit 3.
func runSimulate(ctx context.Context, cfg config, p printer) int {
	client, err := connect(ctx, cfg, true)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	seed := uint64(time.Now().UnixNano())
	if cfg.SeedSet {
		seed = uint64(cfg.Seed)
	}
	sim := demo.New(client, simConfig(cfg, seed), nil)
	if cfg.Duration > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, cfg.Duration)
		defer stop()
	}
	ctx, lost := context.WithCancelCause(ctx)
	defer lost(nil)
	go watchServer(ctx, client, progressTick, lost)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sim.Run(ctx) // its error is how it stopped: ctx's cause below says why
	}()
	progress(ctx, p.stderr, sim)
	<-done
	st := sim.Stats()
	status := "simulated"
	if cause := context.Cause(ctx); errors.Is(cause, redisops.ErrUnreachable) {
		status = "stopped" // the server went away: reported last, exit 3
		defer func() {
			_, why := describe(cfg, cause)
			fmt.Fprintln(p.stderr, "flashtop: simulate: stopped: "+textsafe.String(redact(why, cfg)))
		}()
	}
	if p.json {
		p.emit(simJSON{OK: st.Errors == 0 && status == "simulated", Status: status, Seed: seed, Stats: st, Sales: cfg.Sales, Errors: st.Errors, Last: st.LastErr})
	} else {
		fmt.Fprintf(p.stdout, "simulated %s on %s (seed %d): %s\n", st.Virtual.Round(time.Second), strings.Join(cfg.Sales, ", "), seed, statsLine(st))
	}
	if st.Errors > 0 || status != "simulated" {
		fmt.Fprintf(p.stderr, "flashtop: simulate: %d operations failed; last: %s\n", st.Errors, textsafe.String(st.LastErr))
		return exitRedis
	}
	return exitOK
}

// watchServer PINGs the server every period until ctx ends and calls lost
// with the error of the first PING that fails (no answer within --timeout
// is unreachable, as for every command): a run against a dead or stopped
// server stops within period + --timeout.
func watchServer(ctx context.Context, c *redisops.Client, period time.Duration, lost context.CancelCauseFunc) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := c.Ping(ctx); err != nil && ctx.Err() == nil {
			lost(err)
			return
		}
	}
}

// simConfig builds the simulator's sales from the command line.
func simConfig(cfg config, seed uint64) demo.Config {
	sc := demo.DefaultConfig(seed)
	sc.Profiles = nil
	sc.UserPrefix = fmt.Sprintf("sim%04x-", seed&0xffff) // runs against one server do not collide
	batch := int64(math.Max(1, math.Ceil(cfg.Rate)))
	for _, s := range cfg.Sales {
		sc.Profiles = append(sc.Profiles, demo.Profile{Sale: s, Rate: cfg.Rate, AdmitEvery: time.Second, AdmitBatch: batch})
	}
	return sc
}

// progress prints one line a second until ctx ends.
func progress(ctx context.Context, w io.Writer, sim *demo.Sim) {
	t := time.NewTicker(progressTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			st := sim.Stats()
			fmt.Fprintf(w, "simulate %5s  %s\n", st.Virtual.Round(time.Second), statsLine(st))
		}
	}
}

// statsLine is the one-line summary of the simulator's counters.
func statsLine(st demo.Stats) string {
	return fmt.Sprintf("arrivals %d, joined %d, queue full %d, left %d, admitted %d, reserved %d, refused %d, checked out %d, released %d, let expire %d, errors %d",
		st.Arrivals, st.Joined, st.QueueFull, st.Left, st.Admitted, st.Reserved, st.Refused, st.CheckedOut, st.Released, st.Expired, st.Errors)
}

package demo

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"flashtop/redisops"
)

// Config tunes the simulator.
type Config struct {
	Profiles []Profile
	Seed     uint64
	HoldTTL  time.Duration // TTL of the buyers' holds (DemoHoldTTL in the demo)
	// Of the buyers who get a hold: Checkout check out (DEL), Release release
	// it; the rest let it expire.
	Checkout, Release float64
	// LeaveProb of the queued buyers leave before they are admitted.
	LeaveProb float64
	// Tick is the wall-clock step of Run (100 ms when zero).
	Tick time.Duration
	// UserPrefix starts every simulated user id ("buyer-" when empty).
	UserPrefix string
}

// DefaultConfig is the demo's simulator: the three demo sales, 30 s holds,
// 60% check out, 20% release, 20% let the hold expire, 10% leave the queue.
func DefaultConfig(seed uint64) Config {
	return Config{Profiles: Profiles(), Seed: seed, HoldTTL: DemoHoldTTL,
		Checkout: 0.6, Release: 0.2, LeaveProb: 0.1}
}

// RushSize is how many buyers a rush brings at once.
const RushSize = 500

// Speed limits of the simulator.
const (
	MinSpeed = 0.25
	MaxSpeed = 16
)

// Op is one operation the simulator ran, with its outcome.
type Op struct {
	At     time.Duration // virtual time since the start
	Name   string        // open, join, leave, admit, reserve, checkout, release, restock
	Sale   string
	User   string
	Qty    int64
	Users  int    // admit: the buyers it popped
	Status string // the status word ("" with Err)
	Err    error
}

// String renders the op for logs and comparisons.
func (o Op) String() string {
	if o.Err != nil {
		return fmt.Sprintf("%s %s %s %d: error %v", o.Name, o.Sale, o.User, o.Qty, o.Err)
	}
	return fmt.Sprintf("%s %s %s %d: %s", o.Name, o.Sale, o.User, o.Qty, o.Status)
}

// Stats count what the simulator did.
type Stats struct {
	Arrivals        int64         `json:"arrivals"`
	Joined          int64         `json:"joined"`
	QueueFull       int64         `json:"queue_full"`
	Left            int64         `json:"left"`
	Admitted        int64         `json:"admitted"`
	Reserved        int64         `json:"reserved"`
	Refused         int64         `json:"refused"`
	CheckedOut      int64         `json:"checked_out"`
	Released        int64         `json:"released"`
	Expired         int64         `json:"let_expire"` // holds their buyers walked away from
	CheckedOutUnits int64         `json:"checked_out_units"`
	AbandonedUnits  int64         `json:"let_expire_units"`
	RestockedUnits  int64         `json:"restocked_units"`
	Errors          int64         `json:"errors"`
	LastErr         string        `json:"-"`
	Speed           float64       `json:"speed"`
	Paused          bool          `json:"paused"`
	Virtual         time.Duration `json:"-"`
}

// Sim drives simulated buyers through the same scripts and key templates as
// everything else. Advance is deterministic for a seed; Run paces it by the
// wall clock. Controls (SetSpeed, SetPaused, Rush) are safe from any goroutine.
type Sim struct {
	c      *redisops.Client
	cfg    Config
	rng    *rand.Rand
	now    time.Duration
	events eventQueue
	seq    int64
	users  int64
	// soldOut is when each sale's stock was last seen reaching 0 (-1: not sold out).
	soldOut []time.Duration
	onOp    func(Op)

	mu     sync.Mutex // guards the fields below
	stats  Stats
	speed  float64
	paused bool
	rushes []int
}

// New builds a simulator; onOp (may be nil) sees every operation in order.
func New(c *redisops.Client, cfg Config, onOp func(Op)) *Sim {
	if cfg.Tick <= 0 {
		cfg.Tick = 100 * time.Millisecond
	}
	if cfg.HoldTTL <= 0 {
		cfg.HoldTTL = DemoHoldTTL
	}
	if cfg.UserPrefix == "" {
		cfg.UserPrefix = "buyer-"
	}
	s := &Sim{c: c, cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		speed: 1, onOp: onOp, soldOut: make([]time.Duration, len(cfg.Profiles))}
	for i, p := range cfg.Profiles {
		s.soldOut[i] = -1
		if p.OpenAfter > 0 {
			s.schedule(event{at: p.OpenAfter, kind: evOpen, sale: i})
			continue
		}
		s.startBuyers(i)
	}
	return s
}

// startBuyers schedules a sale's first arrival and admission from now.
func (s *Sim) startBuyers(sale int) {
	p := s.cfg.Profiles[sale]
	if p.Rate > 0 {
		s.schedule(event{at: s.now + s.exp(p.Rate), kind: evArrival, sale: sale, chain: true})
	}
	if p.AdmitEvery > 0 {
		s.schedule(event{at: s.now + p.AdmitEvery, kind: evAdmit, sale: sale})
	}
}

func (s *Sim) schedule(e event) {
	s.seq++
	e.seq = s.seq
	heap.Push(&s.events, e)
}

// exp draws an exponential inter-arrival time for a rate per second.
func (s *Sim) exp(rate float64) time.Duration {
	return time.Duration(s.rng.ExpFloat64() / rate * float64(time.Second))
}

// between draws a duration uniformly in [lo, hi].
func (s *Sim) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(s.rng.Int64N(int64(hi-lo)))
}

// Run advances the simulation with the wall clock until ctx ends.
func (s *Sim) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			s.mu.Lock()
			speed, paused := s.speed, s.paused
			s.mu.Unlock()
			if !paused {
				s.Advance(ctx, time.Duration(float64(s.cfg.Tick)*speed))
			}
		}
	}
}

// Advance runs every event due within the next dt of virtual time, in order.
func (s *Sim) Advance(ctx context.Context, dt time.Duration) {
	s.takeRushes()
	target := s.now + dt
	for ctx.Err() == nil {
		e, ok := s.events.next(target)
		if !ok {
			break
		}
		s.now = e.at
		s.handle(ctx, e)
	}
	s.now = target
	s.mu.Lock()
	s.stats.Virtual = s.now
	s.mu.Unlock()
}

// takeRushes turns pending rush requests into arrivals due now.
func (s *Sim) takeRushes() {
	s.mu.Lock()
	rushes := s.rushes
	s.rushes = nil
	s.mu.Unlock()
	for _, sale := range rushes {
		for i := 0; i < RushSize; i++ {
			s.schedule(event{at: s.now, kind: evArrival, sale: sale})
		}
	}
}

// SetSpeed sets the pace of Run (clamped to MinSpeed..MaxSpeed).
func (s *Sim) SetSpeed(f float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.speed = math.Min(MaxSpeed, math.Max(MinSpeed, f))
}

// Speed returns the pace of Run.
func (s *Sim) Speed() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.speed
}

// SetPaused pauses or resumes Run.
func (s *Sim) SetPaused(p bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused = p
}

// Paused reports whether Run is paused.
func (s *Sim) Paused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// Summary is a one-line state for the dashboard's header.
func (s *Sim) Summary() string {
	st := s.Stats()
	if st.Paused {
		return "paused"
	}
	return fmt.Sprintf("%g× · %d arrived · %d reserved · %d let expire", st.Speed, st.Arrivals, st.Reserved, st.Expired)
}

// Rush brings RushSize buyers to a sale at once (at the next step).
func (s *Sim) Rush(sale string) error {
	for i, p := range s.cfg.Profiles {
		if p.Sale == sale {
			s.mu.Lock()
			s.rushes = append(s.rushes, i)
			s.mu.Unlock()
			return nil
		}
	}
	return fmt.Errorf("demo: no simulated sale %q", sale)
}

// Stats returns a copy of the counters.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Speed, st.Paused = s.speed, s.paused
	return st
}

// record counts an op and hands it to onOp.
func (s *Sim) record(op Op, count func(*Stats)) {
	op.At = s.now
	s.mu.Lock()
	if op.Err != nil {
		s.stats.Errors++
		s.stats.LastErr = op.Err.Error()
	} else if count != nil {
		count(&s.stats)
	}
	s.mu.Unlock()
	if s.onOp != nil {
		s.onOp(op)
	}
}

// errCanceled reports an error caused by the run ending.
func errCanceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, redisops.ErrUnreachable))
}

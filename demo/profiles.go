package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"flashtop/redisops"
)

// Profile describes one simulated sale: its stock and how buyers behave.
type Profile struct {
	Sale         string
	Title        string
	Stock        int64
	Rate         float64       // buyer arrivals per second (Poisson)
	AdmitEvery   time.Duration // admission cadence
	AdmitBatch   int64         // buyers admitted per admission
	RestockAfter time.Duration // restock Stock more units once sold out this long (0: never)
	// OpenAfter opens the sale this long after the start (0: open at the
	// start, by Seed): its stock, row and active-set entry are written then,
	// and its buyers start arriving.
	OpenAfter time.Duration
	// NoRelease: its buyers never release a hold (they check out or let it
	// expire), so its stock only falls and stays 0 once sold out.
	NoRelease bool
}

// DemoHoldTTL is the hold TTL of demo buyers: short, so the first expiries
// (and their lost units) show within about 20 s of the start.
const DemoHoldTTL = 15 * time.Second

// The demo's story, in the first minute (seeded runs are deterministic):
// the sneaker drop, selected at start, draws buyers faster than it admits
// them (8 a second, 7 admitted every 2 s), so its queue forms at once and
// is admitted in batches; its buyers never release (they check out or walk
// away), so it sells out at about 30–40 s and stays SOLD OUT until it is
// restocked 15 s later. The console drop opens 8 s in. The coffee slow burn sells all
// along. A fifth of the holds are left to expire, from about 17 s on.
const (
	StorySale    = "sneaker-drop" // the sale the dashboard selects at start
	LateSale     = "console-drop"
	LateOpen     = 8 * time.Second
	StoryRestock = 15 * time.Second
)

// Profiles are the three sales of `flashtop --demo`: a 200-unit sneaker drop
// that sells out and is restocked, a 400-unit console drop that opens late,
// and a 2,000-unit slow burn.
func Profiles() []Profile {
	return []Profile{
		{Sale: StorySale, Title: "Sneaker drop (200, sells out, restocked)", Stock: 200, Rate: 8,
			AdmitEvery: 2 * time.Second, AdmitBatch: 7, RestockAfter: StoryRestock, NoRelease: true},
		{Sale: LateSale, Title: "Console drop (400, opens 8 s in)", Stock: 400, Rate: 6,
			AdmitEvery: 3 * time.Second, AdmitBatch: 9, OpenAfter: LateOpen},
		{Sale: "coffee-slow-burn", Title: "Coffee slow burn (2,000)", Stock: 2000, Rate: 2,
			AdmitEvery: 2 * time.Second, AdmitBatch: 4},
	}
}

// saleRow is the backend's sale row as it caches it in flash_sale:<id>.
type saleRow struct {
	ID                string `json:"id"`
	Title             string `json:"title"`
	QuantityAvailable int64  `json:"quantity_available"`
	StartTime         string `json:"start_time"`
	EndTime           string `json:"end_time"`
	Status            string `json:"status"`
}

// Seed writes the sales that open at the start (OpenAfter 0) as the backend
// would: stock through the set script, each sale's row and the active-sales
// set. The simulator opens the others when their time comes.
func Seed(ctx context.Context, c *redisops.Client, profiles []Profile, now time.Time) error {
	for _, p := range profiles {
		if p.OpenAfter > 0 {
			continue
		}
		if err := openSale(ctx, c, p, now); err != nil {
			return err
		}
	}
	return nil
}

// openSale writes one sale: its stock, its row and its active-set entry.
func openSale(ctx context.Context, c *redisops.Client, p Profile, now time.Time) error {
	rdb := c.Redis()
	if _, err := c.SetStock(ctx, p.Sale, p.Stock); err != nil {
		return fmt.Errorf("demo: seed %s: %w", p.Sale, err)
	}
	row, err := json.Marshal(saleRow{ID: p.Sale, Title: p.Title, QuantityAvailable: p.Stock,
		StartTime: now.UTC().Format(time.RFC3339), EndTime: now.Add(time.Hour).UTC().Format(time.RFC3339), Status: "active"})
	if err != nil {
		return fmt.Errorf("demo: seed %s: %w", p.Sale, err)
	}
	if err := rdb.Set(ctx, "flash_sale:"+p.Sale, row, 0).Err(); err != nil {
		return fmt.Errorf("demo: seed %s: %w", p.Sale, redisops.Classify(err))
	}
	if err := rdb.SAdd(ctx, redisops.ActiveSalesKey, p.Sale).Err(); err != nil {
		return fmt.Errorf("demo: seed active sales: %w", redisops.Classify(err))
	}
	return nil
}

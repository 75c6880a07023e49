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
	RestockAfter time.Duration // restock to Stock once sold out this long (0: never)
}

// DemoHoldTTL is the hold TTL of demo buyers: short, so expiries are visible
// within a minute.
const DemoHoldTTL = 30 * time.Second

// Profiles are the three sales of `flashtop --demo`: a 200-unit fast drop,
// a 2,000-unit slow burn and a 50-unit instant sell-out.
func Profiles() []Profile {
	return []Profile{
		{Sale: "sneaker-drop", Title: "Sneaker drop (200, fast)", Stock: 200, Rate: 6,
			AdmitEvery: time.Second, AdmitBatch: 6, RestockAfter: 45 * time.Second},
		{Sale: "coffee-slow-burn", Title: "Coffee slow burn (2,000)", Stock: 2000, Rate: 2,
			AdmitEvery: 2 * time.Second, AdmitBatch: 4},
		{Sale: "console-instant", Title: "Console instant sell-out (50)", Stock: 50, Rate: 30,
			AdmitEvery: 500 * time.Millisecond, AdmitBatch: 25, RestockAfter: 60 * time.Second},
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

// Seed writes the profiles' sales as the backend would: stock through the
// set script, the active-sales set and each sale's row.
func Seed(ctx context.Context, c *redisops.Client, profiles []Profile, now time.Time) error {
	rdb := c.Redis()
	ids := make([]any, 0, len(profiles))
	for _, p := range profiles {
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
		ids = append(ids, p.Sale)
	}
	if err := rdb.SAdd(ctx, redisops.ActiveSalesKey, ids...).Err(); err != nil {
		return fmt.Errorf("demo: seed active sales: %w", redisops.Classify(err))
	}
	return nil
}

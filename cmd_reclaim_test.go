package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// seedLeaks records leaks of qtys in sale's ledger, as a watching dashboard
// would.
func seedLeaks(t *testing.T, url, sale string, qtys ...int64) {
	t.Helper()
	c, err := redisops.New(redisops.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, q := range qtys {
		l := redisops.Leak{Sale: sale, User: fmt.Sprint("u", i), Key: fmt.Sprintf("reservation:u%d:%s", i, sale),
			Quantity: q, Stamp: "1800000000", At: time.Now()}
		if ok, err := c.RecordLeak(context.Background(), l); err != nil || !ok {
			t.Fatalf("record: %v %v", ok, err)
		}
	}
}

func TestCLIReclaim(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	rdb.Set(context.Background(), "inventory:s1", "10", 0)
	seedLeaks(t, srv.URL(), "s1", 3, 4)
	if o := runCLI(t, env, "reclaim", "--sale", "s1", "--max", "16"); o.code != 1 || !strings.HasPrefix(o.stdout, "max_exceeded: sale s1 has 10") {
		t.Fatalf("--max 16: %+v", o)
	}
	o := runCLI(t, env, "reclaim", "--sale", "s1")
	want := "reclaimed: 7 leaked units back to the stock of sale s1 (stock 17; ledger flashtop:leaks:{s1})\n"
	if o.code != 0 || o.stdout != want {
		t.Fatalf("reclaim: %+v, want %q", o, want)
	}
	o = runCLI(t, env, "reclaim", "--sale", "s1", "--json")
	if o.code != 1 || o.stdout != `{"ok":false,"status":"nothing_to_reclaim"}`+"\n" {
		t.Fatalf("second reclaim: %+v", o)
	}
	seedLeaks(t, srv.URL(), "s2", 5)
	if o := runCLI(t, env, "reclaim", "--sale", "s2", "--json"); o.code != 0 || o.stdout != `{"ok":true,"status":"reclaimed","stock":5,"units":5}`+"\n" {
		t.Fatalf("json: %+v", o)
	}
	if o := runCLI(t, env, "reclaim"); o.code != 2 || !strings.Contains(o.stderr, "missing --sale") {
		t.Fatalf("no sale: %+v", o)
	}
	if o := runCLI(t, map[string]string{envURL: "redis://redis.flashtop.invalid:6379/0"}, "reclaim", "--sale", "s1"); o.code != 2 ||
		!strings.Contains(o.stderr, "not sent: read-only") {
		t.Fatalf("remote without --allow-writes: %+v", o)
	}
}

// TestCLIReclaimConcurrentOnce: several reclaims at once give the units back once.
func TestCLIReclaimConcurrentOnce(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	seedLeaks(t, srv.URL(), "s1", 2, 2, 2)
	var wg sync.WaitGroup
	outs := make([]outcome, 6)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = runCLI(t, env, "reclaim", "--sale", "s1", "--json")
		}()
	}
	wg.Wait()
	got := 0
	for _, o := range outs {
		var r struct {
			Status string `json:"status"`
			Units  int64  `json:"units"`
		}
		if err := json.Unmarshal([]byte(o.stdout), &r); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if r.Status == "reclaimed" {
			got++
			if r.Units != 6 || o.code != 0 {
				t.Errorf("reclaimed %+v", o)
			}
		} else if r.Status != "nothing_to_reclaim" || o.code != 1 {
			t.Errorf("other call %+v", o)
		}
	}
	if v := srv.Client(t).Get(context.Background(), "inventory:s1").Val(); got != 1 || v != "6" {
		t.Fatalf("%d calls reclaimed, stock %s; want 1 and 6", got, v)
	}
}

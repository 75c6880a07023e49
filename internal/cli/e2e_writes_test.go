package cli

import (
	"context"
	"maps"
	"regexp"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

// writesSales are the sales TestWritesLandOnTheHighlightedSaleInTmux seeds,
// with their stock; in id order, so the bar starts on the first.
func writesSales() map[string]int64 {
	return map[string]int64{"alpha-tee": 100, "bravo-cap": 200, "charlie-bag": 300}
}

// TestWritesLandOnTheHighlightedSaleInTmux runs the built binary in a
// 160x45 tmux pane against a real redis-server with three sales: it moves
// the Sales bar off the first sale, restocks through the form, checks that
// the confirm names the highlighted sale's key and its stock before → after,
// answers n (nothing changes) and then y, and reads Redis directly: the
// highlighted sale's stock changed by exactly the amount, no other did.
//
// It runs against redis-server and against valkey-server (the one TUI flow
// of the suite on both).
func TestWritesLandOnTheHighlightedSaleInTmux(t *testing.T) {
	redistest.EachKind(t, testWritesLandOnTheHighlightedSale)
}

func testWritesLandOnTheHighlightedSale(t *testing.T, k redistest.Kind) {
	x := newTmux(t, 160, 45)
	srv := k.Start(t)
	rc := srv.Client(t)
	ctx := context.Background()
	for sale, stock := range writesSales() {
		if err := rc.Set(ctx, "inventory:"+sale, stock, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	stocks := func() map[string]int64 {
		t.Helper()
		out := map[string]int64{}
		for sale := range writesSales() {
			n, err := rc.Get(ctx, "inventory:"+sale).Int64()
			if err != nil {
				t.Fatalf("GET inventory:%s: %v", sale, err)
			}
			out[sale] = n
		}
		return out
	}
	bin := buildDemoBinary(t)
	x.keys(bin+" --redis-url "+srv.URL()+"; echo flashtop-exited-$?", "Enter")

	// marked is the sale whose row carries the bar (▸) and the ● mark.
	marked := regexp.MustCompile(`▸● (\S+)`)
	on := func(sale string) func(string) bool {
		return func(p string) bool {
			m := marked.FindStringSubmatch(p)
			return strings.Contains(p, "Sales (3)") && m != nil && m[1] == sale
		}
	}
	x.waitPane("the three sales, the bar on the first", on("alpha-tee"))
	who := k.Name() + " " + k.Version(t) // the server's own name and version (Valkey's, not its redis_version)
	x.waitPane("the header and the server panel naming "+who, func(p string) bool {
		return strings.Contains(p, who+" master") && strings.Contains(p, "Server · "+who)
	})
	x.keys("j")
	x.waitPane("the bar and ● on bravo-cap, the panels following", func(p string) bool {
		return on("bravo-cap")(p) && strings.Contains(p, "Queue · bravo-cap") && strings.Contains(p, "Holds · bravo-cap")
	})

	restock := func(answer string) {
		t.Helper()
		x.keys("+")
		x.waitPane("the restock form of the highlighted sale", func(p string) bool {
			return strings.Contains(p, "Restock · sale bravo-cap · inventory:bravo-cap")
		})
		x.keys("7", "Enter")
		x.waitPane("the confirm naming the key and before → after", func(p string) bool {
			return strings.Contains(p, "Restock inventory:bravo-cap by 7: 200 → 207?") && strings.Contains(p, "y yes")
		})
		if got := stocks(); !maps.Equal(got, writesSales()) {
			t.Fatalf("stock changed before the y/n was answered: %v", got)
		}
		x.keys(answer)
	}
	restock("n")
	x.waitPane("the cancel", func(p string) bool { return strings.Contains(p, "cancelled: Restock · sale bravo-cap (nothing sent)") })
	if got := stocks(); !maps.Equal(got, writesSales()) {
		t.Fatalf("n changed the stock: %v", got)
	}
	restock("y")
	x.waitPane("the restock result", func(p string) bool {
		return strings.Contains(p, "inventory restock --sale bravo-cap --qty 7: restocked stock=207")
	})
	want := writesSales()
	want["bravo-cap"] += 7
	if got := stocks(); !maps.Equal(got, want) {
		t.Fatalf("stocks after restocking the highlighted bravo-cap by 7: %v, want %v", got, want)
	}
	if n, err := rc.DBSize(ctx).Result(); err != nil || n != int64(len(want)) {
		t.Fatalf("DBSIZE %d (%v), want only the %d stock keys", n, err, len(want))
	}
	// The restock ran a script (EVALSHA): the server panel shows its latency,
	// as the server measured it, and no error of flashtop's own.
	x.waitPane("the script's latency in the server panel", func(p string) bool {
		return regexp.MustCompile(`scripts  since start evalsha p99 \d+(µs|\.\dms)`).MatchString(p) &&
			strings.Contains(p, "errors   none since start")
	})

	x.keys("q")
	x.waitPane("the shell again", func(p string) bool { return strings.Contains(p, "flashtop-exited-0") })
}

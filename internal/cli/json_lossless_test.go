package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// terminalBytes are bytes (and UTF-8 sequences) no JSON output may carry
// raw: ESC, BEL, DEL, NUL, 8-bit CSI, a bidi override.
var terminalBytes = []string{"\x1b", "\x07", "\x7f", "\x00", "\u009b", "\u202e"}

func checkTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	for _, b := range terminalBytes {
		if strings.Contains(out, b) {
			t.Errorf("%s: %q written raw in %q", what, b, out)
		}
	}
}

// queue admit --json pops users whose ids are not UTF-8 or hold control
// bytes: the ids it reports are exactly the members popped, in queue order.
func TestCLIAdmitJSONRoundTripsUsers(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	users := []string{"u\xff\xfe", "u\x1b[2J\x07", "u\x00nul", "é-plain", "u\u009b31m", "u\u202eevil", "base64:/w==", `{"base64":"/w=="}`}
	for i, u := range users {
		if err := rdb.ZAdd(ctx, "queue:s1", redis.Z{Score: float64(1_770_000_000_000 + i), Member: u}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	o := runCLI(t, map[string]string{envURL: srv.URL()}, "queue", "admit", "--sale", "s1", "--count", "10", "--json")
	if o.code != 0 {
		t.Fatalf("admit: %+v", o)
	}
	checkTerminalSafe(t, "admit --json", o.stdout)
	var got struct {
		OK     bool                  `json:"ok"`
		Status string                `json:"status"`
		Users  []redisops.ByteString `json:"users"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
		t.Fatalf("%q: %v", o.stdout, err)
	}
	back := make([]string, len(got.Users))
	for i, u := range got.Users {
		back[i] = string(u)
	}
	if !got.OK || got.Status != "admitted" || !reflect.DeepEqual(back, users) {
		t.Fatalf("admit --json gave %q (%s), want the popped users %q exactly", back, o.stdout, users)
	}
	if !strings.Contains(o.stdout, `{"base64":"df/+"}`) || !strings.Contains(o.stdout, `"é-plain"`) {
		t.Errorf("want invalid UTF-8 as base64 and valid ids as plain strings: %s", o.stdout)
	}
	if n, _ := rdb.ZCard(ctx, "queue:s1").Result(); n != 0 {
		t.Errorf("%d members left", n)
	}
	// The text form shows them escaped, on one line.
	for i, u := range users {
		rdb.ZAdd(ctx, "queue:s1", redis.Z{Score: float64(i), Member: u})
	}
	o = runCLI(t, map[string]string{envURL: srv.URL()}, "queue", "admit", "--sale", "s1", "--count", "10")
	checkTerminalSafe(t, "admit", o.stdout)
	if o.code != 0 || !strings.Contains(o.stdout, `admitted 8 users: u\xff\xfe u\x1b[2J\x07 u\x00nul é-plain`) {
		t.Errorf("admit text: %+v", o)
	}
}

// snapshot --json and audit --json give odd ids back byte for byte, and
// audit does not call such data clean.
func TestCLIJSONRoundTripsOddIDs(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	const sale, user = "s\xff", "u\x1b]0;pwned\x07"
	hold := "reservation:" + user + ":" + sale
	rdb.Set(ctx, "inventory:"+sale, "4", 0)
	rdb.HSet(ctx, hold, "quantity", "3", "reserved_at", "1700000000", "user_id", user)
	rdb.Expire(ctx, hold, 300*time.Second)
	rdb.ZAdd(ctx, "queue:"+sale, redis.Z{Score: 1_770_000_000_000, Member: "m\xfe"})
	env := map[string]string{envURL: srv.URL()}

	o := runCLI(t, env, "snapshot", "--json")
	checkTerminalSafe(t, "snapshot --json", o.stdout)
	var snap redisops.Snapshot
	if err := json.Unmarshal([]byte(o.stdout), &snap); err != nil || o.code != 0 {
		t.Fatalf("snapshot --json: %+v (%v)", o, err)
	}
	if len(snap.Sales) != 1 || snap.Sales[0].ID != sale || snap.Sales[0].Reservations != 1 || snap.Sales[0].ReservedUnits != 3 {
		t.Fatalf("sales %+v, want %q with 1 hold of 3 units", snap.Sales, sale)
	}
	if h := snap.Reservations; len(h) != 1 || h[0].Sale != sale || h[0].User != user || h[0].Key != hold {
		t.Fatalf("holds %+v", h)
	}
	if q := snap.Queues[sale]; len(q) != 1 || q[0].User != "m\xfe" {
		t.Fatalf("queues %+v", snap.Queues)
	}
	var keys []string
	for _, a := range snap.Anomalies {
		keys = append(keys, a.Key)
	}
	if want := []string{"inventory:" + sale, hold}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("anomaly keys %q, want %q (odd_id, exactly)", keys, want)
	}

	o = runCLI(t, env, "audit", "--json")
	checkTerminalSafe(t, "audit --json", o.stdout)
	var a struct {
		OK        bool                 `json:"ok"`
		Status    string               `json:"status"`
		Anomalies []redisops.Anomaly   `json:"anomalies"`
		Leaks     []map[string]any     `json:"leaks"`
		Feed      *redisops.FeedStatus `json:"feed"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != 1 || a.OK || a.Status != "found" ||
		len(a.Anomalies) != 2 || a.Anomalies[0].Kind != redisops.AnomalyOddID || a.Anomalies[1].Key != hold {
		t.Fatalf("audit --json: %+v (%v): odd ids are not clean", o, err)
	}
	o = runCLI(t, env, "audit")
	checkTerminalSafe(t, "audit", o.stdout)
	if o.code != 1 || !strings.HasPrefix(o.stdout, "found: 0 leaked holds (0 units) in 0 sales, 2 anomalies\n") ||
		!strings.Contains(o.stdout, `anomaly  odd_id reservation:u\x1b]0;pwned\x07:s\xff: user id`) {
		t.Fatalf("audit text: %+v", o)
	}
	o = runCLI(t, env, "snapshot")
	checkTerminalSafe(t, "snapshot", o.stdout)
	if o.code != 0 || !bytes.Contains([]byte(o.stdout), []byte(`s\xff`)) {
		t.Fatalf("snapshot text: %+v", o)
	}
}

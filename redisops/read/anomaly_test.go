package read

import (
	"context"
	"encoding/json"
	"flashtop/redisops"
	"math"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

func TestCheckStock(t *testing.T) {
	cases := []struct {
		raw    string
		inv    *int64
		detail string
	}{
		{"40", i64p(40), ""},
		{"0", i64p(0), ""},
		{"-3", i64p(-3), "stock is negative (-3)"},
		{"12abc", nil, `stock "12abc" is not an integer`},
		{"", nil, `stock "" is not an integer`},
		{"1.5", nil, `stock "1.5" is not an integer`},
		{"010", nil, `stock "010" is not an integer`},
		{"\x1b[31mred", nil, `stock "\x1b[31mred" is not an integer`},
	}
	for _, tc := range cases {
		inv, anomalies := checkStock("inventory:s1", tc.raw)
		var want []redisops.Anomaly
		if tc.detail != "" {
			want = []redisops.Anomaly{{Kind: redisops.AnomalyStockInvalid, Key: "inventory:s1", Detail: tc.detail}}
		}
		if !reflect.DeepEqual(inv, tc.inv) || !reflect.DeepEqual(anomalies, want) {
			t.Errorf("checkStock(%q) = %v, %v; want %v, %v", tc.raw, inv, anomalies, tc.inv, want)
		}
	}
	long := string(make([]byte, 10000))
	if _, a := checkStock("k", long); len(a) != 1 || len(a[0].Detail) > 200 {
		t.Errorf("a long value gave %d anomalies, detail %d bytes", len(a), len(a[0].Detail))
	}
}

func TestCheckQueue(t *testing.T) {
	if a := checkQueueCap("q", 10, 10); a != nil {
		t.Errorf("at the cap: %v", a)
	}
	want := []redisops.Anomaly{{Kind: redisops.AnomalyQueueOverCap, Key: "q", Detail: "queue holds 11 members, over the cap of 10"}}
	if a := checkQueueCap("q", 11, 10); !reflect.DeepEqual(a, want) {
		t.Errorf("over the cap: %v", a)
	}
	const now = 1_700_000_000_000
	const day = 86_400_000
	for _, ok := range []float64{minQueueScoreMs, now, now + day} {
		if a := checkQueueScores("q", []redisops.QueueEntry{{Position: 1}}, []float64{ok}, now); a != nil {
			t.Errorf("score %v: %v", ok, a)
		}
	}
	for _, bad := range []float64{0, -1, 12, minQueueScoreMs - 1, now + day + 1, math.Inf(1), math.Inf(-1), 1700000000} {
		if a := checkQueueScores("q", []redisops.QueueEntry{{Position: 1}}, []float64{bad}, now); len(a) != 1 || a[0].Kind != redisops.AnomalyQueueBadScore {
			t.Errorf("score %v: %v", bad, a)
		}
	}
	head := []redisops.QueueEntry{{Position: 1}, {Position: 2}, {Position: 3}}
	want = []redisops.Anomaly{{Kind: redisops.AnomalyQueueBadScore, Key: "q", Detail: "2 of the first 3 members have a score that is not a join time in ms (position 2: 5)"}}
	if a := checkQueueScores("q", head, []float64{now, 5, 1e300}, now); !reflect.DeepEqual(a, want) {
		t.Errorf("two bad scores: %v", a)
	}
}

func TestWrongTypeAnomaly(t *testing.T) {
	cases := []struct {
		family, typ, detail string
	}{
		{familyStock, "string", ""},
		{familyStock, "none", ""},
		{familyStock, "list", "stock key is a list, not a string"},
		{familyQueue, "zset", ""},
		{familyQueue, "set", "queue key is a set, not a zset"},
		{familyHold, "hash", ""},
		{familyHold, "string", ""},
		{familyHold, "stream", "hold key is a stream, not a hash or a string"},
		{familyHold, "ReJSON-RL", `hold key is a "ReJSON-RL", not a hash or a string`},
	}
	for _, tc := range cases {
		a, ok := wrongTypeAnomaly(tc.family, "k", tc.typ)
		if ok != (tc.detail != "") || (ok && a != (redisops.Anomaly{Kind: redisops.AnomalyWrongType, Key: "k", Detail: tc.detail})) {
			t.Errorf("%s %s: %+v, %v; want %q", tc.family, tc.typ, a, ok, tc.detail)
		}
	}
}

func TestSortAnomalies(t *testing.T) {
	a := []redisops.Anomaly{{Kind: "wrong_type", Key: "b", Detail: ""}, {Kind: "hold_without_ttl", Key: "z", Detail: ""}, {Kind: "wrong_type", Key: "a", Detail: "y"}, {Kind: "wrong_type", Key: "a", Detail: "x"}}
	sortAnomalies(a)
	want := []redisops.Anomaly{{Kind: "hold_without_ttl", Key: "z", Detail: ""}, {Kind: "wrong_type", Key: "a", Detail: "x"}, {Kind: "wrong_type", Key: "a", Detail: "y"}, {Kind: "wrong_type", Key: "b", Detail: ""}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("sorted %v, want %v", a, want)
	}
}

// Infinite scores (valid in a sorted set) neither panic nor break the JSON.
func TestSnapshotInfiniteScores(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.ZAdd(ctx, "queue:s1", redis.Z{Score: math.Inf(-1), Member: "a"}, redis.Z{Score: math.Inf(1), Member: "b"})
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []redisops.QueueEntry{{User: "a", Position: 1, JoinedAtMs: math.MinInt64}, {User: "b", Position: 2, JoinedAtMs: math.MaxInt64}}
	if !reflect.DeepEqual(snap.Queues["s1"], want) || *snap.Sales[0].QueueHeadAgeMs != math.MaxInt64 {
		t.Errorf("queue %+v, head age %v", snap.Queues["s1"], *snap.Sales[0].QueueHeadAgeMs)
	}
	if len(snap.Anomalies) != 1 || snap.Anomalies[0].Kind != redisops.AnomalyQueueBadScore {
		t.Errorf("anomalies %v", snap.Anomalies)
	}
	if _, err := json.Marshal(snap); err != nil {
		t.Errorf("JSON: %v", err)
	}
}

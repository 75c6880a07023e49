package read

import (
	"context"
	"encoding/json"
	"flashtop/redisops"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"pgregory.net/rapid"

	"flashtop/redisops/redistest"
)

var testRef = holdRef{Key: "reservation:u1:s1", Sale: "s1", User: "u1"}

func kinds(a []redisops.Anomaly) []string {
	out := []string{}
	for _, x := range a {
		out = append(out, x.Kind)
	}
	return out
}

func TestHoldFromHash(t *testing.T) {
	at := unixp(1700000000)
	cases := []struct {
		name   string
		fields []any
		ttl    int64
		qty    int64
		at     *time.Time
		kinds  []string
	}{
		{"backend hold", []any{"2", "1700000000", "u1"}, 300000, 2, at, []string{}},
		{"reserved_at in ms", []any{"2", "1700000000000", "u1"}, 300000, 2, at, []string{}},
		{"no TTL", []any{"1", "1700000000", "u1"}, -1, 1, at, []string{redisops.AnomalyHoldWithoutTTL}},
		{"quantity abc", []any{"abc", "1700000000", nil}, 5, 0, at, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity missing, no TTL", []any{nil, nil, nil}, -1, 0, nil, []string{redisops.AnomalyHoldBadQuantity, redisops.AnomalyHoldWithoutTTL}},
		{"quantity zero", []any{"0", "x", "u1"}, 5, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity negative", []any{"-2", "", "u1"}, 5, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity with spaces", []any{" 2", "0", "u1"}, 5, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity overflows", []any{"99999999999999999999", "1", "u1"}, 5, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"reserved_at absurd", []any{"3", "99999999999999999", "u1"}, 5, 3, nil, []string{}},
		{"short reply", []any{"3"}, 5, 3, nil, []string{}},
	}
	for _, tc := range cases {
		h, anomalies := holdFromHash(testRef, tc.fields, tc.ttl)
		want := redisops.Hold{Sale: "s1", User: "u1", Quantity: tc.qty, ReservedAt: tc.at, TTLMs: tc.ttl, Key: testRef.Key, Shape: redisops.HoldShapeHash}
		if !reflect.DeepEqual(h, want) || !reflect.DeepEqual(kinds(anomalies), tc.kinds) {
			t.Errorf("%s: got %+v %v\nwant %+v %v", tc.name, h, anomalies, want, tc.kinds)
		}
	}
}

func TestHoldFromJSON(t *testing.T) {
	at := unixp(1700000000)
	cases := []struct {
		name, value string
		qty         int64
		at          *time.Time
		kinds       []string
	}{
		{"ms number", `{"saleId":"s1","userId":"u1","quantity":2,"expiresAt":1700000300000}`, 2, at, []string{}},
		{"ISO string", `{"quantity":2,"expiresAt":"2023-11-14T22:18:20.000Z"}`, 2, at, []string{}},
		{"ISO with offset", `{"quantity":2,"expiresAt":"2023-11-14T23:18:20+01:00"}`, 2, at, []string{}},
		{"seconds", `{"quantity":2,"expiresAt":1700000300}`, 2, at, []string{}},
		{"numeric string", `{"quantity":"4","expiresAt":"1700000300000"}`, 4, at, []string{}},
		{"float quantity 2.0", `{"quantity":2.0}`, 2, nil, []string{}},
		{"no expiresAt", `{"quantity":1}`, 1, nil, []string{}},
		{"expiresAt garbage", `{"quantity":1,"expiresAt":"soon"}`, 1, nil, []string{}},
		{"expiresAt year 10000", `{"quantity":1,"expiresAt":253402300800000}`, 1, nil, []string{}},
		{"expiresAt negative", `{"quantity":1,"expiresAt":-5}`, 1, nil, []string{}},
		{"fractional quantity", `{"quantity":2.5}`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity abc", `{"quantity":"abc"}`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity null", `{"quantity":null}`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity zero", `{"quantity":0}`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"quantity huge", `{"quantity":1e300}`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"not JSON", `2`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"truncated", `{"quantity":2`, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
		{"empty", ``, 0, nil, []string{redisops.AnomalyHoldBadQuantity}},
	}
	for _, tc := range cases {
		h, anomalies := holdFromJSON(testRef, tc.value, int64(len(tc.value)), 1000)
		want := redisops.Hold{Sale: "s1", User: "u1", Quantity: tc.qty, ReservedAt: tc.at, TTLMs: 1000, Key: testRef.Key, Shape: redisops.HoldShapeJSON}
		if !reflect.DeepEqual(h, want) || !reflect.DeepEqual(kinds(anomalies), tc.kinds) {
			t.Errorf("%s: got %+v %v\nwant %+v %v", tc.name, h, anomalies, want, tc.kinds)
		}
	}
	// A value over 4 KiB is not decoded even when its first 4 KiB would be.
	h, anomalies := holdFromJSON(testRef, `{"quantity":1}`, HoldJSONMaxBytes+1, -1)
	if h.Quantity != 0 || !reflect.DeepEqual(kinds(anomalies), []string{redisops.AnomalyHoldBadQuantity, redisops.AnomalyHoldWithoutTTL}) {
		t.Errorf("oversized: %+v %v", h, anomalies)
	}
}

// Whatever bytes a hold holds, parsing never panics, any reserved time
// encodes as JSON, and details stay short.
func TestHoldParsingNeverPanics(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		value := rapid.OneOf(rapid.String(), rapid.Custom(func(t *rapid.T) string {
			q := rapid.OneOf(rapid.Just(`"abc"`), rapid.Just("1e308"), rapid.Just("-1"), rapid.Just("[1]"),
				rapid.StringMatching(`-?[0-9]{1,25}(\.[0-9]{1,3})?`)).Draw(t, "q")
			e := rapid.OneOf(rapid.StringMatching(`-?[0-9]{1,25}`), rapid.StringMatching(`"[0-9T:.Z+-]{0,30}"`)).Draw(t, "e")
			return `{"quantity":` + q + `,"expiresAt":` + e + `}`
		})).Draw(t, "value")
		ttl := rapid.Int64Range(-2, 1<<40).Draw(t, "ttl")
		hj, aj := holdFromJSON(testRef, value, int64(len(value)), ttl)
		hh, ah := holdFromHash(testRef, []any{value, value, nil}, ttl)
		for _, h := range []redisops.Hold{hj, hh} {
			if _, err := json.Marshal(h); err != nil {
				t.Fatalf("hold %+v does not encode: %v", h, err)
			}
			if h.Quantity < 0 {
				t.Fatalf("negative quantity %+v", h)
			}
		}
		for _, a := range append(aj, ah...) {
			if len(a.Detail) > 120 {
				t.Fatalf("detail of %d bytes: %q", len(a.Detail), a.Detail)
			}
		}
	})
}

// Holds written by the backend's two paths come back through Snapshot with
// their quantities; a key that changes TYPE between SCAN and read is skipped.
func TestSnapshotHoldShapes(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.HSet(ctx, "reservation:u1:s1", "quantity", 2, "reserved_at", 1700000000, "user_id", "u1")
	rdb.Expire(ctx, "reservation:u1:s1", 300*time.Second)
	rdb.Set(ctx, "reservation:u2:s1", `{"saleId":"s1","userId":"u2","quantity":5,"expiresAt":"2023-11-14T22:18:20.000Z"}`, 300*time.Second)
	rdb.Set(ctx, "inventory:s1", "10", 0)
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range snap.Reservations {
		got = append(got, h.User+"/"+h.Shape)
		if h.Quantity == 0 || h.ReservedAt == nil || !h.ReservedAt.Equal(*unixp(1700000000)) {
			t.Errorf("hold %+v", h)
		}
	}
	if strings.Join(got, ",") != "u1/hash,u2/json" && strings.Join(got, ",") != "u2/json,u1/hash" {
		t.Errorf("holds %v", got)
	}
	if s := snap.Sales[0]; s.Reservations != 2 || s.ReservedUnits != 7 {
		t.Errorf("sale %+v, want 2 holds of 7 units", s)
	}
}

// A hold that vanished or changed TYPE between the SCAN and the read is left
// out, without an error.
func TestSnapshotHoldChangedSinceScan(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.HSet(ctx, "reservation:u1:s1", "quantity", 2)
	rdb.Set(ctx, "reservation:u2:s1", `{"quantity":1}`, 0)
	rdb.Set(ctx, "reservation:u3:s1", `{"quantity":1}`, time.Minute)
	rdb.Set(ctx, "inventory:s1", "10", 0)
	d, err := discover(ctx, c)
	if err != nil || len(d.holds) != 3 {
		t.Fatalf("discover: %+v, %v", d.holds, err)
	}
	rdb.Del(ctx, "reservation:u1:s1", "reservation:u2:s1", "inventory:s1")
	rdb.RPush(ctx, "reservation:u1:s1", "x")
	rdb.HSet(ctx, "reservation:u2:s1", "quantity", 9)
	o := redisops.SnapshotOptions{}.WithDefaults()
	r, err := readAll(ctx, c, o, orderSales(nil, nil, d.sales), d, newUnreadSet())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := r.assemble(c, o, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Reservations) != 1 || snap.Reservations[0].User != "u3" || len(snap.Anomalies) != 0 {
		t.Errorf("reservations %+v, anomalies %+v; want only u3", snap.Reservations, snap.Anomalies)
	}
	if want := []redisops.SaleStats{{ID: "s1", Reservations: 1, ReservedUnits: 1}}; !reflect.DeepEqual(withoutQueueStats(snap.Sales), want) {
		t.Errorf("sales %s", jsonText(snap.Sales))
	}
}

package redisops

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// Shared test helpers for package redisops.

// newTestClient starts a server of kind k (redistest.Redis or Valkey) and
// returns a Client on it with the default options. Both are closed when the
// test ends.
func newTestClient(t testing.TB, k redistest.Kind) *Client {
	t.Helper()
	_, c := newTestServerClient(t, k, Options{})
	return c
}

// newTestServerClient starts a server of kind k and returns it with a Client
// built from o (o.URL is set to the server's URL).
func newTestServerClient(t testing.TB, k redistest.Kind, o Options) (*redistest.Server, *Client) {
	t.Helper()
	srv := k.Start(t)
	return srv, newClientOn(t, srv, o)
}

// newClientOn returns a Client on a running server, built from o (o.URL is
// set to the server's URL), closed when the test ends.
func newClientOn(t testing.TB, srv *redistest.Server, o Options) *Client {
	t.Helper()
	o.URL = srv.URL()
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// keyDump is what keyState records of one key. ExpireAtMs is the absolute
// expiry (PEXPIRETIME: -1 none, -2 no key), so dumps taken at different
// moments compare equal when nothing was written.
type keyDump struct {
	Type       string
	Value      string
	ExpireAtMs int64
}

func (d keyDump) String() string {
	return fmt.Sprintf("%s %s expire_at_ms=%d", d.Type, d.Value, d.ExpireAtMs)
}

// keyState dumps every given key: its TYPE, its whole value (sorted where
// Redis has no order; sorted sets with their scores, in rank order) and its
// absolute expiry. Compare two dumps with reflect.DeepEqual or diffState.
func keyState(t testing.TB, rdb redis.Cmdable, keys ...string) map[string]keyDump {
	t.Helper()
	ctx := context.Background()
	out := make(map[string]keyDump, len(keys))
	for _, k := range keys {
		typ, err := rdb.Type(ctx, k).Result()
		if err != nil {
			t.Fatalf("keyState: TYPE %s: %v", k, err)
		}
		exp, err := rdb.PExpireTime(ctx, k).Result()
		if err != nil {
			t.Fatalf("keyState: PEXPIRETIME %s: %v", k, err)
		}
		ms := int64(exp) // -1 and -2 come back raw
		if exp > 0 {
			ms = exp.Milliseconds()
		}
		out[k] = keyDump{Type: typ, Value: dumpValue(t, rdb, typ, k), ExpireAtMs: ms}
	}
	return out
}

func dumpValue(t testing.TB, rdb redis.Cmdable, typ, k string) string {
	t.Helper()
	ctx := context.Background()
	var parts []string
	var err error
	switch typ {
	case "none":
		return ""
	case "string":
		var v string
		v, err = rdb.Get(ctx, k).Result()
		parts = []string{fmt.Sprintf("%q", v)}
	case "hash":
		var m map[string]string
		m, err = rdb.HGetAll(ctx, k).Result()
		for f, v := range m {
			parts = append(parts, fmt.Sprintf("%q=%q", f, v))
		}
		sort.Strings(parts)
	case "zset":
		var zs []redis.Z
		zs, err = rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		for _, z := range zs {
			parts = append(parts, fmt.Sprintf("%q@%v", z.Member, z.Score))
		}
	case "list":
		parts, err = rdb.LRange(ctx, k, 0, -1).Result()
	case "set":
		parts, err = rdb.SMembers(ctx, k).Result()
		sort.Strings(parts)
	default:
		var d string
		d, err = rdb.Dump(ctx, k).Result()
		parts = []string{fmt.Sprintf("%x", d)}
	}
	if err != nil {
		t.Fatalf("keyState: read %s %s: %v", typ, k, err)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// diffState returns a description of the keys whose dumps differ ("" when equal).
func diffState(before, after map[string]keyDump) string {
	var diffs []string
	for k, b := range before {
		if a := after[k]; a != b {
			diffs = append(diffs, fmt.Sprintf("%s: before %v, after %v", k, b, a))
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: only after: %v", k, a))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}

// assertUnchanged fails the test when any of keys changed while fn ran.
func assertUnchanged(t testing.TB, rdb redis.Cmdable, keys []string, fn func()) {
	t.Helper()
	before := keyState(t, rdb, keys...)
	fn()
	if d := diffState(before, keyState(t, rdb, keys...)); d != "" {
		t.Errorf("keys changed:\n%s", d)
	}
}

// dbState is keyState over every key of the database (found with SCAN) plus
// the extra keys, so that a write to any key shows in a diff.
func dbState(t testing.TB, rdb redis.Cmdable, extra ...string) map[string]keyDump {
	t.Helper()
	keys, err := scanAll(rdb)
	if err != nil {
		t.Fatalf("dbState: SCAN: %v", err)
	}
	return keyState(t, rdb, append(keys, extra...)...)
}

func scanAll(rdb redis.Cmdable) ([]string, error) {
	var keys []string
	var cursor uint64
	for {
		page, next, err := rdb.Scan(context.Background(), cursor, "*", 1000).Result()
		if err != nil {
			return nil, err
		}
		keys = append(keys, page...)
		if cursor = next; cursor == 0 {
			return keys, nil
		}
	}
}

// taggedSchema is the cluster-safe schema: the sale is every key's hash tag.
func taggedSchema(t testing.TB) Schema {
	t.Helper()
	s, err := NewSchema("inventory:{{sale}}", "queue:{{sale}}", "reservation:{user}:{{sale}}", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// clusterTestClient connects a cluster Client with the tagged schema to url,
// closed in t.Cleanup.
func clusterTestClient(t testing.TB, url string) (*Client, Schema) {
	t.Helper()
	schema := taggedSchema(t)
	c, err := New(Options{URL: url, Cluster: true, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, schema
}

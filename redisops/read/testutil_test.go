package read

import (
	"slices"
	"testing"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// Shared test helpers for package read (a subset of redisops's).

// newTestClient starts a server of kind k (redistest.Redis or Valkey) and
// returns a Client on it with the default options. Both are closed when the
// test ends.
func newTestClient(t testing.TB, k redistest.Kind) *redisops.Client {
	t.Helper()
	_, c := newTestServerClient(t, k, redisops.Options{})
	return c
}

// newTestServerClient starts a server of kind k and returns it with a Client
// built from o (o.URL is set to the server's URL).
func newTestServerClient(t testing.TB, k redistest.Kind, o redisops.Options) (*redistest.Server, *redisops.Client) {
	t.Helper()
	srv := k.Start(t)
	return srv, newClientOn(t, srv, o)
}

// newClientOn returns a Client on a running server, built from o (o.URL is
// set to the server's URL), closed when the test ends.
func newClientOn(t testing.TB, srv *redistest.Server, o redisops.Options) *redisops.Client {
	t.Helper()
	o.URL = srv.URL()
	c, err := redisops.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// taggedSchema is the cluster-safe schema: the sale is every key's hash tag.
func taggedSchema(t testing.TB) redisops.Schema {
	t.Helper()
	s, err := redisops.NewSchema("inventory:{{sale}}", "queue:{{sale}}", "reservation:{user}:{{sale}}", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// clusterTestClient connects a cluster Client with the tagged schema to url,
// closed in t.Cleanup.
func clusterTestClient(t testing.TB, url string) (*redisops.Client, redisops.Schema) {
	t.Helper()
	schema := taggedSchema(t)
	c, err := redisops.New(redisops.Options{URL: url, Cluster: true, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, schema
}

// withoutQueueStats returns sales with their QueueStats cleared, for the
// tests of other columns (the queue analytics have queuestats_test.go).
func withoutQueueStats(sales []redisops.SaleStats) []redisops.SaleStats {
	out := slices.Clone(sales)
	for i := range out {
		out[i].QueueStats = nil
	}
	return out
}

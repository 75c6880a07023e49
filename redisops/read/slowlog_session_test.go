package read

import (
	"context"
	"encoding/json"
	"flashtop/redisops"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// A session's value is a bearer token: a slow write of it must not reach the
// slowlog that flashtop shows (snapshot, poller, Slowlog).
func TestSlowlogNeverShowsSessionTokens(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	const token = "eyJhbGciOiJIUzI1NiJ9.sessiontoken-in-slowlog"
	if err := rdb.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "session:alice", token, 24*time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.MSet(ctx, "other", "visible", "session:bob", token).Err(); err != nil {
		t.Fatal(err)
	}
	raw, err := rdb.SlowLogGet(ctx, 50).Result()
	if err != nil || !strings.Contains(slowText(raw), token) {
		t.Fatalf("the server's own slowlog lacks the token (%v): the test proves nothing", err)
	}
	entries, err := c.Slowlog(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Full(ctx, c, redisops.SnapshotOptions{SlowlogN: 50})
	if err != nil {
		t.Fatal(err)
	}
	p := NewPoller(c, PollerOptions{})
	defer p.Close()
	polled, err := p.Snapshot(ctx, redisops.SnapshotOptions{SlowlogN: 50})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]redisops.SlowEntry{"Slowlog": entries, "Snapshot": snap.Slowlog, "Poller": polled.Slowlog} {
		b, _ := json.Marshal(got)
		if strings.Contains(string(b), "sessiontoken") {
			t.Errorf("%s shows a session token: %s", name, b)
		}
		if !strings.Contains(string(b), `"session:alice","***"`) {
			t.Errorf("%s lost the SETEX entry instead of redacting it: %s", name, b)
		}
		if !strings.Contains(string(b), `"other","visible","session:bob","***"`) {
			t.Errorf("%s: MSET not redacted after the session key only: %s", name, b)
		}
	}
}

func slowText(logs []redis.SlowLog) string {
	var b strings.Builder
	for _, l := range logs {
		b.WriteString(strings.Join(l.Args, " ") + "\n")
	}
	return b.String()
}

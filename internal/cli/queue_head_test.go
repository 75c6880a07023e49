package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// TestQueueHead: queue head prints the first N waiters in order and how many
// wait, in text and lossless JSON, removes nobody, says an empty queue is
// empty, and a queue key of another type is a server error (exit 3); on
// Redis and on Valkey. (The operation added last: ops_queue.go, types.go,
// ops.go's status list and output.go's text are all it took.)
func TestQueueHead(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		rdb := srv.Client(t)
		ctx := context.Background()
		for i, u := range []string{"u1", "u2\xff", "u3", "u4"} {
			rdb.ZAdd(ctx, "queue:s1", redis.Z{Score: float64(1_700_000_000_000 + i), Member: u})
		}
		env := map[string]string{envURL: srv.URL()}
		if o := runCLI(t, env, "queue", "head", "--sale", "s1", "--count", "3"); o.code != 0 ||
			o.stdout != "head: the queue of sale s1 starts with u1 u2\\xff u3 (3 of 4 waiting)\n" {
			t.Errorf("text: %+v", o)
		}
		var got struct {
			OK     bool                  `json:"ok"`
			Status string                `json:"status"`
			Users  []redisops.ByteString `json:"users"`
			Length int64                 `json:"length"`
		}
		o := runCLI(t, env, "queue", "head", "--sale", "s1", "--json")
		if err := json.Unmarshal([]byte(o.stdout), &got); err != nil || o.code != 0 || !got.OK || got.Status != "head" ||
			len(got.Users) != 4 || string(got.Users[1]) != "u2\xff" || got.Length != 4 {
			t.Errorf("json: %+v (%v): %s", got, err, o.stdout)
		}
		if n := rdb.ZCard(ctx, "queue:s1").Val(); n != 4 {
			t.Errorf("queue head removed members: %d left", n)
		}
		if o := runCLI(t, env, "queue", "head", "--sale", "empty"); o.code != 0 || !strings.Contains(o.stdout, "queue of sale empty is empty") {
			t.Errorf("empty: %+v", o)
		}
		rdb.Set(ctx, "queue:bad", "x", 0)
		if o := runCLI(t, env, "queue", "head", "--sale", "bad"); o.code != exitRedis || !strings.Contains(o.stderr, "WRONGTYPE") {
			t.Errorf("wrong type: %+v", o)
		}
	})
}

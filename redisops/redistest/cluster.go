package redistest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterSlots is the number of hash slots of a Redis Cluster.
const clusterSlots = 16384

// Cluster is a Redis Cluster of masters, each a real redis-server process.
type Cluster struct {
	Nodes []*Server
}

// StartCluster starts n Redis masters in cluster mode, splits the hash
// slots evenly between them, joins them, and waits until the cluster is ok.
func StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	return Redis.StartCluster(tb, n)
}

// StartCluster is the package's StartCluster with servers of kind k.
func (k Kind) StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	c := &Cluster{}
	for i := 0; i < n; i++ {
		c.Nodes = append(c.Nodes, k.Start(tb, "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"))
	}
	ctx := context.Background()
	for i, node := range c.Nodes {
		cl := node.Client(tb)
		lo, hi := i*clusterSlots/n, (i+1)*clusterSlots/n-1
		if err := cl.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err(); err != nil {
			tb.Fatalf("redistest: ADDSLOTSRANGE on %s: %v", node.Addr(), err)
		}
		if i > 0 {
			if err := cl.ClusterMeet(ctx, c.Nodes[0].Host, fmt.Sprint(c.Nodes[0].Port)).Err(); err != nil {
				tb.Fatalf("redistest: CLUSTER MEET: %v", err)
			}
		}
	}
	c.waitOK(tb)
	return c
}

func (c *Cluster) waitOK(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	want := fmt.Sprintf("cluster_known_nodes:%d", len(c.Nodes))
	clients := make([]*redis.Client, len(c.Nodes)) // one each: Client is closed only at cleanup
	for i, node := range c.Nodes {
		clients[i] = node.Client(tb)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok := true
		for _, cl := range clients {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil || !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, want) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("redistest: cluster of %d nodes not ok within 20s", len(c.Nodes))
}

// URL is a cluster URL naming every node: redis://first?addr=second&addr=third.
func (c *Cluster) URL() string {
	var b strings.Builder
	b.WriteString("redis://" + c.Nodes[0].Addr())
	for i, n := range c.Nodes[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		b.WriteString(sep + "addr=" + n.Addr())
	}
	return b.String()
}

// Client returns a go-redis cluster client, closed in t.Cleanup.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	tb.Helper()
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	cl := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DisableIdentity: true})
	tb.Cleanup(func() { _ = cl.Close() })
	return cl
}

package read

import (
	"cmp"
	"context"
	"flashtop/redisops"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/redis/go-redis/v9"
)

// scanCount is the COUNT hint of every SCAN.
const scanCount = 1000

// discovered is what the SCAN of the key families found: only keys whose
// shape the schema's templates accept and whose TYPE fits their family,
// whatever bytes their ids hold (ids are data: an id --sale or --user would
// refuse is counted, and flagged odd_id when read). Session values are never read, only their keys counted.
type discovered struct {
	sales    map[string]bool // sale ids with a stock (string) or queue (zset) key
	holds    []holdRef       // hold keys (hash or string), sorted by key
	sessions int64           // session keys (string)
	suspects []suspect       // keys of a family's shape but not of its TYPE, sorted by key
}

// suspect is a key whose shape belongs to a family but whose TYPE did not
// come up in that family's typed SCAN: a wrong_type anomaly once TYPE confirms.
type suspect struct {
	key, family string
}

// nodeScan gathers the keys of one server (one master in a cluster).
type nodeScan struct {
	schema   redisops.Schema
	seed     maphash.Seed
	typed    map[string]string  // key -> family, for keys found by a typed SCAN
	sales    map[string]bool    // sale ids of typed stock and queue keys
	holds    map[string]holdRef // hold keys by key
	sessions map[uint64]struct{}
	shaped   map[string]string // key -> family, for keys of a family's shape (any TYPE)
}

// scanJob is one SCAN loop: a MATCH pattern, a TYPE ("" for any) and what to
// do with each key it returns.
type scanJob struct {
	match, typ string
	visit      func(key string)
	cursor     uint64
	done       bool
}

// pipeliner is a server that can pipeline commands (*redis.Client, or the
// client handed over by ClusterClient.ForEachMaster).
type pipeliner interface {
	Pipeline() redis.Pipeliner
}

// discover runs the SCAN loops of every family, on each master in a cluster.
func discover(ctx context.Context, c *redisops.Client) (discovered, error) {
	seed := maphash.MakeSeed()
	cc, isCluster := c.Redis().(*redis.ClusterClient)
	if !isCluster {
		ns := newNodeScan(c.Schema(), seed)
		if err := scanLockstep(ctx, c, c.Redis(), ns.jobs()); err != nil {
			return discovered{}, err
		}
		return mergeScans([]*nodeScan{ns}), nil
	}
	var mu sync.Mutex
	var scans []*nodeScan
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		ns := newNodeScan(c.Schema(), seed)
		if err := scanLockstep(ctx, c, node, ns.jobs()); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		scans = append(scans, ns)
		return nil
	})
	if err != nil {
		return discovered{}, redisops.Classify(err)
	}
	return mergeScans(scans), nil
}

// scanLockstep advances every SCAN loop by one step per round trip: each
// round pipelines one SCAN per unfinished loop, so the number of round trips
// is that of the longest loop, not their sum.
func scanLockstep(ctx context.Context, c *redisops.Client, node pipeliner, jobs []*scanJob) error {
	for {
		pipe := node.Pipeline()
		var running []*scanJob
		var cmds []*redis.ScanCmd
		for _, j := range jobs {
			if !j.done {
				running = append(running, j)
				cmds = append(cmds, pipe.ScanType(ctx, j.cursor, j.match, scanCount, j.typ))
			}
		}
		if len(running) == 0 {
			return nil
		}
		rctx, cancel := withTimeout(ctx, c)
		_, err := pipe.Exec(rctx)
		cancel()
		if err != nil {
			return redisops.Classify(err)
		}
		for i, j := range running {
			keys, cursor := cmds[i].Val()
			for _, k := range keys {
				j.visit(k)
			}
			j.cursor, j.done = cursor, cursor == 0
		}
	}
}

func newNodeScan(s redisops.Schema, seed maphash.Seed) *nodeScan {
	return &nodeScan{schema: s, seed: seed, typed: map[string]string{}, sales: map[string]bool{},
		holds: map[string]holdRef{}, sessions: map[uint64]struct{}{}, shaped: map[string]string{}}
}

// jobs lists the SCAN loops: each family with its TYPE (holds: hash and
// string), and stock, queue and holds without TYPE to find wrong types.
func (n *nodeScan) jobs() []*scanJob {
	s := n.schema
	return []*scanJob{
		{match: s.Stock.ScanPattern(), typ: "string", visit: n.saleKey(s.Stock, familyStock)},
		{match: s.Queue.ScanPattern(), typ: "zset", visit: n.saleKey(s.Queue, familyQueue)},
		{match: s.Hold.ScanPattern(), typ: "hash", visit: n.holdKey(redisops.HoldShapeHash)},
		{match: s.Hold.ScanPattern(), typ: "string", visit: n.holdKey(redisops.HoldShapeJSON)},
		{match: s.Session.ScanPattern(), typ: "string", visit: n.sessionKey},
		{match: s.Stock.ScanPattern(), visit: n.shapedKey(s.Stock, familyStock)},
		{match: s.Queue.ScanPattern(), visit: n.shapedKey(s.Queue, familyQueue)},
		{match: s.Hold.ScanPattern(), visit: n.shapedKey(s.Hold, familyHold)},
	}
}

func (n *nodeScan) saleKey(t redisops.Template, family string) func(string) {
	return func(key string) {
		if sale, _, ok := t.Parse(key); ok {
			n.typed[key] = family
			n.sales[sale] = true
		}
	}
}

func (n *nodeScan) holdKey(shape string) func(string) {
	return func(key string) {
		sale, user, ok := n.schema.Hold.Parse(key)
		if _, seen := n.holds[key]; seen || !ok {
			return
		}
		n.typed[key] = familyHold
		n.holds[key] = holdRef{Key: key, Sale: sale, User: user, Shape: shape}
	}
}

// sessionKey counts a session key; only a hash of the key is kept (there may
// be millions), and the value is never read.
func (n *nodeScan) sessionKey(key string) {
	if _, _, ok := n.schema.Session.Parse(key); ok {
		n.sessions[maphash.String(n.seed, key)] = struct{}{}
	}
}

func (n *nodeScan) shapedKey(t redisops.Template, family string) func(string) {
	return func(key string) {
		if _, _, ok := t.Parse(key); ok {
			n.shaped[key] = family
		}
	}
}

// mergeScans joins the scans of every node (their keys are disjoint).
func mergeScans(scans []*nodeScan) discovered {
	d := discovered{sales: map[string]bool{}, holds: []holdRef{}, suspects: []suspect{}}
	for _, ns := range scans {
		for sale := range ns.sales {
			d.sales[sale] = true
		}
		for _, h := range ns.holds {
			d.holds = append(d.holds, h)
		}
		d.sessions += int64(len(ns.sessions))
		for key, family := range ns.shaped {
			if ns.typed[key] != family {
				d.suspects = append(d.suspects, suspect{key: key, family: family})
			}
		}
	}
	slices.SortFunc(d.holds, func(a, b holdRef) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(d.suspects, func(a, b suspect) int { return cmp.Compare(a.key, b.key) })
	return d
}

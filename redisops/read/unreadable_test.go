package read

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// nopermKeys is Redis 7's reply to a read of a key the user may not touch.
const nopermKeys = "NOPERM this user has no permissions to access one of the keys used as arguments"

// aclUser creates an ACL user with rules and returns a Client logged in as it.
func aclUser(t *testing.T, srv *redistest.Server, name string, rules ...string) *redisops.Client {
	t.Helper()
	c, err := redisops.New(redisops.Options{URL: srv.SetUser(t, name, "pw", rules...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// blindCase is one ACL user and what each read must say.
type blindCase struct {
	name   string
	rules  []string
	counts map[string][3]int64 // holds, units, queue length per sale
	stock  *int64              // s1's inventory
	unread []redisops.Unreadable
}

func blindCases() []blindCase {
	noperm := func(what string, keys int64) redisops.Unreadable {
		return redisops.Unreadable{What: what, Reason: nopermKeys, Keys: keys}
	}
	return []blindCase{
		{"keys-only", []string{"~inventory:*", "~queue:*", "&*", "+@all"}, map[string][3]int64{"s1": {0, 0, 2}}, i64p(10),
			[]redisops.Unreadable{noperm(redisops.UnreadActive, 0), noperm(redisops.UnreadHolds, 7)}},
		{"no-keys", []string{"&*", "+@all"}, map[string][3]int64{"s1": {0, 0, 0}}, nil,
			[]redisops.Unreadable{noperm(redisops.UnreadActive, 0), noperm(redisops.UnreadHolds, 7), noperm(redisops.UnreadQueues, 1), noperm(redisops.UnreadStock, 1)}},
		{"no-info-slowlog", []string{"~*", "&*", "+@all", "-info", "-slowlog"}, map[string][3]int64{"s1": {7, 7, 2}}, i64p(10),
			[]redisops.Unreadable{{What: redisops.UnreadServer, Reason: "NOPERM this user has no permissions to run the 'info' command"},
				{What: redisops.UnreadSlowlog, Reason: "NOPERM this user has no permissions to run the 'slowlog|get' command"}}},
	}
}

// A blind read is never reported as empty data: the full read and the
// poller say what they could not read, and why, with exact counts of what
// they could.
func TestSnapshotUnreadable(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	redistest.WriteSale(t, admin, "s1", 10, 2, 7)
	for _, bc := range blindCases() {
		t.Run(bc.name, func(t *testing.T) {
			c := aclUser(t, srv, bc.name, bc.rules...)
			check := func(what string, snap *redisops.Snapshot) {
				t.Helper()
				if got := countsOf(snap); !reflect.DeepEqual(got, bc.counts) {
					t.Errorf("%s: counts %v, want %v", what, got, bc.counts)
				}
				if len(snap.Sales) == 1 && !reflect.DeepEqual(snap.Sales[0].Inventory, bc.stock) {
					t.Errorf("%s: stock %v, want %v", what, snap.Sales[0].Inventory, bc.stock)
				}
				if !reflect.DeepEqual(snap.Unreadable, bc.unread) {
					t.Errorf("%s: unreadable\n got %+v\nwant %+v", what, snap.Unreadable, bc.unread)
				}
				// An unreadable queue has no analytics at all (nil), never
				// an empty queue's; a readable one has its waiters.
				if len(snap.Sales) == 1 {
					q, blind := snap.Sales[0].QueueStats, bc.name == "no-keys"
					if blind != (q == nil) || (q != nil && q.Waiters != 2) {
						t.Errorf("%s: queue stats %+v, want nil: %v", what, q, blind)
					}
				}
			}
			snap, err := Full(context.Background(), c, redisops.SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			check("full read", snap)
			if bc.name == "no-info-slowlog" && (snap.Server.UsedMemory != 0 || len(snap.Slowlog) != 0) {
				t.Errorf("unread server figures must stay zero: %+v", snap.Server)
			}
			p := NewPoller(c, PollerOptions{})
			t.Cleanup(func() { _ = p.Close() })
			check("poller", tickFor(t, p, "the first walk", 10*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
				return s.Cost.WalksDone >= 1
			}))
		})
	}
}

// When nothing can be read — a proxy answering -ERR to everything, a user
// without client|setname, a password changed under a running poller — the
// read fails with the error (the dashboard's banner) instead of an empty
// snapshot of zeros.
func TestNothingReadableIsAnError(t *testing.T) {
	ctx := context.Background()
	proxy, err := redisops.New(redisops.Options{URL: "redis://" + redistest.StartErrServer(t, "ERR proxy says no") + "/0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	srv := redistest.Start(t)
	admin := srv.Client(t)
	redistest.WriteSale(t, admin, "s1", 10, 2, 7)
	noName := aclUser(t, srv, "noname", "~*", "&*", "+@all", "-client|setname")
	rotated := aclUser(t, srv, "rotated", "~*", "&*", "+@all")
	rp := NewPoller(rotated, PollerOptions{})
	t.Cleanup(func() { _ = rp.Close() })
	if snap, err := rp.Snapshot(ctx, redisops.SnapshotOptions{}); err != nil || countsOf(snap)["s1"] != [3]int64{7, 7, 2} {
		t.Fatalf("before the change: %v %+v", err, snap)
	}
	if err := admin.Do(ctx, "ACL", "SETUSER", "rotated", "resetpass", ">new").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Do(ctx, "CLIENT", "KILL", "USER", "rotated").Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func() (*redisops.Snapshot, error)
		kind error
		text string
	}{
		{"proxy, full read", func() (*redisops.Snapshot, error) { return Full(ctx, proxy, redisops.SnapshotOptions{}) }, redisops.ErrServer, "ERR proxy says no"},
		{"proxy, poller", pollOnce(t, proxy), redisops.ErrServer, "ERR proxy says no"},
		{"no client|setname, full read", func() (*redisops.Snapshot, error) { return Full(ctx, noName, redisops.SnapshotOptions{}) }, redisops.ErrNoPerm, "client|setname"},
		{"no client|setname, poller", pollOnce(t, noName), redisops.ErrNoPerm, "client|setname"},
		{"password changed, poller", func() (*redisops.Snapshot, error) { return rp.Snapshot(ctx, redisops.SnapshotOptions{}) }, redisops.ErrAuth, "WRONGPASS"},
	} {
		snap, err := c.read()
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.text) || snap != nil {
			t.Errorf("%s: %v (snapshot %v), want %v with %q and no snapshot", c.name, err, snap != nil, c.kind, c.text)
		}
	}
}

// pollOnce returns a read by a new poller on c.
func pollOnce(t *testing.T, c *redisops.Client) func() (*redisops.Snapshot, error) {
	return func() (*redisops.Snapshot, error) {
		p := NewPoller(c, PollerOptions{})
		t.Cleanup(func() { _ = p.Close() })
		return p.Snapshot(context.Background(), redisops.SnapshotOptions{})
	}
}

// The poller's unreadable list clears once the permission comes back and
// a walk passes.
func TestPollerUnreadableClears(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	redistest.WriteSale(t, admin, "s1", 10, 2, 7)
	c := aclUser(t, srv, "later", "~inventory:*", "~queue:*", "~flash_sales:*", "&*", "+@all")
	p := NewPoller(c, PollerOptions{})
	t.Cleanup(func() { _ = p.Close() })
	tickFor(t, p, "holds unreadable", 10*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		return s.Cost.WalksDone >= 1 && reflect.DeepEqual(s.Unreadable, []redisops.Unreadable{{What: redisops.UnreadHolds, Reason: nopermKeys, Keys: 7}})
	})
	if err := admin.Do(context.Background(), "ACL", "SETUSER", "later", "~reservation:*").Err(); err != nil {
		t.Fatal(err)
	}
	tickFor(t, p, "holds readable again", 30*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		return len(s.Unreadable) == 0 && countsOf(s)["s1"] == [3]int64{7, 7, 2}
	})
}

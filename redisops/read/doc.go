// Package read is how flashtop reads a redisops.Snapshot: the sales with
// their stock, queue and hold counts, the visible holds, the queue heads,
// the server figures, the anomalies and what could not be read. There are
// two reads, and both give the same Snapshot (its types, and the key
// schema, are package flashtop/redisops, which this package imports and
// which never imports it back).
//
// # The full read
//
// Full (full.go) is the complete read of the snapshot command and of audit:
// PING, flash_sales:active to its end, a SCAN of every key family on every
// master (discovery.go), then pipelined batches of at most 1,000 commands
// reading every sale, every hold and the TYPE of every suspect key. Its
// counts are exact as of Snapshot.TakenAt; its cost grows with the
// keyspace, so it is a one-off command, never a watcher.
//
// # The live read
//
// The dashboard's Poller (NewPoller, poller.go) reads at a cost that does
// not grow with the keyspace. Each Snapshot call is one tick. The data flows
// one way:
//
//	push feed ──► hold index ──► tick ──► Snapshot
//	                  ▲
//	repair walk ──────┘
//
// Each part, and where it lives:
//
//   - The push feed (feed.go, feed_node.go, resp.go): per master, two
//     connections of flashtop's own; one subscribes to __redis__:invalidate,
//     the other turns on CLIENT TRACKING ... REDIRECT ... BCAST with the
//     hold, stock and queue prefixes, so that the server pushes the name of
//     every key of those families that is written, deleted or expired. A
//     pushed hold is marked dirty in the hold index (read again at the next
//     tick); a pushed stock or queue key makes its sale appear; a push wakes
//     the dashboard (Poller.Wake). Keyspace notifications, when the server
//     already sends them, feed the index too (events.go).
//   - The hold index (holdindex.go, holdends.go, holdcount.go): every hold
//     key with its sale, user, quantity and deadline, kept per sale with its
//     counts, so that a tick's counts and visible rows never walk every
//     hold. It dates each hold's end with bounds in server time (clock.go:
//     the clock offset per node and the PINGs that bracket pushes) and tells
//     a redisops.HoldObserver, the leak watch, of every hold seen and gone.
//   - The tick (Poller.Snapshot): the feed is checked (or armed), the walk
//     takes its slice, then the poll plan (poller_plan.go) sends one
//     pipelined round trip per node: TIME, INFO, SLOWLOG and SCRIPT EXISTS
//     (server.go), a page of flash_sales:active, each sale's stock and queue,
//     the selected sale's visible holds (the index's soonest to expire) and
//     the dirty holds. The replies go into the index (holdread.go), and the
//     Snapshot is assembled from them, the index's counts and the walk's
//     findings. Snapshot.Feed says whether the counts are live; Snapshot.Cost
//     what the tick cost (cost.go).
//   - The repair walk (walker.go): a resumable SCAN per node within a
//     budget of server time (cost.go: 10 ms per second per node, faster
//     until the first walk is complete, 1 ms once the feed keeps the index
//     live). It fills the index at start; at the end of each walk a hold it
//     did not find is gone, so what a gap in the feed missed (a lost
//     connection, a broken redirect) is repaired. After a gap the feed is
//     re-armed and the counts are verifying until a walk has passed.
//
// # Shared by both reads
//
// hold.go turns a hold's replies (HMGET or the JSON string, and its TTL)
// into a redisops.Hold (the poller's reads of one hold key, of a shape known
// or not, are holdread.go). anomaly.go checks the data (stock values, queue
// caps and scores, wrong types, ids flashtop's flags refuse); unreadable.go
// gathers what an ACL or a proxy refused, which is never shown as empty
// data; server.go adds up the figures of a cluster's masters and counts the
// error replies flashtop's own reads drew; scripts.go checks the backend's
// scripts.
//
// queuestats.go is the queue analytics of both (redisops.QueueStats,
// docs/queue-analytics.md): the wait percentiles of the current waiters,
// nearest-rank over the ascending waits (the p-th is the member at rank
// N − ⌈p·N⌉), read by rank, never the whole queue; the full read reads the
// ranks in a second batch once ZCARD gave N, the poller in its one round
// trip at the ranks of the length it foresees from the last ticks. The
// poller adds the arrival and admission rates over the last minute of
// ticks (each sale's tail score and a ZCOUNT up to the previous tick's
// tail) and a new joiner's expected wait.
package read

// Package leakwatch is flashtop's leak watch: it follows every reservation
// hold to its end and tells how the hold ended, records the leaks in a
// ledger, and gives the dashboard a backend with the watch built in.
//
// # Hold outcomes
//
// The backend never gives back the units of a hold that expires
// (backend-contract.md, Expiry), so each hold end is one of:
//
//   - released (or checked out, or deleted): it ended before its deadline,
//     or flashtop itself released it (Tracker.Own, then Settle). Not a leak.
//   - verified leak (redisops.LeakVerified): its end was seen as it happened
//     (the push feed or a keyspace notification) at or after its deadline,
//     or a notification said it expired. Its units are lost.
//   - unverified leak (redisops.LeakUnverified): its end was only found
//     later (a read or a walk found the key gone) after its deadline. It may
//     have expired or been released just before; reclaim leaves it unless
//     asked (flashtop reclaim --include-unverified).
//
// # The parts
//
//   - Tracker (tracker.go): the memory of the watch, pure and without I/O. It
//     remembers each hold it is shown (Seen, Observe, ObserveSnapshot, or the
//     poller's hold index through redisops.HoldObserver) and classifies each
//     end it is told of (Gone) by the rule above.
//   - Ledger (ledger.go): where leaks are recorded, once per hold whatever
//     the number of watchers. A *redisops.Client is the Redis ledger (writes
//     armed); MemLedger keeps a process's leaks in memory (writes not armed:
//     nothing to reclaim from).
//   - Watch (watch.go): a Tracker tied to a Ledger. Feed records what the
//     tracker found since the last poll; FillLeaks puts the ledger's totals
//     in a snapshot's sale rows. The dashboard and audit --watch run it each
//     poll.
//   - Backend (backend.go): the dashboard's backend with the watch around it
//     (internal/cli/cmd_leakwatch.go builds it). Each snapshot is fed to the Watch and,
//     with --record, appended to the recording; in Do, releases go through
//     Tracker.Own and Settle, so flashtop's own are never leaks, and a
//     reclaim (redisops.KindReclaim) goes to the Redis ledger (a Reclaimer)
//     or is refused (ErrNoLedger); Wake passes the push feed's wake on. It
//     wraps an Inner, whose method set is ui.Backend's, so this package does
//     not import ui; the dashboard keeps its own parts of the watch
//     (ui/leaks.go: the command-log lines, when the reclaim key L may start).
//
// # What lives elsewhere, and why
//
// redisops may not import leakwatch (leakwatch imports redisops), so what
// redisops itself produces or carries stays there (redisops/leak.go): Leak,
// its class constants, LeakTotals, WatchedLeak (Snapshot.Leaks), Vanish,
// HoldObserver, HoldStamp, NoStamp and DefaultLeakSkew. The Redis ledger's
// operations (Client.RecordLeak, Client.Reclaim, Client.LedgerTotals,
// LedgerKey, the status words) are script calls of the Client like every
// other operation (redisops/leak.go).
package leakwatch

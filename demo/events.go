package demo

import (
	"container/heap"
	"time"
)

// eventKind is what a scheduled event does.
type eventKind int

const (
	evOpen     eventKind = iota // a sale opens: its stock, row and active-set entry are written
	evArrival                   // a buyer arrives and joins the queue
	evAdmit                     // the sale admits its next batch
	evLeave                     // a queued buyer loses patience
	evReserve                   // an admitted buyer reserves
	evCheckout                  // a holder checks out (DEL, as the backend's confirm)
	evRelease                   // a holder releases through the release script
)

// event is one scheduled step of the simulation, at a virtual time.
type event struct {
	at    time.Duration
	seq   int64 // ties broken by scheduling order: the run is deterministic
	kind  eventKind
	sale  int // index into the profiles
	user  string
	qty   int64
	chain bool // an arrival that schedules the next one (rush arrivals do not)
}

// eventQueue is a min-heap of events by (at, seq).
type eventQueue []event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

// Push implements heap.Interface.
func (q *eventQueue) Push(x any) { *q = append(*q, x.(event)) }

// Pop implements heap.Interface.
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// next pops the earliest event when it is due by t.
func (q *eventQueue) next(t time.Duration) (event, bool) {
	if q.Len() == 0 || (*q)[0].at > t {
		return event{}, false
	}
	return heap.Pop(q).(event), true
}

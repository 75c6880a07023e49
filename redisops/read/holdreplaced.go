package read

// hold_replaced: a hold key read again, before its deadline, as another hold
// (the backend's double reserve, or its order path's SETEX over a hash).

import (
	"flashtop/redisops"
	"fmt"
	"strings"
	"time"
)

// replacedHold is a hold_replaced anomaly, shown until until (server time).
type replacedHold struct {
	an    redisops.Anomaly
	until time.Time
}

// replacedShown is how long a hold_replaced anomaly of a hold without a
// deadline stays listed.
const replacedShown = 10 * time.Minute

// noteReplaced raises hold_replaced when a live hold is read again with
// another quantity, stamp or shape, or a deadline moved later (a new EXPIRE:
// the backend's reserve sets one each time) (x.mu held).
func (x *holdIndex) noteReplaced(e *holdEntry, h redisops.Hold, deadline, at time.Time) {
	if !e.alive(at) || e.quantity <= 0 {
		return
	}
	var what []string
	if h.Quantity != e.quantity {
		what = append(what, fmt.Sprintf("quantity %d → %d", e.quantity, h.Quantity))
	}
	if st := redisops.HoldStamp(h); st != e.stamp {
		what = append(what, fmt.Sprintf("reserved_at %s → %s", e.stamp, st))
	}
	if e.ref.Shape != "" && h.Shape != e.ref.Shape {
		what = append(what, fmt.Sprintf("shape %s → %s", e.ref.Shape, h.Shape))
	}
	if !e.deadline.IsZero() && !deadline.IsZero() && deadline.Sub(e.deadline) > time.Second {
		what = append(what, fmt.Sprintf("deadline %s later", deadline.Sub(e.deadline).Round(time.Second)))
	}
	if len(what) == 0 {
		return
	}
	until := deadline
	if until.IsZero() {
		until = at.Add(replacedShown)
	}
	x.replaced[h.Key] = replacedHold{until: until, an: redisops.Anomaly{Kind: redisops.AnomalyHoldReplaced, Key: h.Key,
		Detail: fmt.Sprintf("hold rewritten %s before its deadline (%s): %d units possibly orphaned; not reclaimed (a release then a new reserve looks the same)",
			e.deadline.Sub(at).Round(time.Second), strings.Join(what, ", "), e.quantity)}}
}

// replacedAnomalies lists the hold_replaced anomalies still shown at now
// (server time) and forgets the others.
func (x *holdIndex) replacedAnomalies(now time.Time) []redisops.Anomaly {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []redisops.Anomaly
	for k, r := range x.replaced {
		if now.After(r.until) {
			delete(x.replaced, k)
			continue
		}
		out = append(out, r.an)
	}
	return out
}

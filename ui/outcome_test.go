package ui

import (
	"fmt"
	"strings"
	"testing"

	"flashtop/redisops"
)

// TestUnknownOutcomeIsLoggedAsSuch: a write that timed out after it was
// sent is not logged as merely "Redis unreachable": the command log and the
// status bar say it may have been applied and name the read that tells.
func TestUnknownOutcomeIsLoggedAsSuch(t *testing.T) {
	h := newHarness(t, true)
	h.fb.opErr = &redisops.OutcomeError{Check: "flashtop queue position --sale s1 --user u1",
		Err: fmt.Errorf("%w: read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout", redisops.ErrUnreachable)}
	h.press("i")
	h.typeText("u1")
	h.press("enter")
	if h.m.mode == modeConfirm { // where writes ask y/n first
		h.press("y")
	}
	const want = "may have been applied: check with `flashtop queue position --sale s1 --user u1`"
	if e := h.m.log[0]; e.OK || e.Status != "outcome unknown" || !strings.HasPrefix(e.Err, want+"; no reply: read tcp") {
		t.Fatalf("log entry %+v, want %q", e, want)
	}
	if h.m.status.kind != statusErr || !strings.Contains(h.m.status.text, want) {
		t.Fatalf("status %+v", h.m.status)
	}
	if v := h.m.View(); !strings.Contains(v, "outcome unknown") || !strings.Contains(v, "u1: may have been applied: check with `flashtop queue position --sale s1 --user u1`") {
		t.Fatalf("the screen does not say it:\n%s", v)
	}
}

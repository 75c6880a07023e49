package read

// Arming one master's feed: its two connections, CLIENT ID, SUBSCRIBE and
// CLIENT TRACKING, and what a refusal means (feed.go).

import (
	"cmp"
	"context"
	"errors"
	"flashtop/textsafe"
	"fmt"
	"strings"
	"time"
)

// feedRefusal says whether err is the server refusing the feed for good (an
// ACL without the commands, a server without CLIENT TRACKING), and why.
func feedRefusal(err error) (string, bool) {
	var re respError
	if !errors.As(err, &re) {
		return "", false
	}
	msg := textsafe.String(string(re))
	switch {
	case strings.HasPrefix(msg, "NOPERM"):
		return "ACL refused the feed (" + msg + ")", true
	case strings.Contains(strings.ToLower(msg), "unknown"), strings.Contains(msg, "syntax"):
		return "server does not support CLIENT TRACKING BCAST (Redis 6.0+, Valkey): " + msg, true
	}
	return "", false
}

// feedStepError names the feed command a reply refused.
type feedStepError struct {
	step string
	err  error
}

func (e *feedStepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *feedStepError) Unwrap() error { return e.err }

// replyErr returns the error reply in v, if it is one, named after step.
func replyErr(step string, v any) error {
	if e, ok := v.(respError); ok {
		return &feedStepError{step: step, err: e}
	}
	return nil
}

// arm opens one master's two connections and turns tracking on.
func (f *feed) arm(ctx context.Context, pn pnode) (*feedNode, error) {
	o := pn.cl.Options()
	timeout := f.p.timeout
	sub, err := dialRESP(ctx, o, feedSubName, timeout)
	if err != nil {
		return nil, err
	}
	_ = sub.nc.SetDeadline(time.Now().Add(timeout))
	r, err := sub.do([]any{"CLIENT", "ID"}, []any{"SUBSCRIBE", feedChannel})
	_ = sub.nc.SetDeadline(time.Time{})
	if err == nil {
		err = cmp.Or(replyErr("CLIENT ID", r[0]), replyErr("SUBSCRIBE "+feedChannel, r[1]))
	}
	id, ok := int64(0), false
	if err == nil {
		id, ok = r[0].(int64)
		if !ok {
			err = fmt.Errorf("%w: CLIENT ID replied %T", errRESP, r[0])
		}
	}
	if err != nil {
		sub.close()
		return nil, err
	}
	trk, err := dialRESP(ctx, o, feedTrackName, timeout)
	if err != nil {
		sub.close()
		return nil, err
	}
	n := &feedNode{addr: pn.addr, sub: sub, trk: trk, subID: id, trkInfo: true, replies: make(chan any, 16),
		done: make(chan struct{})}
	args := []any{"CLIENT", "TRACKING", "on", "REDIRECT", id, "BCAST"}
	for _, p := range f.prefixes {
		args = append(args, "PREFIX", p)
	}
	_ = trk.nc.SetDeadline(time.Now().Add(timeout))
	r, err = trk.do(args)
	_ = trk.nc.SetDeadline(time.Time{})
	if err == nil {
		err = replyErr("CLIENT TRACKING", r[0])
	}
	if err != nil {
		n.close()
		return nil, err
	}
	return n, nil
}

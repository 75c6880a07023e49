package redisops

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"flashtop/scripts"
	"flashtop/textsafe"
)

// The queue operations of the table (optable.go): join, leave and admit run
// scripts (scripts/join.lua, leave.lua, admit.lua); position and length are
// plain reads.

// Queue operations.
const (
	KindJoin     Kind = "join"
	KindLeave    Kind = "leave"
	KindPosition Kind = "position"
	KindLength   Kind = "length"
	KindAdmit    Kind = "admit"
	KindHead     Kind = "head"
)

func queueSpecs() []Spec {
	return []Spec{
		{Kind: KindJoin, Command: "queue join", Title: "Join queue", Write: true, Family: FamilyQueue,
			About:  "put a user in the queue of a sale (refused when the queue holds --max-queue)",
			Inputs: []Input{userInput()}, run: runJoin, Confirm: joinPrompt},
		{Kind: KindLeave, Command: "queue leave", Title: "Leave queue", Write: true, Family: FamilyQueue,
			Subject: SubjectMember, About: "take a user out of the queue",
			Inputs: []Input{userInput()}, run: runLeave, Confirm: leavePrompt},
		{Kind: KindPosition, Command: "queue position", Title: "Queue position", Family: FamilyQueue,
			About:  "print a user's position in the queue (1 is the head)",
			Inputs: []Input{userInput()}, run: runPosition},
		{Kind: KindLength, Command: "queue length", Title: "Queue length", Family: FamilyQueue,
			About: "print how many users the queue holds", run: runLength},
		{Kind: KindAdmit, Command: "queue admit", Title: "Admit", Write: true, Family: FamilyQueue,
			About:  "admit the first N users (default 10) of the queue, in order",
			Inputs: []Input{{Field: FieldCount, Label: "count", Default: "10", Min: 1, Max: MaxCount}},
			run:    runAdmit, Confirm: admitPrompt},
		{Kind: KindHead, Command: "queue head", Title: "Queue head", Family: FamilyQueue,
			About:  "print the first N users (default 10) of the queue, in order, without admitting them",
			Inputs: []Input{{Field: FieldCount, Label: "count", Default: "10", Min: 1, Max: MaxCount}}, run: runHead},
	}
}

// runHead reads the first r.N members of a sale's queue and its length in
// one round trip: head + Users (in queue order) + Length. A queue key of
// another type is WRONGTYPE (an ErrServer error).
func runHead(ctx context.Context, c *Client, r Request) (Result, error) {
	q := c.schema.QueueKey(r.Sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	var users *redis.StringSliceCmd
	var n *redis.IntCmd
	if _, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		users, n = p.ZRange(ctx, q, 0, r.N-1), p.ZCard(ctx, q)
		return nil
	}); err != nil {
		return Result{}, Classify(err)
	}
	length := n.Val()
	return Result{OK: true, Status: StatusHead, Users: users.Val(), Length: &length, Key: q}, nil
}

// Join puts a user at the back of a sale's queue, capped at c.MaxQueue():
// joined + Position, already_queued + Position, or queue_full + Length. It
// is Do of a KindJoin request.
func (c *Client) Join(ctx context.Context, sale, user string) (Result, error) {
	return c.Do(ctx, Request{Kind: KindJoin, Sale: sale, User: user})
}

func runJoin(ctx context.Context, c *Client, r Request) (Result, error) {
	q := c.schema.QueueKey(r.Sale)
	return c.runScript(ctx, scripts.Join, q, tellPosition(r.Sale, r.User), []string{q}, []any{r.User, c.maxQueue},
		replyShape{status: StatusJoined, fields: []replyField{fieldPosition}},
		replyShape{status: StatusAlreadyQueued, fields: []replyField{fieldPosition}},
		replyShape{status: StatusQueueFull, fields: []replyField{fieldLength}})
}

// Leave takes a user out of a sale's queue: left or not_queued. It is Do of
// a KindLeave request.
func (c *Client) Leave(ctx context.Context, sale, user string) (Result, error) {
	return c.Do(ctx, Request{Kind: KindLeave, Sale: sale, User: user})
}

func runLeave(ctx context.Context, c *Client, r Request) (Result, error) {
	q := c.schema.QueueKey(r.Sale)
	return c.runScript(ctx, scripts.Leave, q, tellPosition(r.Sale, r.User), []string{q}, []any{r.User},
		replyShape{status: StatusLeft}, replyShape{status: StatusNotQueued})
}

// Admit removes the first n (1..MaxCount) users of a sale's queue: admitted +
// Users in queue order (non-nil, empty when the queue was empty). It is Do
// of a KindAdmit request.
func (c *Client) Admit(ctx context.Context, sale string, n int64) (Result, error) {
	return c.Do(ctx, Request{Kind: KindAdmit, Sale: sale, N: n})
}

func runAdmit(ctx context.Context, c *Client, r Request) (Result, error) {
	q := c.schema.QueueKey(r.Sale)
	return c.runScript(ctx, scripts.Admit, q, tellLength(r.Sale), []string{q}, []any{r.N},
		replyShape{status: StatusAdmitted, users: true})
}

// Position reads a user's place in a sale's queue: queued + Position
// (ZRANK + 1), or not_queued. It is Do of a KindPosition request.
func (c *Client) Position(ctx context.Context, sale, user string) (Result, error) {
	return c.Do(ctx, Request{Kind: KindPosition, Sale: sale, User: user})
}

func runPosition(ctx context.Context, c *Client, r Request) (Result, error) {
	q := c.schema.QueueKey(r.Sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	rank, err := c.rdb.ZRank(ctx, q, r.User).Result()
	if errors.Is(err, redis.Nil) {
		return Result{Status: StatusNotQueued, Key: q}, nil
	}
	if err != nil {
		return Result{}, Classify(err)
	}
	pos := rank + 1
	return Result{OK: true, Status: StatusQueued, Position: &pos, Key: q}, nil
}

// Length reads the number of users in a sale's queue: length + Length. It
// is Do of a KindLength request.
func (c *Client) Length(ctx context.Context, sale string) (Result, error) {
	return c.Do(ctx, Request{Kind: KindLength, Sale: sale})
}

func runLength(ctx context.Context, c *Client, r Request) (Result, error) {
	q := c.schema.QueueKey(r.Sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	n, err := c.rdb.ZCard(ctx, q).Result()
	if err != nil {
		return Result{}, Classify(err)
	}
	return Result{OK: true, Status: StatusLength, Length: &n, Key: q}, nil
}

// joinPrompt: the user, the queue key and its length before → after, or
// that the user is queued already.
func joinPrompt(sch Schema, r Request, s Seen) string {
	u := textsafe.String(r.User)
	p := fmt.Sprintf("Add user %s to %s: ", u, textsafe.String(r.Key(sch)))
	if s.Position != nil {
		return p + fmt.Sprintf("%s is already queued at position %d, nothing changes (Redis will answer %s)?", u,
			*s.Position, StatusAlreadyQueued)
	}
	return p + s.lengthChange(1) + "?"
}

// leavePrompt: the user, the queue key and its length before → after.
func leavePrompt(sch Schema, r Request, s Seen) string {
	return fmt.Sprintf("Remove user %s from %s: %s?", textsafe.String(r.User), textsafe.String(r.Key(sch)),
		s.lengthChange(-1))
}

// admitPrompt: the count, the queue key and its length before → after.
func admitPrompt(sch Schema, r Request, s Seen) string {
	p := fmt.Sprintf("Admit the next %d members of %s (removes them from the queue): %s", r.N,
		textsafe.String(r.Key(sch)), s.lengthChange(-r.N))
	if s.QueueLength != nil && *s.QueueLength < r.N {
		p += fmt.Sprintf(" (only %d waiting)", *s.QueueLength)
	}
	return p + "?"
}

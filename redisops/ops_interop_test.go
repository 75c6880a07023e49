package redisops

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
	"flashtop/scripts"
)

// backendRelease is the backend's release as backend-contract.md describes
// it: read quantity, INCRBY stock (creating it), DEL the hold, return the
// quantity (0 when there is none). It runs on the real server.
var backendRelease = redis.NewScript(`
local q = redis.call('HGET', KEYS[1], 'quantity')
if not q then return 0 end
redis.call('INCRBY', KEYS[2], q)
redis.call('DEL', KEYS[1])
return tonumber(q)`)

// TestBackendHoldsBlockReserveAndRelease: a hold written by either backend
// path blocks flashtop's reserve and is released with its own quantity.
func TestBackendHoldsBlockReserveAndRelease(t *testing.T) {
	redistest.EachKind(t, testBackendHoldsBlockReserveAndRelease)
}

func testBackendHoldsBlockReserveAndRelease(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	const st, hold = "inventory:s1", "reservation:u1:s1"
	shapes := map[string]func(context.Context, redis.Cmdable){
		"hash (Lua path)":         backendHashHold(hold, 3, "u1"),
		"JSON SETEX (order path)": backendJSONHold(hold, "s1", "u1", "3"),
	}
	for name, write := range shapes {
		t.Run(name, func(t *testing.T) {
			rdb.FlushDB(ctx)
			rdb.Set(ctx, st, "10", 0)
			write(ctx, rdb)
			before := dbState(t, rdb)
			r, err := c.Reserve(ctx, "s1", "u1", 1, 300*time.Second)
			want := Result{Status: StatusAlreadyReserved, Quantity: i64(3), Key: hold}
			if err != nil || !reflect.DeepEqual(r, want) {
				t.Fatalf("reserve = %s, %v; want %s", fmtResult(r), err, fmtResult(want))
			}
			if d := diffState(before, dbState(t, rdb)); d != "" {
				t.Fatalf("reserve over a backend hold wrote:\n%s", d)
			}
			r, err = c.Release(ctx, "s1", "u1", nil)
			want = Result{OK: true, Status: StatusReleased, Quantity: i64(3), Stock: i64(13), Key: hold}
			if err != nil || !reflect.DeepEqual(r, want) {
				t.Fatalf("release = %s, %v; want %s", fmtResult(r), err, fmtResult(want))
			}
			expectString(t, rdb, st, "13")
			expectNoKey(t, rdb, hold)
			r, err = c.Release(ctx, "s1", "u1", nil)
			if err != nil || r.Status != StatusNotFound {
				t.Fatalf("second release = %s, %v; want not_found", fmtResult(r), err)
			}
			expectString(t, rdb, st, "13")
		})
	}
}

// TestBackendReleasesFlashtopHold: a hold flashtop writes is the backend's
// hash shape, so the backend's own release returns its units.
func TestBackendReleasesFlashtopHold(t *testing.T) {
	redistest.EachKind(t, testBackendReleasesFlashtopHold)
}

func testBackendReleasesFlashtopHold(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	if r, err := c.Reserve(ctx, "s1", "u1", 4, 300*time.Second); err != nil || r.Status != StatusReserved {
		t.Fatalf("reserve = %s, %v", fmtResult(r), err)
	}
	n, err := backendRelease.Run(ctx, rdb, []string{"reservation:u1:s1", "inventory:s1"}).Int64()
	if err != nil || n != 4 {
		t.Fatalf("backend release = %d, %v; want 4", n, err)
	}
	expectString(t, rdb, "inventory:s1", "10")
	expectNoKey(t, rdb, "reservation:u1:s1")
}

// TestSurvivesScriptFlush: after SCRIPT FLUSH every operation still works
// (EVALSHA gets NOSCRIPT, Script.Run falls back to EVAL, which reloads it).
func TestSurvivesScriptFlush(t *testing.T) {
	redistest.EachKind(t, testSurvivesScriptFlush)
}

func testSurvivesScriptFlush(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	if r, err := c.Reserve(ctx, "s1", "u1", 1, time.Minute); err != nil || r.Status != StatusReserved {
		t.Fatalf("reserve before flush = %s, %v", fmtResult(r), err)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	all := scripts.All()
	var hashes []string
	for _, s := range all {
		hashes = append(hashes, s.Hash())
	}
	if exists := rdb.ScriptExists(ctx, hashes...).Val(); len(exists) != len(hashes) || anyTrue(exists) {
		t.Fatalf("SCRIPT EXISTS after flush = %v; want all false", exists)
	}
	steps := []struct {
		want string
		call func() (Result, error)
	}{
		{StatusReserved, func() (Result, error) { return c.Reserve(ctx, "s1", "u2", 1, time.Minute) }},
		{StatusReleased, func() (Result, error) { return c.Release(ctx, "s1", "u2", nil) }},
		{StatusSet, func() (Result, error) { return c.SetStock(ctx, "s1", 5) }},
		{StatusRestocked, func() (Result, error) { return c.Restock(ctx, "s1", 1, nil) }},
		{StatusTaken, func() (Result, error) { return c.Take(ctx, "s1", 1) }},
		{StatusJoined, func() (Result, error) { return c.Join(ctx, "s1", "u2") }},
		{StatusLeft, func() (Result, error) { return c.Leave(ctx, "s1", "u2") }},
		{StatusAdmitted, func() (Result, error) { return c.Admit(ctx, "s1", 1) }},
		{StatusReclaimed, func() (Result, error) { // leak.lua, then reclaim.lua
			l := Leak{Sale: "s1", User: "u9", Key: "reservation:u9:s1", Quantity: 1, Stamp: NoStamp, Class: LeakVerified}
			if ok, err := c.RecordLeak(ctx, l); err != nil || !ok {
				return Result{}, fmt.Errorf("record leak: %v %w", ok, err)
			}
			return c.Reclaim(ctx, "s1", nil, false)
		}},
	}
	for _, s := range steps {
		if r, err := s.call(); err != nil || r.Status != s.want {
			t.Fatalf("after SCRIPT FLUSH: %s, %v; want %s", fmtResult(r), err, s.want)
		}
	}
	for i, ok := range rdb.ScriptExists(ctx, hashes...).Val() {
		if !ok {
			t.Errorf("script %s was not reloaded", hashes[i])
		}
	}
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

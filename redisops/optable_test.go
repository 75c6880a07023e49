package redisops

import (
	"context"
	"errors"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// TestSpecsAreOneTable: each operation has one row, found by its kind and
// by its command; every write says how it confirms, no read does; every
// input is a field of Request.
func TestSpecsAreOneTable(t *testing.T) {
	kinds, commands := map[Kind]bool{}, map[string]bool{}
	for _, sp := range Specs() {
		if kinds[sp.Kind] || commands[sp.Command] || sp.Kind == "" || sp.Command == "" || sp.Title == "" || sp.About == "" {
			t.Errorf("row %q (%q): duplicate or incomplete", sp.Kind, sp.Command)
		}
		kinds[sp.Kind], commands[sp.Command] = true, true
		if sp.Write != (sp.Confirm != nil) {
			t.Errorf("%s: write %v but confirm %v", sp.Kind, sp.Write, sp.Confirm != nil)
		}
		if sp.run == nil {
			t.Errorf("%s: no run", sp.Kind)
		}
		if got, ok := SpecOf(sp.Kind); !ok || got.Command != sp.Command {
			t.Errorf("SpecOf(%s) = %q, %v", sp.Kind, got.Command, ok)
		}
		if got, ok := SpecByCommand(sp.Command); !ok || got.Kind != sp.Kind {
			t.Errorf("SpecByCommand(%q) = %s, %v", sp.Command, got.Kind, ok)
		}
		for _, in := range sp.Inputs {
			switch in.Field {
			case FieldUser, FieldQty, FieldCount, FieldTTL, FieldMax:
			default:
				t.Errorf("%s: input %q is no field of Request", sp.Kind, in.Field)
			}
		}
	}
	if len(kinds) != 13 {
		t.Errorf("%d operations, want 13", len(kinds))
	}
}

// TestRequestCommandLineAndKey: a request is written as the command that
// runs it, and names the key it works on.
func TestRequestCommandLineAndKey(t *testing.T) {
	sch, mx := DefaultSchema(), int64(100)
	for _, tc := range []struct {
		r        Request
		cmd, key string
	}{
		{Request{Kind: KindReserve, Sale: "s1", User: "erin", N: 4, TTL: 10 * time.Minute},
			"reserve --sale s1 --user erin --qty 4 --ttl 600s", "reservation:erin:s1"},
		{Request{Kind: KindRelease, Sale: "s1", User: "dave"}, "release --sale s1 --user dave", "reservation:dave:s1"},
		{Request{Kind: KindRestock, Sale: "s1", N: 5, Max: &mx}, "inventory restock --sale s1 --qty 5 --max 100", "inventory:s1"},
		{Request{Kind: KindSet, Sale: "s1"}, "inventory set --sale s1 --qty 0", "inventory:s1"},
		{Request{Kind: KindAdmit, Sale: "s1", N: 10}, "queue admit --sale s1 --count 10", "queue:s1"},
		{Request{Kind: KindHead, Sale: "s1", N: 3}, "queue head --sale s1 --count 3", "queue:s1"},
		{Request{Kind: KindLeave, Sale: "s1", User: "bob\x1b"}, `queue leave --sale s1 --user bob\x1b`, "queue:s1"},
		{Request{Kind: KindReclaim, Sale: "s1"}, "reclaim --sale s1", LedgerKey("s1")},
	} {
		if got := tc.r.CommandLine(); got != tc.cmd {
			t.Errorf("%s: command line %q, want %q", tc.r.Kind, got, tc.cmd)
		}
		if got := tc.r.Key(sch); got != tc.key {
			t.Errorf("%s: key %q, want %q", tc.r.Kind, got, tc.key)
		}
	}
}

// TestInputErrorsNameTheirField: a refused request is an *InputError
// naming the field (not a flag), and ErrInput; Input.Set refuses the same.
func TestInputErrorsNameTheirField(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	ctx := context.Background()
	for _, tc := range []struct {
		r     Request
		field Field
	}{
		{Request{Kind: KindReserve, Sale: "a:b", User: "u", N: 1, TTL: time.Minute}, FieldSale},
		{Request{Kind: KindReserve, Sale: "s1", User: "", N: 1, TTL: time.Minute}, FieldUser},
		{Request{Kind: KindReserve, Sale: "s1", User: "u", N: 0, TTL: time.Minute}, FieldQty},
		{Request{Kind: KindReserve, Sale: "s1", User: "u", N: 1}, FieldTTL},
		{Request{Kind: KindAdmit, Sale: "s1", N: MaxCount + 1}, FieldCount},
		{Request{Kind: KindRestock, Sale: "s1", N: 1, Max: new(int64(-1))}, FieldMax},
	} {
		_, err := c.Do(ctx, tc.r)
		var ie *InputError
		if !errors.As(err, &ie) || !errors.Is(err, ErrInput) || ie.Field != tc.field || ie.Problem == "" {
			t.Errorf("%+v: %v, want an InputError of %s", tc.r, err, tc.field)
		}
	}
	if _, err := c.Do(ctx, Request{Kind: "steal", Sale: "s1"}); !errors.Is(err, ErrInput) {
		t.Errorf("unknown kind: %v", err)
	}
	sp, _ := SpecOf(KindRestock)
	var r Request
	if err := sp.Inputs[1].Set(&r, ""); err != nil || r.Max != nil {
		t.Errorf("empty optional max: %v, %v", err, r.Max)
	}
	var ie *InputError
	if err := sp.Inputs[0].Set(&r, "0"); !errors.As(err, &ie) || ie.Field != FieldQty {
		t.Errorf("qty 0: %v", err)
	}
	if err := sp.Inputs[0].Set(&r, "7"); err != nil || r.N != 7 {
		t.Errorf("qty 7: %v, N %d", err, r.N)
	}
}

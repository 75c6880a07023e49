package redisops

import (
	"context"
	"flashtop/textsafe"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The operation table (DESIGN.md §2, §4): every operation on the sale data
// is one Request, described by one Spec, run by one Client.Do. The command
// line derives its commands, flags and help from the Specs, the dashboard its
// forms, confirms and titles; each family's rows live with their scripts'
// calls (ops_hold.go, ops_stock.go, ops_queue.go, leak.go). Adding an
// operation is a row there (its Kind, Spec, run and confirm), its script
// (scripts/), its key binding (ui/keys) and, for new status words, the
// command line's result text.

// Kind names an operation.
type Kind string

// Field names one input of an operation: the part of a Request it fills.
// The command line writes it as a flag (FieldQty: --qty), the dashboard as
// the label of a form field (Input.Label).
type Field string

// The fields of a Request.
const (
	FieldSale  Field = "sale"
	FieldUser  Field = "user"
	FieldQty   Field = "qty"   // Request.N as a quantity (set: the stock)
	FieldCount Field = "count" // Request.N as admit's count
	FieldTTL   Field = "ttl"   // Request.TTL
	FieldMax   Field = "max"   // Request.Max
)

// Family is the key family an operation works on (Request.Key).
type Family int

// Key families of operations.
const (
	FamilyStock  Family = iota // the sale's stock key
	FamilyQueue                // the sale's queue
	FamilyHold                 // the user's hold on the sale
	FamilyLedger               // the sale's leak ledger (flashtop:leaks:{sale})
)

// Subject is what an operation acts on in the dashboard: always the row the
// operator sees highlighted (DESIGN.md §6).
type Subject int

// Subjects.
const (
	SubjectSale   Subject = iota // the sale under the Sales bar; a form asks the other inputs
	SubjectHold                  // the hold highlighted in the Holds panel (sale and user from it)
	SubjectMember                // the member highlighted in the Queue panel (sale and user from it)
)

// Request is one operation with every argument resolved.
type Request struct {
	Kind Kind
	Sale string
	User string
	N    int64         // quantity (reserve, restock, take), stock (set), count (admit)
	TTL  time.Duration // reserve
	Max  *int64        // release, restock, reclaim: refuse past it (nil: no limit)
}

// Input is one input of an operation beyond the sale, as both front ends ask
// it: a command flag and a form field.
type Input struct {
	Field Field
	// Label is the dashboard's form label ("quantity"); "" when the
	// dashboard does not ask it (release's and reclaim's max).
	Label string
	Hint  string // the form's placeholder while empty
	// Default is the value taken when the input is not given, and the
	// form's initial text; "" with Optional false: the input is required.
	Default  string
	Optional bool  // may be left out: no value (max)
	Min, Max int64 // the range of a number (qty, count, max)
}

// Spec describes one operation.
type Spec struct {
	Kind    Kind
	Command string // the command line's command: "inventory restock"
	Title   string // the dashboard's name of it: "Restock"
	About   string // one line of help
	Write   bool   // writes (armed only, DESIGN.md §6)
	Family  Family
	Subject Subject
	Inputs  []Input // beyond the sale, in order
	// Confirm is the question of a write's y/n: the exact key, the amount
	// and, from what the operator sees (s), the value before → after.
	Confirm func(sch Schema, r Request, s Seen) string
	run     func(ctx context.Context, c *Client, r Request) (Result, error)
}

// Specs is the operation table, in the command line's help order (a new
// slice on each call).
func Specs() []Spec {
	out := holdSpecs()
	out = append(out, stockSpecs()...)
	out = append(out, queueSpecs()...)
	return append(out, ledgerSpecs()...)
}

// SpecOf finds the Spec of an operation.
func SpecOf(k Kind) (Spec, bool) {
	for _, s := range Specs() {
		if s.Kind == k {
			return s, true
		}
	}
	return Spec{}, false
}

// SpecByCommand finds the Spec of a command line's command ("queue admit").
func SpecByCommand(command string) (Spec, bool) {
	for _, s := range Specs() {
		if s.Command == command {
			return s, true
		}
	}
	return Spec{}, false
}

// Do runs one operation: it checks the request (an *InputError, nothing
// sent), then runs the operation under the client's timeout. Redis errors
// come back through Classify; a write with no reply is an *OutcomeError.
func (c *Client) Do(ctx context.Context, r Request) (Result, error) {
	sp, ok := SpecOf(r.Kind)
	if !ok {
		return Result{}, fmt.Errorf("%w: unknown operation %q", ErrInput, r.Kind)
	}
	if err := sp.Check(r); err != nil {
		return Result{}, err
	}
	return sp.run(ctx, c, r)
}

// Check checks the sale and every input of r (an *InputError).
func (sp Spec) Check(r Request) error {
	if err := ValidateID(string(FieldSale), r.Sale); err != nil {
		return err
	}
	for _, in := range sp.Inputs {
		if err := in.check(r); err != nil {
			return err
		}
	}
	return nil
}

func (in Input) check(r Request) error {
	name := string(in.Field)
	switch in.Field {
	case FieldUser:
		return ValidateID(name, r.User)
	case FieldQty, FieldCount:
		return CheckIntIn(name, r.N, in.Min, in.Max)
	case FieldTTL:
		return CheckTTL(name, r.TTL)
	case FieldMax:
		if r.Max != nil {
			return CheckIntIn(name, *r.Max, in.Min, in.Max)
		}
	}
	return nil
}

// Set parses s as this input into r (an *InputError naming in.Field when
// it is not valid). An Optional input left empty is no value.
func (in Input) Set(r *Request, s string) error {
	name := string(in.Field)
	var err error
	switch in.Field {
	case FieldSale, FieldUser:
		if err = ValidateID(name, s); err != nil {
			return err
		}
		if in.Field == FieldSale {
			r.Sale = s
		} else {
			r.User = s
		}
	case FieldQty, FieldCount:
		r.N, err = ParseIntIn(name, s, in.Min, in.Max)
	case FieldTTL:
		r.TTL, err = ParseTTL(name, s)
	case FieldMax:
		if s == "" && in.Optional {
			r.Max = nil
			return nil
		}
		var n int64
		if n, err = ParseIntIn(name, s, in.Min, in.Max); err == nil {
			r.Max = &n
		}
	default:
		err = fmt.Errorf("%w: unknown field %q", ErrInput, in.Field)
	}
	return err
}

// Required reports whether the input must be given (no default, not optional).
func (in Input) Required() bool { return in.Default == "" && !in.Optional }

// Key is the key r works on: the hold, the queue, the stock or the ledger.
func (r Request) Key(sch Schema) string {
	sp, _ := SpecOf(r.Kind)
	switch sp.Family {
	case FamilyHold:
		return sch.HoldKey(r.User, r.Sale)
	case FamilyQueue:
		return sch.QueueKey(r.Sale)
	case FamilyLedger:
		return LedgerKey(r.Sale)
	}
	return sch.StockKey(r.Sale)
}

// CommandLine writes r as the equivalent flashtop command (without
// "flashtop "), ids escaped (textsafe.String): "inventory restock --sale s1
// --qty 5 --max 100".
func (r Request) CommandLine() string {
	sp, ok := SpecOf(r.Kind)
	if !ok {
		return textsafe.String(string(r.Kind))
	}
	var b strings.Builder
	b.WriteString(sp.Command + " --sale " + textsafe.String(r.Sale))
	for _, in := range sp.Inputs {
		switch in.Field {
		case FieldUser:
			b.WriteString(" --user " + textsafe.String(r.User))
		case FieldQty, FieldCount:
			fmt.Fprintf(&b, " --%s %d", in.Field, r.N)
		case FieldTTL:
			b.WriteString(" --ttl " + ttlText(r.TTL))
		case FieldMax:
			if r.Max != nil {
				fmt.Fprintf(&b, " --max %d", *r.Max)
			}
		}
	}
	return b.String()
}

// ttlText is a TTL in whole seconds: "300s".
func ttlText(d time.Duration) string { return fmt.Sprintf("%ds", int64(d.Seconds())) }

// Every write the dashboard sends asks y/n first (DESIGN.md §6): the
// question (Spec.Confirm) names the exact key, the amount, and the value
// before → after where the write changes one. The before values are what
// the operator is looking at (Seen); a value not seen is "unknown".

// Seen is what the operator sees of the data an operation works on when its
// confirm opens: the "before" of before → after.
type Seen struct {
	Stock       *int64 // the sale's stock (nil: unknown)
	QueueLength *int64 // the sale's queue length (nil: unknown)
	Held        *int64 // the units of the user's hold on the sale (nil: no hold seen)
	Position    *int64 // the user's place in the sale's queue (nil: not seen queued)
	// LeakedUnits and LeakedUnverifiedUnits are the sale's leaked units not
	// reclaimed yet, and the part of them not seen to expire (reclaim).
	LeakedUnits, LeakedUnverifiedUnits int64
	// AsOf follows every before value: " (as of 15:04:05)" when the data is
	// stale (disconnected, paused), "" otherwise.
	AsOf string
}

// stockChange is "stock 12 → 10", "stock unknown", or, when the stock is
// too low for the change, why Redis will refuse it (refusal: the status
// word; "" when the change cannot be refused for it).
func (s Seen) stockChange(delta int64, refusal string) string {
	return s.change(s.Stock, delta, refusal, "stock ")
}

// valueChange is "500 → 505" or "stock unknown".
func (s Seen) valueChange(delta int64) string { return s.change(s.Stock, delta, "", "") }

// change writes before → after of a value changed by delta, prefixed by
// label; a negative after is refused by Redis with the refusal status word.
func (s Seen) change(v *int64, delta int64, refusal, label string) string {
	if v == nil {
		return "stock unknown" + s.AsOf
	}
	if after := *v + delta; after < 0 && refusal != "" {
		return fmt.Sprintf("%s%d, less than %d: Redis will answer %s%s", label, *v, -delta, refusal, s.AsOf)
	}
	return fmt.Sprintf("%s%d → %d%s", label, *v, *v+delta, s.AsOf)
}

// lengthChange is "length 2 → 3" (never below 0) or "length unknown".
func (s Seen) lengthChange(delta int64) string {
	if s.QueueLength == nil {
		return "length unknown" + s.AsOf
	}
	return fmt.Sprintf("length %d → %d%s", *s.QueueLength, max(*s.QueueLength+delta, 0), s.AsOf)
}

// units is "1 unit" or "n units".
func units(n int64) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.FormatInt(n, 10) + " units"
}

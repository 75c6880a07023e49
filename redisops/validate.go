package redisops

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Input limits (DESIGN.md §4–5; issue "Core", input rules).
const (
	MaxQuantity = 1_000_000     // reserve, restock, take: 1..MaxQuantity
	MaxStockSet = 1_000_000_000 // inventory set: 0..MaxStockSet
	MaxCount    = 10_000        // queue admit: 1..MaxCount
	MaxMax      = 1_000_000_000 // --max: 0..MaxMax
	MaxIDBytes  = 512           // sale and user ids
	MinTTL      = time.Second   // reserve --ttl
	MaxTTL      = 30 * 24 * time.Hour
	DefaultTTL  = 300 * time.Second
	// MaxScriptInt is the largest number any flashtop script accepts, in
	// an argument or read from a key (scripts/lib.lua MAXN: 15 digits, so
	// Lua's doubles stay exact). A stock or hold quantity above it is
	// refused by every write: the snapshot flags it (stock_invalid,
	// hold_bad_quantity).
	MaxScriptInt = 999_999_999_999_999
)

// AddSaturating is a+b, held at the int64 bounds instead of wrapping: a sum
// of values read from Redis (units, counters) never turns negative.
func AddSaturating(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// InputError is an input refused before anything is sent: which input
// (Field) and what is wrong with it (Problem, e.g. "must not be empty"). It
// wraps ErrInput. Each front end names the field its own way: the command
// line as its flag ("--sale: must not be empty"), the dashboard as the label
// of its form field ("user: must not be empty").
type InputError struct {
	// Field is the input: one of the Field constants for what redisops
	// checks itself, or the name a caller gave a parser (ParseIntIn).
	Field Field
	// Problem says what is wrong, without the field's name.
	Problem string
}

// Error is "redisops: bad input: <field>: <problem>".
func (e *InputError) Error() string {
	return ErrInput.Error() + ": " + string(e.Field) + ": " + e.Problem
}

// Unwrap gives ErrInput.
func (e *InputError) Unwrap() error { return ErrInput }

// inputErr builds the InputError of field.
func inputErr(field Field, format string, a ...any) error {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, a...)}
}

// ValidateID checks a sale or user id: non-empty, at most 512 bytes, valid
// UTF-8, no ':', '{', '}' and no control characters.
func ValidateID(flag, id string) error {
	switch {
	case id == "":
		return inputErr(Field(flag), "must not be empty")
	case len(id) > MaxIDBytes:
		return inputErr(Field(flag), "is %d bytes long; at most %d", len(id), MaxIDBytes)
	case !utf8.ValidString(id):
		return inputErr(Field(flag), "is not valid UTF-8")
	case strings.ContainsAny(id, ":{}"):
		return inputErr(Field(flag), "must not contain ':', '{' or '}' (got %q)", id)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return inputErr(Field(flag), "must not contain control characters (got %q)", id)
	}
	return nil
}

// parseInt parses a plain decimal integer (digits only, an optional leading
// '-' so that negatives get a range error rather than a syntax error).
func parseInt(flag, s string) (int64, error) {
	body := strings.TrimPrefix(s, "-")
	if body == "" || strings.TrimFunc(body, func(r rune) bool { return r >= '0' && r <= '9' }) != "" {
		return 0, inputErr(Field(flag), "must be a whole number (got %q)", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, inputErr(Field(flag), "%q is out of range", s)
	}
	return n, nil
}

// ParseIntIn parses s as a whole number in [lo, hi].
func ParseIntIn(flag, s string, lo, hi int64) (int64, error) {
	n, err := parseInt(flag, s)
	if err != nil {
		return 0, err
	}
	if err := CheckIntIn(flag, n, lo, hi); err != nil {
		return 0, err
	}
	return n, nil
}

// CheckIntIn checks that n lies in [lo, hi].
func CheckIntIn(flag string, n, lo, hi int64) error {
	if n < lo || n > hi {
		return inputErr(Field(flag), "must be from %d to %d (got %d)", lo, hi, n)
	}
	return nil
}

// ParseQuantity parses a quantity: 1..1,000,000.
func ParseQuantity(flag, s string) (int64, error) { return ParseIntIn(flag, s, 1, MaxQuantity) }

// ParseCount parses an admit count: 1..10,000.
func ParseCount(flag, s string) (int64, error) { return ParseIntIn(flag, s, 1, MaxCount) }

// ParseMax parses a --max: 0..1,000,000,000.
func ParseMax(flag, s string) (int64, error) { return ParseIntIn(flag, s, 0, MaxMax) }

// ParseTTL parses a hold TTL: whole seconds as "300", or a number with a unit
// s, m, h or d ("300s", "5m", "2h", "1d"); from 1 s to 30 days.
func ParseTTL(flag, s string) (time.Duration, error) {
	unit := time.Second
	num := s
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 's':
			num = s[:n-1]
		case 'm':
			unit, num = time.Minute, s[:n-1]
		case 'h':
			unit, num = time.Hour, s[:n-1]
		case 'd':
			unit, num = 24*time.Hour, s[:n-1]
		}
	}
	if num == "" || strings.TrimFunc(num, func(r rune) bool { return r >= '0' && r <= '9' }) != "" {
		return 0, inputErr(Field(flag), "must be whole seconds like 300, 300s, 5m, 2h or 1d (got %q)", s)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n > int64(MaxTTL/unit) {
		return 0, inputErr(Field(flag), "must be from 1s to 30d (got %q)", s)
	}
	d := time.Duration(n) * unit
	if err := CheckTTL(flag, d); err != nil {
		return 0, err
	}
	return d, nil
}

// CheckTTL checks a TTL: whole seconds from 1 s to 30 days.
func CheckTTL(flag string, d time.Duration) error {
	if d < MinTTL || d > MaxTTL || d%time.Second != 0 {
		return inputErr(Field(flag), "must be whole seconds from 1s to 30d (got %s)", d)
	}
	return nil
}

// RedisInt parses s the way Redis parses an integer (INCRBY, DECRBY): an
// optional '-', digits, no leading zeros, no spaces, within int64.
func RedisInt(s string) (int64, bool) {
	body := strings.TrimPrefix(s, "-")
	if body == "" || len(body) > 19 || (body[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for i := 0; i < len(body); i++ {
		if body[i] < '0' || body[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

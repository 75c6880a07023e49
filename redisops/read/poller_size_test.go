package read

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestPrintedLenMatchesSprint pins that the cost meter's byte counts did
// not change when they stopped formatting every argument: printedLen is
// len(fmt.Sprint(v)) for every kind of value a command or reply holds.
func TestPrintedLenMatchesSprint(t *testing.T) {
	values := []any{"", "reservation:u1:s1", "é\x00", 0, 7, -1, 10, 99, 100, math.MaxInt64, math.MinInt64,
		int64(0), int64(-42), int64(1_000_000), int64(math.MinInt64), nil, 1.5, float64(300), true,
		time.Second, []byte("ab"), []string{"a"}, uint64(math.MaxUint64)}
	for _, v := range values {
		if got, want := printedLen(v), int64(len(fmt.Sprint(v))); got != want {
			t.Errorf("printedLen(%#v) = %d, len(fmt.Sprint) = %d", v, got, want)
		}
	}
	args := []any{"hmget", "reservation:u1:s1", "quantity", int64(12), 3, nil}
	want := int64(len(fmt.Sprint(len(args)))) + 3
	for _, a := range args {
		l := int64(len(fmt.Sprint(a)))
		want += l + int64(len(fmt.Sprint(l))) + 5
	}
	if got := requestSize(args); got != want {
		t.Errorf("requestSize = %d, want %d", got, want)
	}
}

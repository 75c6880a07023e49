package numfmt

import (
	"math"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 24960: "24,960", -1234: "-1,234",
		999_999_999_999_999: "999,999,999,999,999", math.MinInt64: "-9,223,372,036,854,775,808"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{-time.Second: "0s", 0: "0s", 850 * time.Millisecond: "850ms",
		42 * time.Second: "42s", 125 * time.Second: "2m05s", 3720*time.Second + 59*time.Second: "1h02m",
		(3*24+4)*time.Hour + 59*time.Minute: "3d04h"} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// Package numfmt writes the numbers flashtop shows the same way everywhere:
// counts exactly with thousands separators, durations in whole units. It is
// UI-free, so the dashboard's panels, the alerts' texts and the event feed
// (salelog) share it.
package numfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// thousandsSep separates groups of three digits in every count.
const thousandsSep = ','

// Count formats an integer exactly, with thousands separators: "0", "999",
// "1,000", "24,960", "-1,234", "999,999,999,999,999". Stock and counts are
// never rounded by it.
func Count(n int64) string {
	digits := strconv.FormatInt(n, 10)
	sign := ""
	if digits[0] == '-' {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	var b strings.Builder
	b.Grow(len(sign) + len(digits) + (len(digits)-1)/3)
	b.WriteString(sign)
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteByte(thousandsSep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Duration writes a duration compactly: "850ms", "42s", "2m05s", "1h02m",
// "3d04h" (whole units, cut, never rounded up); "0s" for 0 and below.
func Duration(d time.Duration) string {
	if d < time.Second {
		if d <= 0 {
			return "0s"
		}
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
}

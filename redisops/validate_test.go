package redisops

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// intCase is one input of an integer parser: want is the value, or badInt for an error.
type intCase struct {
	in   string
	want int64
}

const badInt = -999

func checkIntParser(t *testing.T, name string, parse func(flag, s string) (int64, error), cases []intCase) {
	t.Helper()
	for _, tc := range cases {
		got, err := parse("--flag", tc.in)
		switch {
		case tc.want == badInt && err == nil:
			t.Errorf("%s(%q) = %d, want an error", name, tc.in, got)
		case tc.want == badInt && (!errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "--flag")):
			t.Errorf("%s(%q): %v, want ErrInput naming --flag", name, tc.in, err)
		case tc.want != badInt && (err != nil || got != tc.want):
			t.Errorf("%s(%q) = %d, %v; want %d", name, tc.in, got, err, tc.want)
		}
	}
}

// commonBadInts are inputs no integer parser accepts.
func commonBadInts() []intCase {
	return []intCase{
		{"", badInt}, {"+1", badInt}, {" 1", badInt}, {"1 ", badInt}, {"1.5", badInt}, {"1e3", badInt}, {"0x10", badInt},
		{"1_000", badInt}, {"-", badInt}, {"--1", badInt}, {"one", badInt}, {"１", badInt}, {"99999999999999999999", badInt},
		{"-99999999999999999999", badInt}, {"9223372036854775808", badInt},
	}
}

func TestParseQuantity(t *testing.T) {
	cases := append([]intCase{
		{"1", 1}, {"7", 7}, {"1000000", 1000000}, {"0001", 1},
		{"0", badInt}, {"-1", badInt}, {"1000001", badInt}, {"9223372036854775807", badInt},
	}, commonBadInts()...)
	checkIntParser(t, "ParseQuantity", ParseQuantity, cases)
}

func TestParseCount(t *testing.T) {
	cases := append([]intCase{
		{"1", 1}, {"10", 10}, {"10000", 10000}, {"0", badInt}, {"-1", badInt}, {"10001", badInt},
	}, commonBadInts()...)
	checkIntParser(t, "ParseCount", ParseCount, cases)
}

func TestParseMax(t *testing.T) {
	cases := append([]intCase{
		{"0", 0}, {"1", 1}, {"1000000", 1000000}, {"1000000000", 1000000000}, {"-0", 0},
		{"-1", badInt}, {"1000000001", badInt},
	}, commonBadInts()...)
	checkIntParser(t, "ParseMax", ParseMax, cases)
}

func TestParseIntIn(t *testing.T) {
	in := func(flag, s string) (int64, error) { return ParseIntIn(flag, s, -5, 5) }
	checkIntParser(t, "ParseIntIn[-5,5]", in, append([]intCase{
		{"-5", -5}, {"0", 0}, {"5", 5}, {"-6", badInt}, {"6", badInt},
	}, commonBadInts()...))
	if err := CheckIntIn("--n", 3, 1, 2); !errors.Is(err, ErrInput) {
		t.Errorf("CheckIntIn(3 in 1..2) = %v", err)
	}
	if err := CheckIntIn("--n", 2, 1, 2); err != nil {
		t.Errorf("CheckIntIn(2 in 1..2) = %v", err)
	}
}

func TestParseTTL(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration // 0: an error
	}{
		{"300", 300 * time.Second}, {"300s", 300 * time.Second}, {"5m", 5 * time.Minute}, {"2h", 2 * time.Hour},
		{"1d", day}, {"1", time.Second}, {"1s", time.Second}, {"30d", 30 * day}, {"720h", 30 * day},
		{"2592000", 30 * day}, {"43200m", 30 * day}, {"0300s", 300 * time.Second},
		{"0", 0}, {"0s", 0}, {"0d", 0}, {"31d", 0}, {"721h", 0}, {"2592001", 0}, {"2592001s", 0},
		{"1.5s", 0}, {"500ms", 0}, {"5 m", 0}, {" 5m", 0}, {"5m ", 0}, {"5M", 0}, {"5w", 0}, {"1h30m", 0},
		{"", 0}, {"s", 0}, {"-1", 0}, {"-1s", 0}, {"+5s", 0}, {"99999999999999999999d", 0},
		{"9223372036854775807s", 0}, {"106751d", 0},
	}
	for _, tc := range tests {
		got, err := ParseTTL("--ttl", tc.in)
		if tc.want == 0 {
			if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "--ttl") {
				t.Errorf("ParseTTL(%q) = %v, %v; want ErrInput naming --ttl", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestCheckTTL(t *testing.T) {
	for d, ok := range map[time.Duration]bool{
		time.Second: true, DefaultTTL: true, MaxTTL: true, 0: false, -time.Second: false,
		999 * time.Millisecond: false, 1500 * time.Millisecond: false, MaxTTL + time.Second: false,
	} {
		if err := CheckTTL("--ttl", d); ok != (err == nil) {
			t.Errorf("CheckTTL(%v) = %v, want ok=%v", d, err, ok)
		}
	}
}

func TestValidateID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"s1", true}, {"0b6f8a9e-4c1d-4e55-9a3b-2f1c7d9e8a10", true}, {"alice@example.com", true},
		{"a b", true}, {"在庫🙂", true}, {"a*b?[c]", true}, {strings.Repeat("x", 512), true},
		{"", false}, {strings.Repeat("x", 513), false}, {"a:b", false}, {"a{b", false}, {"a}b", false},
		{"a\nb", false}, {"a\x00b", false}, {"\x1b[2J", false}, {"a\u009bb", false}, {"a\x7fb", false},
		{"\xff", false}, {"a\xc3", false},
	}
	for _, tc := range tests {
		err := ValidateID("--sale", tc.id)
		if tc.ok != (err == nil) {
			t.Errorf("ValidateID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
		if err != nil && (!errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "--sale")) {
			t.Errorf("ValidateID(%q) = %v, want ErrInput naming --sale", tc.id, err)
		}
	}
}

func TestRedisInt(t *testing.T) {
	good := map[string]int64{"0": 0, "7": 7, "-3": -3, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63}
	for s, want := range good {
		if n, ok := RedisInt(s); !ok || n != want {
			t.Errorf("RedisInt(%q) = %d, %v; want %d", s, n, ok, want)
		}
	}
	for _, s := range []string{"", "-", "-0", "007", "+1", " 1", "1 ", "1.0", "1e3", "9223372036854775808", "0x10", "١"} {
		if n, ok := RedisInt(s); ok {
			t.Errorf("RedisInt(%q) = %d, accepted; Redis refuses it", s, n)
		}
	}
}

func TestAddSaturating(t *testing.T) {
	for _, c := range []struct{ a, b, want int64 }{
		{1, 2, 3}, {math.MaxInt64, 1, math.MaxInt64}, {math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, -1, math.MinInt64}, {math.MaxInt64, math.MinInt64, -1}, {-5, 3, -2},
	} {
		if got := AddSaturating(c.a, c.b); got != c.want {
			t.Errorf("AddSaturating(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestParseBackendScripts(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	if got, err := ParseBackendScripts("reserve=" + sha + ", release=" + sha); err != nil || len(got) != 2 || got[1].Name != "release" {
		t.Errorf("two scripts: %v %v", got, err)
	}
	if got, err := ParseBackendScripts("none"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("none: %v %v", got, err)
	}
	for _, bad := range []string{"", "reserve", "reserve=" + sha[:39], "reserve=" + strings.ToUpper(sha), "a b=" + sha} {
		if _, err := ParseBackendScripts(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

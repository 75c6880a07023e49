package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "inventory:sale-1", "inventory:sale-1"},
		{"backslash kept", `a\b`, `a\b`},
		{"clear screen", "\x1b[2J", `\x1b[2J`},
		{"colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"osc52 clipboard", "\x1b]52;c;cm0gLXJmIH4=\a", `\x1b]52;c;cm0gLXJmIH4=\x07`},
		{"osc title with ST", "\x1b]0;pwned\x1b\\", `\x1b]0;pwned\x1b\`},
		{"csi 8-bit", "\u009b2J", `\u009b2J`},
		{"c1 range", "\u0080\u0085\u009f", `\u0080\u0085\u009f`},
		{"bel", "ding\a", `ding\x07`},
		{"nul", "a\x00b", `a\x00b`},
		{"cr overwrites", "ok\rFAIL", `ok\rFAIL`},
		{"newline tab", "a\nb\tc", `a\nb\tc`},
		{"del", "a\x7fb", `a\x7fb`},
		{"backspace", "ab\bc", `ab\x08c`},
		{"invalid byte", "\xff", `\xff`},
		{"cut utf8", "a\xc3", `a\xc3`},
		{"overlong", "\xc0\xaf", `\xc0\xaf`},
		{"surrogate", "\xed\xa0\x80", `\xed\xa0\x80`},
		{"rtl override", "user\u202eexe.txt", `user\u202eexe.txt`},
		{"bidi isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"bom", "\ufeffid", `\ufeffid`},
		{"zero width space", "a\u200bb", `a\u200bb`},
		{"private use plane 16", "\U0010fffd", `\U0010fffd`},
		{"wide runes kept", "在庫あり🙂", "在庫あり🙂"},
		{"combining kept", "cafe\u0301", "cafe\u0301"},
		{"zwj emoji kept", "👩\u200d💻", "👩\u200d💻"},
		{"replacement char kept", "\ufffd", "\ufffd"},
		{"accents kept", "Ærøskøbing", "Ærøskøbing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			if got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
			checkTerminalSafe(t, got)
		})
	}
}

// checkTerminalSafe fails when s could drive a terminal: a C0 or C1 control,
// DEL, ESC or invalid UTF-8.
func checkTerminalSafe(t *testing.T, s string) {
	t.Helper()
	if !isTerminalSafe(s) {
		t.Errorf("%q is not terminal-safe", s)
	}
}

func isTerminalSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || // C0, DEL, C1
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) { // bidi overrides
			return false
		}
	}
	return true
}

func TestCut(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello", 0, ""},
		{"hello", -3, ""},
		{"", 5, ""},
		{"在庫あり", 8, "在庫あり"},
		{"在庫あり", 7, "在庫あ…"},
		{"在庫あり", 6, "在庫…"},
		{"在庫", 3, "在…"},
		{"在庫", 2, "…"},
		{"在庫", 1, "…"},
		{"🙂🙂", 3, "🙂…"},
		{"a在b", 3, "a…"},
		{"\x1b[2J", 7, `\x1b[2J`},
		{"\x1b[2J", 4, `\x1…`},
		{"\xff\xfe", 5, `\xff…`},
	}
	for _, tc := range tests {
		got := Cut(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

// TestCutFits checks every width of a few hostile strings: the result
// fits, is terminal-safe, and is a prefix of the sanitized text (plus "…").
func TestCutFits(t *testing.T) {
	inputs := []string{"plain ascii text", "在庫あり在庫あり", "a🙂b🙂c", "\x1b]52;c;eA==\a\u009b\xff", "cafe\u0301 \u202e"}
	for _, in := range inputs {
		full := String(in)
		for w := -1; w <= ansi.StringWidth(full)+2; w++ {
			got := Cut(in, w)
			if gw := ansi.StringWidth(got); gw > max(w, 0) {
				t.Errorf("Cut(%q, %d) = %q is %d cells wide", in, w, got, gw)
			}
			checkTerminalSafe(t, got)
			if got == full {
				continue
			}
			if w > 0 && (!strings.HasSuffix(got, Ellipsis) || !strings.HasPrefix(full, strings.TrimSuffix(got, Ellipsis))) {
				t.Errorf("Cut(%q, %d) = %q: not a cut of %q", in, w, got, full)
			}
			if w >= ansi.StringWidth(full) {
				t.Errorf("Cut(%q, %d) = %q cut a string that fits", in, w, got)
			}
		}
	}
}

// Package textsafe makes untrusted text safe to show: every byte read from
// Redis (ids, values, SLOWLOG arguments) and every server error text passes
// String (or Cut) before it reaches a terminal, stderr, a log or a text
// file; JSON output passes JSON, which keeps it lossless (DESIGN §2). Redact
// hides secrets in text about to be shown.
//
// The package depends on nothing of flashtop's: redisops, the command line
// and the UI all use it.
package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis ends a string cut by Cut.
const Ellipsis = "…"

// String makes untrusted text (anything read from Redis) safe to write to a
// terminal. Printable Unicode, including wide runes and combining marks, is
// kept; everything else is shown escaped, so no escape sequence, control
// character or bidi override ever reaches the terminal:
//
//	\n \r \t                  for newline, carriage return and tab
//	\x00 … \x1f, \x7f         for the other C0 controls (ESC is \x1b) and DEL
//	\u0080 … \u009f           for the C1 controls (8-bit CSI is \u009b)
//	\u202e, \u2028, \ufeff …  for other non-printable runes (format, separators,
//	                          private use, unassigned), except the zero-width
//	                          joiner that builds emoji sequences
//	\xNN                      for each byte that is not valid UTF-8
//
// Backslashes themselves are kept as they are.
func String(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case printable(r):
			b.WriteString(s[i : i+size])
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	return b.String()
}

// printable reports whether r may be written to a terminal as it is.
func printable(r rune) bool {
	return unicode.IsPrint(r) || r == '\u200d'
}

// isPlainASCII reports whether s is only printable ASCII (the fast path).
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// Cut sanitizes s (String) and cuts it to at most width terminal cells, ending
// it with "…" when it was cut. A width of 0 or less gives "".
func Cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = String(s)
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, Ellipsis)
}

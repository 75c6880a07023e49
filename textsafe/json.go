package textsafe

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON rewrites JSON text (as encoding/json writes it: valid
// UTF-8, only ASCII outside strings) so that it carries no byte a terminal
// acts on: DEL, the C1 controls (8-bit CSI is U+009B) and the other
// non-printable runes String escapes (bidi overrides, …) become \uXXXX
// escapes inside their strings, which decode to the same runes.
// encoding/json already escapes the C0 controls.
func JSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf && b[i] != 0x7f {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf && c != 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if r != 0x7f && r != utf8.RuneError && printable(r) {
			out = utf8.AppendRune(out, r)
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	return out
}

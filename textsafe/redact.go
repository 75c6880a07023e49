package textsafe

import "strings"

// Hidden is what Redact writes in place of a secret.
const Hidden = "***"

// wholeWordBelow is the length under which a secret is hidden only where it
// stands as a word of its own (see Redact).
const wholeWordBelow = 8

// Redact returns s with every occurrence of each non-empty secret replaced
// by Hidden. A secret of 8 bytes or more is hidden wherever it occurs. A
// shorter one is hidden only where it is not part of a longer run of ASCII
// letters and digits: a password "x" is hidden in "redis://:x@host" but
// leaves "exclude" whole, since error texts quote a password between
// delimiters (':', '@', '=', spaces, quotes), never glued to a word.
func Redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		switch {
		case secret == "":
		case len(secret) >= wholeWordBelow:
			s = strings.ReplaceAll(s, secret, Hidden)
		default:
			s = redactWords(s, secret)
		}
	}
	return s
}

// redactWords replaces the occurrences of secret in s that do not continue
// a word on either side.
func redactWords(s, secret string) string {
	var b strings.Builder
	rest := s
	done := 0 // bytes of s already in b or skipped
	for {
		i := strings.Index(rest, secret)
		if i < 0 {
			break
		}
		at := done + i
		end := at + len(secret)
		gluedLeft := at > 0 && isWordByte(s[at-1]) && isWordByte(s[at])
		gluedRight := end < len(s) && isWordByte(s[end]) && isWordByte(s[end-1])
		if gluedLeft || gluedRight {
			b.WriteString(s[done : at+1]) // keep one byte and look again after it
			done = at + 1
		} else {
			b.WriteString(s[done:at])
			b.WriteString(Hidden)
			done = end
		}
		rest = s[done:]
	}
	if done == 0 {
		return s
	}
	b.WriteString(rest)
	return b.String()
}

// isWordByte reports whether c is an ASCII letter or digit.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

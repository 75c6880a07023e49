package textsafe

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"no secret", "dial tcp: refused", nil, "dial tcp: refused"},
		{"empty secret ignored", "abc", []string{""}, "abc"},
		{"long secret everywhere", "AUTH hunter2hunter2 and xhunter2hunter2x", []string{"hunter2hunter2"}, "AUTH *** and x***x"},
		{"short secret in url", `parse "redis://:x@host:99999": invalid port`, []string{"x"}, `parse "redis://:***@host:99999": invalid port`},
		{"short secret not inside words", "exclude the x-axis: x", []string{"x"}, "exclude the ***-axis: ***"},
		{"short secret at both ends", "pw pw", []string{"pw"}, "*** ***"},
		{"short secret glued both sides", "apwb", []string{"pw"}, "apwb"},
		{"short secret with symbol edges", "a!x!b", []string{"!x!"}, "a***b"},
		{"repeated short secret", "abab ab", []string{"ab"}, "abab ***"},
		{"query", "password=s3cr&db=0", []string{"s3cr"}, "password=***&db=0"},
		{"several secrets", "user:pa@h password=qq", []string{"pa", "qq"}, "user:***@h password=***"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in, tc.secrets...); got != tc.want {
				t.Errorf("Redact(%q, %q) = %q, want %q", tc.in, tc.secrets, got, tc.want)
			}
		})
	}
}

// FuzzRedact: a secret standing between delimiters never survives, and text
// without the secret is unchanged.
func FuzzRedact(f *testing.F) {
	f.Add("hunter2", "x")
	f.Add("redis://:ab@h", "ab")
	f.Fuzz(func(t *testing.T, text, secret string) {
		if secret == "" || strings.Contains(secret, " ") || strings.Contains(text, Hidden) || strings.Contains(secret, "*") {
			return
		}
		if !strings.Contains(text, secret) {
			if got := Redact(text, secret); got != text {
				t.Errorf("Redact(%q, %q) changed text without the secret: %q", text, secret, got)
			}
			return
		}
		in := text + " " + secret + " " + text
		if got := Redact(in, secret); strings.Contains(got, " "+secret+" ") {
			t.Errorf("Redact(%q, %q) = %q: the secret between spaces survived", in, secret, got)
		}
		if u := "redis://user:" + secret + "@host"; strings.Contains(Redact(u, secret), ":"+secret+"@") {
			t.Errorf("Redact(%q, %q) left the password of the URL", u, secret)
		}
	})
}

package textsafe

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; run e.g.
// go test ./textsafe/ -run '^$' -fuzz FuzzString -fuzztime 30s

// FuzzString: the output never holds a control byte, DEL, a C1 rune or
// invalid UTF-8, and printable ASCII passes unchanged.
func FuzzString(f *testing.F) {
	f.Add("\x1b[2J\x1b]52;c;aGk=\a")
	f.Add("\u009b31m\xff\xfe\u202e")
	f.Add("在庫🙂 plain")
	f.Fuzz(func(t *testing.T, s string) {
		got := String(s)
		if !isTerminalSafe(got) {
			t.Errorf("String(%q) = %q is not terminal-safe", s, got)
		}
		if isPlainASCII(s) && got != s {
			t.Errorf("String changed printable ASCII %q to %q", s, got)
		}
		if String(got) != got {
			t.Errorf("String is not idempotent on %q", s)
		}
		for _, w := range []int{1, 2, 5, 17} {
			cut := Cut(s, w)
			if !isTerminalSafe(cut) || ansi.StringWidth(cut) > w {
				t.Errorf("Cut(%q, %d) = %q is not terminal-safe or too wide", s, w, cut)
			}
			if cut != got && (!strings.HasSuffix(cut, Ellipsis) || !strings.HasPrefix(got, strings.TrimSuffix(cut, Ellipsis))) {
				t.Errorf("Cut(%q, %d) = %q is not a cut of %q", s, w, cut, got)
			}
		}
	})
}

func TestJSON(t *testing.T) {
	in := map[string]string{"k\u009b": "a\x7fb\u009b31m\u202ec\u0085 é ✓ 👍🏽 \U000e0001 \ufffd"}
	b, _ := json.Marshal(in)
	out := JSON(b)
	for _, raw := range []string{"\x7f", "\u009b", "\u202e", "\u0085", "\U000e0001"} {
		if bytes.Contains(out, []byte(raw)) {
			t.Errorf("%q written raw: %s", raw, out)
		}
	}
	if !bytes.Contains(out, []byte(`é ✓ 👍🏽`)) || !bytes.Contains(out, []byte(`\udb40\udc01`)) {
		t.Errorf("printable runes must stay, others be escaped: %s", out)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, in) {
		t.Errorf("%s decodes to %q (%v), want %q", out, back, err, in)
	}
	if plain := []byte(`{"a":"b"}`); &JSON(plain)[0] != &plain[0] {
		t.Error("plain ASCII JSON should be returned as it is")
	}
}

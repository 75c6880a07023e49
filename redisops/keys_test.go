package redisops

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"pgregory.net/rapid"

	"flashtop/redisops/redistest"
)

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
		ok   bool
	}{
		{"inventory:{sale}", []string{"sale"}, true},
		{"inventory:{{sale}}", []string{"sale"}, true},
		{"reservation:{user}:{sale}", []string{"user", "sale"}, true},
		{"reservation:{user}:{{sale}}", []string{"user", "sale"}, true},
		{"reservation:{{sale}}:{user}", []string{"user", "sale"}, true},
		{"{sale}", []string{"sale"}, true},
		{"app:v2:{sale}:stock", []string{"sale"}, true},
		{"st*ck?[x]^\\:{sale}", []string{"sale"}, true},
		{"session:{user}", []string{"user"}, true},
		{"flash_sales:active", nil, true},
		{"", []string{"sale"}, false},
		{"inventory", []string{"sale"}, false},
		{"inventory:{sale}:{sale}", []string{"sale"}, false},
		{"reservation:{user}", []string{"user", "sale"}, false},
		{"{user}{sale}", []string{"user", "sale"}, false},
		{"{user}-{sale}", []string{"user", "sale"}, false},
		{"inventory:{sale}}", []string{"sale"}, false},
		{"inventory:{{{sale}}}", []string{"sale"}, false},
		{"inventory:{Sale}", []string{"sale"}, false},
		{"inventory:{id}", []string{"sale"}, false},
		{"inventory:{sale}:{user}", []string{"sale"}, false},
		{"inventory:{user}", []string{"sale"}, false},
		{"\xff:{sale}", []string{"sale"}, false},
	}
	for _, tc := range tests {
		tmpl, err := ParseTemplate(tc.raw, tc.want...)
		if tc.ok != (err == nil) {
			t.Errorf("ParseTemplate(%q, %q): err = %v, want ok=%v", tc.raw, tc.want, err, tc.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrTemplate) {
			t.Errorf("ParseTemplate(%q): %v does not wrap ErrTemplate", tc.raw, err)
		}
		if err == nil && tmpl.String() != tc.raw {
			t.Errorf("String() = %q, want %q", tmpl.String(), tc.raw)
		}
	}
}

func mustTemplate(t testing.TB, raw string, want ...string) Template {
	t.Helper()
	tmpl, err := ParseTemplate(raw, want...)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestTemplateKeyParse(t *testing.T) {
	tests := []struct {
		raw, sale, user, key string
	}{
		{DefaultStockTemplate, "s1", "", "inventory:s1"},
		{DefaultQueueTemplate, "0b6f-uuid", "", "queue:0b6f-uuid"},
		{DefaultHoldTemplate, "s1", "u1", "reservation:u1:s1"},
		{DefaultSessionTemplate, "", "alice@example.com", "session:alice@example.com"},
		{"inventory:{{sale}}", "s1", "", "inventory:{s1}"},
		{"reservation:{user}:{{sale}}", "s 1", "u*1", "reservation:u*1:{s 1}"},
		{"{sale}ab", "xab", "", "xabab"},
		{"app:{sale}:stock", "在庫🙂", "", "app:在庫🙂:stock"},
	}
	for _, tc := range tests {
		var tmpl Template
		switch {
		case tc.user != "" && tc.sale != "":
			tmpl = mustTemplate(t, tc.raw, "user", "sale")
		case tc.sale != "":
			tmpl = mustTemplate(t, tc.raw, "sale")
		default:
			tmpl = mustTemplate(t, tc.raw, "user")
		}
		if got := tmpl.Key(tc.sale, tc.user); got != tc.key {
			t.Errorf("%q.Key(%q, %q) = %q, want %q", tc.raw, tc.sale, tc.user, got, tc.key)
		}
		sale, user, ok := tmpl.Parse(tc.key)
		if !ok || sale != tc.sale || user != tc.user {
			t.Errorf("%q.Parse(%q) = %q, %q, %v", tc.raw, tc.key, sale, user, ok)
		}
	}
}

func TestTemplateParseRejectsOtherShapes(t *testing.T) {
	def := DefaultSchema()
	tagged := taggedSchema(t)
	rejects := []struct {
		tmpl Template
		key  string
	}{
		{def.Hold, "reservation:res_123_abc"}, // cart hold: one segment only
		{def.Hold, "reservation:u1:s1:extra"},
		{def.Hold, "reservation::s1"},
		{def.Hold, "reservation:u1:"},
		{def.Queue, "queue:priority:s1"},
		{def.Queue, "queue:processing:s1"},
		{def.Queue, "queue:"},
		{def.Stock, "inventory:s1:x"},
		{def.Stock, "xinventory:s1"},
		{def.Stock, "Inventory:s1"},
		{def.Session, "session:"},
		{tagged.Hold, "reservation:u1:s1"},
		{tagged.Hold, "reservation:u1:{s1"},
		{tagged.Hold, "reservation:u1:{}"},
		{tagged.Stock, "inventory:{s:1}"},
		{Template{}, "anything"},
	}
	for _, tc := range rejects {
		if sale, user, ok := tc.tmpl.Parse(tc.key); ok {
			t.Errorf("%q.Parse(%q) accepted: sale %q user %q", tc.tmpl, tc.key, sale, user)
		}
	}
	if sale, user, ok := tagged.Hold.Parse("reservation:u1:{s1}"); !ok || sale != "s1" || user != "u1" {
		t.Errorf("tagged hold: %q %q %v", sale, user, ok)
	}
}

// TestScanPatternsLive checks the SCAN MATCH globs against a real server:
// every key a template builds is found, and keys that only an unescaped glob
// would match are not.
func TestScanPatternsLive(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	rdb := srv.Client(t)
	odd := mustTemplate(t, `st*ck?[a]^\:{sale}`, "sale")
	sales := []string{"s1", "s10", "a*b", "c?d", "e[f]g", `h\i`, "^j", "aXXb"}
	var keys []string
	for _, s := range sales {
		keys = append(keys, odd.Key(s, ""), "reservation:u1:"+s, "reservation:u2:{"+s+"}")
	}
	decoys := []string{`stXXckZa^\:s1`, `st*ck?[a]^\:`, "reservation:res_1_abc", "reservation:res:1:x", "other:s1"}
	for _, k := range append(slices.Clone(keys), decoys...) {
		if err := rdb.Set(ctx, k, "1", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	def := DefaultSchema()
	tagged := mustTemplate(t, "reservation:{user}:{{sale}}", "user", "sale")
	checks := []struct {
		pattern string
		want    []string
	}{
		{odd.ScanPattern(), append(mapKeys(sales, func(s string) string { return odd.Key(s, "") }), `st*ck?[a]^\:`)},
		{odd.ScanPatternFor("a*b"), []string{odd.Key("a*b", "")}},
		{odd.ScanPatternFor("c?d"), []string{odd.Key("c?d", "")}},
		{odd.ScanPatternFor("e[f]g"), []string{odd.Key("e[f]g", "")}},
		{odd.ScanPatternFor(`h\i`), []string{odd.Key(`h\i`, "")}},
		{odd.ScanPatternFor("^j"), []string{odd.Key("^j", "")}},
		{def.Hold.ScanPatternFor("s1"), []string{"reservation:u1:s1"}},
		{def.Hold.ScanPatternFor("a*b"), []string{"reservation:u1:a*b"}},
		{tagged.ScanPatternFor("s1"), []string{"reservation:u2:{s1}"}},
		{tagged.ScanPatternFor("c?d"), []string{"reservation:u2:{c?d}"}},
		{tagged.ScanPattern(), mapKeys(sales, func(s string) string { return "reservation:u2:{" + s + "}" })},
	}
	for _, c := range checks {
		got := scanMatch(t, rdb, c.pattern)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("SCAN MATCH %q = %q, want %q", c.pattern, got, c.want)
		}
	}
	// The default hold glob finds more than holds; Parse decides.
	var holds []string
	for _, k := range scanMatch(t, rdb, def.Hold.ScanPattern()) {
		if _, _, ok := def.Hold.Parse(k); ok {
			holds = append(holds, k)
		}
	}
	if n := len(scanMatch(t, rdb, def.Hold.ScanPattern())); n != len(holds)+1 {
		t.Errorf("default hold glob found %d keys, want the holds and reservation:res:1:x", n)
	}
	if want := len(sales) * 2; len(holds) != want {
		t.Errorf("default hold glob + Parse: %d holds %q, want %d", len(holds), holds, want)
	}
}

func mapKeys(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// scanMatch runs a full SCAN MATCH and returns the sorted keys.
func scanMatch(t *testing.T, rdb *redis.Client, pattern string) []string {
	t.Helper()
	var out []string
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(context.Background(), cursor, pattern, 1000).Result()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, keys...)
		if cursor = next; cursor == 0 {
			break
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestClusterSafe(t *testing.T) {
	err := DefaultSchema().ClusterSafe()
	if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "--inventory-key") || !strings.Contains(err.Error(), "--reservation-key") {
		t.Errorf("default schema: %v, want ErrTemplate naming both flags", err)
	}
	if !strings.Contains(err.Error(), `"inventory:{{sale}}"`) {
		t.Errorf("default schema: %v, want the suggested template", err)
	}
	tests := []struct {
		stock, hold string
		ok          bool
		names       string
	}{
		{"inventory:{{sale}}", "reservation:{user}:{{sale}}", true, ""},
		{"{{sale}}:stock", "hold:{{sale}}:{user}", true, ""},
		{"inventory:{{sale}}", "", false, "--reservation-key"},
		{"", "reservation:{user}:{{sale}}", false, "--inventory-key"},
		{"inventory:{{sale}}", "reservation:{{user}}:{sale}", false, "--reservation-key"},
		{"inventory:{{sale}}", "reservation:{{user}}:{{sale}}", false, "--reservation-key"},
	}
	for _, tc := range tests {
		s, err := NewSchema(tc.stock, "", tc.hold, "")
		if err != nil {
			t.Fatalf("NewSchema(%q, %q): %v", tc.stock, tc.hold, err)
		}
		err = s.ClusterSafe()
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.names)) {
			t.Errorf("ClusterSafe(%q, %q) = %v, want ok=%v naming %s", tc.stock, tc.hold, err, tc.ok, tc.names)
		}
	}
}

// TestTemplateRoundTripProperty: Key then Parse gives the ids back, for
// generated templates and for ids that pass ValidateID.
func TestTemplateRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		lit := rapid.StringMatching(`[a-z0-9_*?\[\]\\^.-]{0,6}`)
		place := func(name string) string {
			if rapid.Bool().Draw(rt, name+"Tagged") {
				return "{{" + name + "}}"
			}
			return "{" + name + "}"
		}
		first, second := "user", "sale"
		if rapid.Bool().Draw(rt, "saleFirst") {
			first, second = second, first
		}
		raw := lit.Draw(rt, "prefix") + place(first) + lit.Draw(rt, "sepA") + ":" + lit.Draw(rt, "sepB") +
			place(second) + lit.Draw(rt, "suffix")
		tmpl, err := ParseTemplate(raw, "user", "sale")
		if err != nil {
			rt.Fatalf("ParseTemplate(%q): %v", raw, err)
		}
		id := rapid.StringMatching(`[a-zA-Z0-9_.*?\[\]\\^@ é在🙂-]{1,12}`)
		sale, user := id.Draw(rt, "sale"), id.Draw(rt, "user")
		if err := firstErr(ValidateID("sale", sale), ValidateID("user", user)); err != nil {
			rt.Fatalf("the generator made an id the rules refuse: %v", err) // it draws only valid ids
		}
		key := tmpl.Key(sale, user)
		gs, gu, ok := tmpl.Parse(key)
		if !ok || gs != sale || gu != user {
			rt.Fatalf("%q: Key(%q, %q) = %q parses as %q, %q, %v", raw, sale, user, key, gs, gu, ok)
		}
	})
}

package redisops

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; run e.g.
// go test ./redisops/ -run '^$' -fuzz FuzzParseInfo -fuzztime 30s

// FuzzParseInfo: ParseInfo never panics, and what it returns is consistent
// and encodable whatever the text.
func FuzzParseInfo(f *testing.F) {
	f.Add("# Server\r\nredis_version:7.0.15\r\nrole:master\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n")
	f.Add("mem_fragmentation_ratio:NaN\nused_memory:-1\n")
	f.Fuzz(func(t *testing.T, text string) {
		info := ParseInfo(text)
		var keys int64
		for db, ks := range info.Keyspace {
			if db < 0 {
				t.Errorf("negative database %d", db)
			}
			keys += ks.Keys
		}
		ss := info.ServerStats()
		if ss.KeysInDB != keys {
			t.Errorf("KeysInDB %d, keyspace sums to %d", ss.KeysInDB, keys)
		}
		if _, err := json.Marshal(ss); err != nil {
			t.Errorf("ServerStats not encodable: %v", err)
		}
		for name, v := range info.Fields {
			if name == "" || strings.ContainsAny(name, "\n") || strings.HasSuffix(v, "\r") {
				t.Errorf("bad field %q: %q", name, v)
			}
		}
	})
}

// FuzzParseTemplate: for every template that parses, Key then Parse gives
// back the ids, for every pair of ids that pass ValidateID.
func FuzzParseTemplate(f *testing.F) {
	f.Add("reservation:{user}:{sale}", "s1", "u1")
	f.Add("reservation:{user}:{{sale}}", "sale-9", "user@example.com")
	f.Add("inventory:{sale}", "在庫", "x")
	f.Add("{sale}", "a.b*c?[d]", "")
	f.Add("session:{user}", "", "u")
	f.Fuzz(func(t *testing.T, raw, sale, user string) {
		tmpl, ok := parseAnyTemplate(raw)
		if !ok {
			return
		}
		_, hasSale := tmpl.group["sale"]
		_, hasUser := tmpl.group["user"]
		if (hasSale && ValidateID("sale", sale) != nil) || (hasUser && ValidateID("user", user) != nil) {
			return
		}
		if !hasSale {
			sale = ""
		}
		if !hasUser {
			user = ""
		}
		key := tmpl.Key(sale, user)
		gs, gu, ok := tmpl.Parse(key)
		if !ok || gs != sale || gu != user {
			t.Errorf("%q: Key(%q, %q) = %q parses as (%q, %q, %v)", raw, sale, user, key, gs, gu, ok)
		}
	})
}

// parseAnyTemplate parses raw with whichever placeholder set it holds.
func parseAnyTemplate(raw string) (Template, bool) {
	for _, want := range [][]string{{"user", "sale"}, {"sale"}, {"user"}, nil} {
		if t, err := ParseTemplate(raw, want...); err == nil {
			return t, true
		}
	}
	return Template{}, false
}

// FuzzParseTTL: an accepted TTL is whole seconds from 1 s to 30 days.
func FuzzParseTTL(f *testing.F) {
	for _, s := range []string{"300", "300s", "5m", "2h", "1d", "30d", "31d", "0", "1.5s", "500ms", "5 m", "-1s", "99999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTTL("--ttl", s)
		if err != nil {
			if d != 0 {
				t.Errorf("ParseTTL(%q) failed but returned %v", s, d)
			}
			return
		}
		if d < time.Second || d > 30*24*time.Hour || d%time.Second != 0 {
			t.Errorf("ParseTTL(%q) = %v: out of range", s, d)
		}
	})
}

// FuzzParseQuantity: an accepted quantity is from 1 to 1,000,000, and is the
// number written in digits.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"1", "1000000", "1000001", "0", "-1", "+1", " 1", "1.5", "", "007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseQuantity("--qty", s)
		if err != nil {
			return
		}
		if n < 1 || n > MaxQuantity {
			t.Errorf("ParseQuantity(%q) = %d: out of range", s, n)
		}
		if strings.TrimLeft(s, "0") != strconv.FormatInt(n, 10) {
			t.Errorf("ParseQuantity(%q) = %d: not the number written", s, n)
		}
	})
}

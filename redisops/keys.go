package redisops

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Default key templates: exactly the backend's schema (DESIGN.md §3).
const (
	DefaultStockTemplate   = "inventory:{sale}"
	DefaultQueueTemplate   = "queue:{sale}"
	DefaultHoldTemplate    = "reservation:{user}:{sale}"
	DefaultSessionTemplate = "session:{user}"
	// ActiveSalesKey is the backend's set of active sale ids (optional).
	ActiveSalesKey = "flash_sales:active"
)

// ErrTemplate is wrapped by every template error.
var ErrTemplate = errors.New("redisops: bad key template")

// Template is a parsed key template such as "reservation:{user}:{sale}".
// {sale} and {user} stand for one ':'-free segment; {{sale}} writes the value
// inside literal braces (a Redis Cluster hash tag).
type Template struct {
	raw   string
	parts []tmplPart
	re    *regexp.Regexp
	group map[string]int // placeholder name -> submatch index
}

type tmplPart struct {
	literal string
	name    string // "sale" or "user" when a placeholder
	tagged  bool   // written as {{name}}
}

var placeholderRE = regexp.MustCompile(`\{\{(sale|user)\}\}|\{(sale|user)\}`)

// ParseTemplate parses a template. want lists the placeholders it must hold,
// each exactly once (e.g. "user", "sale").
func ParseTemplate(raw string, want ...string) (Template, error) {
	t := Template{raw: raw, group: map[string]int{}}
	if raw == "" {
		return t, fmt.Errorf("%w: empty", ErrTemplate)
	}
	if !utf8.ValidString(raw) { // regexp.MustCompile below would panic
		return t, fmt.Errorf("%w: %q is not valid UTF-8", ErrTemplate, raw)
	}
	parts, err := splitTemplate(raw)
	if err != nil {
		return t, err
	}
	if err := checkPlaceholders(raw, parts, want); err != nil {
		return t, err
	}
	t.parts = parts
	var re strings.Builder
	re.WriteString("^")
	for _, p := range t.parts {
		switch {
		case p.name == "":
			re.WriteString(regexp.QuoteMeta(p.literal))
		case p.tagged:
			re.WriteString(`\{([^:{}]+)\}`)
			t.group[p.name] = len(t.group) + 1
		default:
			re.WriteString(`([^:]+)`)
			t.group[p.name] = len(t.group) + 1
		}
	}
	re.WriteString("$")
	t.re = regexp.MustCompile(re.String())
	return t, nil
}

// splitTemplate cuts a template into literals and placeholders; two
// placeholders need a literal with a ':' between them, and braces belong to
// placeholders only.
func splitTemplate(raw string) ([]tmplPart, error) {
	var parts []tmplPart
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(raw, -1) {
		if m[0] > last {
			parts = append(parts, tmplPart{literal: raw[last:m[0]]})
		}
		p := tmplPart{tagged: m[2] >= 0}
		if p.tagged {
			p.name = raw[m[2]:m[3]]
		} else {
			p.name = raw[m[4]:m[5]]
		}
		if n := len(parts); n > 0 && parts[n-1].name != "" {
			return nil, fmt.Errorf("%w: %q: placeholders need a literal between them", ErrTemplate, raw)
		}
		if n := len(parts); n > 1 && parts[n-2].name != "" && !strings.Contains(parts[n-1].literal, ":") {
			return nil, fmt.Errorf("%w: %q: placeholders must be separated by ':'", ErrTemplate, raw)
		}
		parts = append(parts, p)
		last = m[1]
	}
	if last < len(raw) {
		parts = append(parts, tmplPart{literal: raw[last:]})
	}
	for _, p := range parts {
		if p.name == "" && strings.ContainsAny(p.literal, "{}") {
			return nil, fmt.Errorf("%w: %q: only {sale}, {user}, {{sale}} and {{user}} may use braces", ErrTemplate, raw)
		}
	}
	return parts, nil
}

// checkPlaceholders requires each wanted placeholder exactly once, and no other.
func checkPlaceholders(raw string, parts []tmplPart, want []string) error {
	seen := map[string]int{}
	for _, p := range parts {
		if p.name != "" {
			seen[p.name]++
		}
	}
	for _, name := range want {
		if seen[name] != 1 {
			return fmt.Errorf("%w: %q must contain {%s} (or {{%s}}) exactly once", ErrTemplate, raw, name, name)
		}
		delete(seen, name)
	}
	for name := range seen {
		return fmt.Errorf("%w: %q: {%s} has no meaning in this template", ErrTemplate, raw, name)
	}
	return nil
}

// String returns the template as written.
func (t Template) String() string { return t.raw }

// Key builds the key for the given ids (an id not used by the template is ignored).
func (t Template) Key(sale, user string) string {
	var b strings.Builder
	for _, p := range t.parts {
		v := p.literal
		switch p.name {
		case "sale":
			v = sale
		case "user":
			v = user
		}
		if p.tagged {
			v = "{" + v + "}"
		}
		b.WriteString(v)
	}
	return b.String()
}

// Parse matches a key against the template and returns its ids.
func (t Template) Parse(key string) (sale, user string, ok bool) {
	if t.re == nil {
		return "", "", false
	}
	m := t.re.FindStringSubmatch(key)
	if m == nil {
		return "", "", false
	}
	if i, has := t.group["sale"]; has {
		sale = m[i]
	}
	if i, has := t.group["user"]; has {
		user = m[i]
	}
	return sale, user, true
}

// ScanPattern is a SCAN MATCH glob that finds every key the template can
// build (and possibly more: Parse decides).
func (t Template) ScanPattern() string {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.name == "":
			b.WriteString(globEscape(p.literal))
		case p.tagged:
			b.WriteString(`\{*\}`)
		default:
			b.WriteString("*")
		}
	}
	return b.String()
}

// ScanPatternFor is a SCAN MATCH glob limited to one sale (e.g. the holds of one sale).
func (t Template) ScanPatternFor(sale string) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.name == "":
			b.WriteString(globEscape(p.literal))
		case p.name == "sale" && p.tagged:
			b.WriteString(`\{` + globEscape(sale) + `\}`)
		case p.name == "sale":
			b.WriteString(globEscape(sale))
		case p.tagged:
			b.WriteString(`\{*\}`)
		default:
			b.WriteString("*")
		}
	}
	return b.String()
}

// hashTag reports the placeholder that the template makes the Redis Cluster
// hash tag, if any: the first '{' of a key opens the tag.
func (t Template) hashTag() string {
	for _, p := range t.parts {
		if p.tagged {
			return p.name
		}
	}
	return ""
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^{}`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Schema is the set of key templates flashtop reads and writes.
type Schema struct {
	Stock, Queue, Hold, Session Template
}

// NewSchema parses the four templates; empty strings take the defaults.
func NewSchema(stock, queue, hold, session string) (Schema, error) {
	var s Schema
	var err error
	parse := func(raw, def string, dst *Template, want ...string) {
		if err != nil {
			return
		}
		if raw == "" {
			raw = def
		}
		*dst, err = ParseTemplate(raw, want...)
	}
	parse(stock, DefaultStockTemplate, &s.Stock, "sale")
	parse(queue, DefaultQueueTemplate, &s.Queue, "sale")
	parse(hold, DefaultHoldTemplate, &s.Hold, "user", "sale")
	parse(session, DefaultSessionTemplate, &s.Session, "user")
	return s, err
}

// DefaultSchema is the backend's schema.
func DefaultSchema() Schema {
	s, err := NewSchema("", "", "", "")
	if err != nil {
		panic(err) // the defaults are constants
	}
	return s
}

// StockKey is the stock key of a sale.
func (s Schema) StockKey(sale string) string { return s.Stock.Key(sale, "") }

// QueueKey is the queue key of a sale.
func (s Schema) QueueKey(sale string) string { return s.Queue.Key(sale, "") }

// HoldKey is the hold (reservation) key of a user in a sale.
func (s Schema) HoldKey(user, sale string) string { return s.Hold.Key(sale, user) }

// SessionKey is the session key of a user.
func (s Schema) SessionKey(user string) string { return s.Session.Key("", user) }

// ClusterSafe reports whether every script's keys share one hash slot: the
// reserve and release scripts touch a sale's stock key and a hold key, so both
// templates must make the sale the hash tag ({{sale}}).
func (s Schema) ClusterSafe() error {
	var bad []string
	if s.Stock.hashTag() != "sale" {
		bad = append(bad, fmt.Sprintf("--inventory-key %q (use %q)", s.Stock.raw, strings.Replace(s.Stock.raw, "{sale}", "{{sale}}", 1)))
	}
	if s.Hold.hashTag() != "sale" {
		bad = append(bad, fmt.Sprintf("--reservation-key %q (use %q)", s.Hold.raw, strings.Replace(s.Hold.raw, "{sale}", "{{sale}}", 1)))
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: in a cluster the reserve and release scripts would cross hash slots; make the sale the hash tag: %s", ErrTemplate, strings.Join(bad, ", "))
	}
	return nil
}

// Prefix is the literal text before the template's first placeholder (""
// when it starts with one): every key the template builds starts with it
// (the push feed's BCAST prefix).
func (t Template) Prefix() string {
	if len(t.parts) == 0 || t.parts[0].name != "" {
		return ""
	}
	return t.parts[0].literal
}

// ScanPattern is a SCAN MATCH glob that keeps most keys of no family out of
// the replies (the discovery walk's): the four templates' common literal
// prefix, or a class of their first characters, or "" (match everything). It
// only saves bytes: Parse decides.
func (s Schema) ScanPattern() string {
	var firsts []string
	for _, t := range []Template{s.Stock, s.Queue, s.Hold, s.Session} {
		if len(t.parts) == 0 || t.parts[0].name != "" || t.parts[0].literal == "" {
			return ""
		}
		firsts = append(firsts, t.parts[0].literal)
	}
	prefix := firsts[0]
	for _, f := range firsts[1:] {
		for !strings.HasPrefix(f, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if prefix != "" {
		return globEscape(prefix) + "*"
	}
	var class strings.Builder
	seen := map[byte]bool{}
	for _, f := range firsts {
		if c := f[0]; !seen[c] {
			seen[c] = true
			if strings.IndexByte(`*?[]\^{}-`, c) >= 0 {
				class.WriteByte('\\')
			}
			class.WriteByte(c)
		}
	}
	return "[" + class.String() + "]*"
}

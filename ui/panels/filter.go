package panels

import (
	"flashtop/textsafe"
	"strings"
)

// Each panel that lists rows is filtered by its own Data.Filter (the root
// model gives every panel its own): sales by id, holds and queue by user,
// the slowlog by command and client, the command log by command and
// status, anomalies by kind, key and detail. Matching is a plain,
// case-sensitive substring, like the ids it is matched against.

// noRowMatch is the body of a list whose filter hides every row.
const noRowMatch = "nothing matches the filter"

// matches reports whether filter is empty or a substring of one of fields.
func matches(filter string, fields ...string) bool {
	if filter == "" {
		return true
	}
	for _, f := range fields {
		if strings.Contains(f, filter) {
			return true
		}
	}
	return false
}

// filterSuffix is the title part naming the panel's filter ("" without one).
func (f frame) filterSuffix(filter string) string {
	if filter == "" {
		return ""
	}
	return f.st.Dim.Render(filterPrefix + textsafe.Cut(filter, max(f.w/2, 1)))
}

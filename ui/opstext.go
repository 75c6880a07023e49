package ui

import (
	"errors"
	"fmt"
	"strings"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// describe writes a result as its status word and numbers:
// "reserved remaining=9".
func describe(res redisops.Result) string {
	parts := []string{res.Status}
	num := func(name string, v *int64) {
		if v != nil {
			parts = append(parts, fmt.Sprintf("%s=%d", name, *v))
		}
	}
	num("remaining", res.Remaining)
	num("quantity", res.Quantity)
	num("stock", res.Stock)
	num("position", res.Position)
	num("length", res.Length)
	num("units", res.Units)
	num("unverified_units", res.UnverifiedUnits)
	if res.Users != nil {
		users := make([]string, len(res.Users))
		for i, u := range res.Users {
			users[i] = textsafe.String(u)
		}
		parts = append(parts, "users=["+strings.Join(users, ",")+"]")
	}
	return strings.Join(parts, " ")
}

// outcomeUnknown is the command log's status of a write that may have been
// applied (redisops.OutcomeError).
const outcomeUnknown = "outcome unknown"

// errStatus is the command log's status word of a failed write: "outcome
// unknown" when it may have been applied, "" (drawn as "error") otherwise.
func errStatus(err error) string {
	var oe *redisops.OutcomeError
	if errors.As(err, &oe) {
		return outcomeUnknown
	}
	return ""
}

// errText is the sanitized text of a failed write for the command log and
// the status bar. A write whose outcome is unknown leads with what to do
// ("may have been applied: check with `flashtop …`"), the cause after it, so
// that a cut line still says it.
func errText(err error) string {
	var oe *redisops.OutcomeError
	if errors.As(err, &oe) {
		return textsafe.String(oe.Hint() + "; no reply: " + strings.TrimPrefix(oe.Err.Error(), redisops.ErrUnreachable.Error()+": "))
	}
	var ie *redisops.InputError
	if errors.As(err, &ie) { // the request's own field: "sale: must not contain ':', '{' or '}' (…)"
		return textsafe.String(string(ie.Field) + ": " + ie.Problem)
	}
	return textsafe.String(err.Error())
}

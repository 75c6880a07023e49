package cli

import (
	"fmt"
	"strings"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// What snapshot and audit could not read (their "unreadable" list) is said,
// never printed as data: on stderr, and in their text as "cannot read".

// blind reports, on stderr, what command could not read, and returns its
// exit code: 0 when it read everything, else 3 (its output, already
// printed, says what it could read).
func (p printer) blind(command string, u []redisops.Unreadable) int {
	var blind, scripts []redisops.Unreadable
	for _, e := range u {
		if e.What == redisops.UnreadScripts { // an extra check, not what the command reports: a warning
			scripts = append(scripts, e)
		} else {
			blind = append(blind, e)
		}
	}
	if len(scripts) > 0 {
		fmt.Fprintf(p.stderr, "flashtop: warning: cannot check that the backend's scripts are loaded: %s\n", unreadText(scripts))
	}
	if len(blind) == 0 {
		return exitOK
	}
	fmt.Fprintf(p.stderr, "flashtop: %s incomplete: cannot read %s\n", command, unreadText(blind))
	return exitRedis
}

// unreadText is "holds (7 keys): NOPERM …; server: NOPERM …".
func unreadText(u []redisops.Unreadable) string {
	parts := make([]string, len(u))
	for i, e := range u {
		what := textsafe.String(e.What)
		switch {
		case e.Keys == 1:
			what += " (1 key)"
		case e.Keys > 1:
			what += fmt.Sprintf(" (%d keys)", e.Keys)
		}
		parts[i] = what + ": " + textsafe.String(e.Reason)
	}
	return strings.Join(parts, "; ")
}

// unread returns the entry of u about what (nil when what was read).
func unread(u []redisops.Unreadable, what string) *redisops.Unreadable {
	for i := range u {
		if u[i].What == what {
			return &u[i]
		}
	}
	return nil
}

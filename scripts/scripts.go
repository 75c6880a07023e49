// Package scripts holds flashtop's Lua scripts (DESIGN.md §4). Each *.lua
// file starts with its contract: KEYS, ARGV and reply. The files are embedded
// and exposed as one *redis.Script each, to be run with Script.Run (EVALSHA,
// falling back to EVAL on NOSCRIPT, so a SCRIPT FLUSH or a restart is
// survived). Every script checks its arguments and the TYPE of every key
// before its first write, so a script that replies with an error has written
// nothing; every success or refusal reply is a table whose first element is
// the status word. The helpers they share live in lib.lua, loaded ahead of
// each script (see compose).
package scripts

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

var (
	//go:embed lib.lua
	libSrc string
	//go:embed reserve.lua
	reserveSrc string
	//go:embed release.lua
	releaseSrc string
	//go:embed set.lua
	setSrc string
	//go:embed restock.lua
	restockSrc string
	//go:embed take.lua
	takeSrc string
	//go:embed join.lua
	joinSrc string
	//go:embed leave.lua
	leaveSrc string
	//go:embed admit.lua
	admitSrc string
	//go:embed leak.lua
	leakSrc string
	//go:embed reclaim.lua
	reclaimSrc string
)

// The scripts. They are immutable once built (a Script only holds its source
// and SHA1), so sharing them between goroutines is safe.
var (
	// Reserve holds units for a user: KEYS stock, hold; ARGV qty, ttl seconds, user.
	Reserve = redis.NewScript(compose("reserve", reserveSrc))
	// Release returns a hold's units to stock: KEYS hold, stock; ARGV max ("" for none).
	Release = redis.NewScript(compose("release", releaseSrc))
	// Set sets the stock: KEYS stock; ARGV n.
	Set = redis.NewScript(compose("set", setSrc))
	// Restock adds to the stock: KEYS stock; ARGV qty, max ("" for none).
	Restock = redis.NewScript(compose("restock", restockSrc))
	// Take removes from the stock: KEYS stock; ARGV qty.
	Take = redis.NewScript(compose("take", takeSrc))
	// Join queues a user: KEYS queue; ARGV user, cap.
	Join = redis.NewScript(compose("join", joinSrc))
	// Leave unqueues a user: KEYS queue; ARGV user.
	Leave = redis.NewScript(compose("leave", leaveSrc))
	// Admit pops the head of a queue: KEYS queue; ARGV n.
	Admit = redis.NewScript(compose("admit", admitSrc))
	// Leak records an expired hold in a sale's leak ledger, once: KEYS ledger;
	// ARGV hold key, stamp, quantity, seen, class ("verified" or "unverified").
	Leak = redis.NewScript(compose("leak", leakSrc))
	// Reclaim returns a ledger's leaked units to stock: KEYS ledger, stock; ARGV max ("" for
	// none), include_unverified ("0": the verified leaks only; "1": every leak).
	Reclaim = redis.NewScript(compose("reclaim", reclaimSrc))
)

// composed maps each script to what Redis runs for it, for SCRIPT LOAD:
// never call Script.Load, which replaces the script's SHA1 with whatever the
// server answered, for every user of the shared script.
var composed = map[*redis.Script]string{}

// Composed is what Redis runs for script s ("" for a script not of this
// package), to SCRIPT LOAD it directly.
func Composed(s *redis.Script) string { return composed[s] }

func init() {
	for name, s := range All() {
		src, _ := Source(name)
		composed[s] = compose(name, src)
	}
}

// compose is what Redis runs for a script: its name, the shared helpers of
// lib.lua, then the script's file.
func compose(name, src string) string {
	return "local SCRIPT = '" + name + "'\n" + libSrc + "\n" + src
}

// All returns every script by name (the file name without ".lua"). The map
// is new on each call; the scripts in it are shared.
func All() map[string]*redis.Script {
	return map[string]*redis.Script{
		"reserve": Reserve,
		"release": Release,
		"set":     Set,
		"restock": Restock,
		"take":    Take,
		"join":    Join,
		"leave":   Leave,
		"admit":   Admit,
		"leak":    Leak,
		"reclaim": Reclaim,
	}
}

// Source returns the Lua file of a script by name (without the lib.lua
// helpers that run ahead of it), and whether it exists.
func Source(name string) (string, bool) {
	src, ok := map[string]string{
		"reserve": reserveSrc,
		"release": releaseSrc,
		"set":     setSrc,
		"restock": restockSrc,
		"take":    takeSrc,
		"join":    joinSrc,
		"leave":   leaveSrc,
		"admit":   admitSrc,
		"leak":    leakSrc,
		"reclaim": reclaimSrc,
	}[name]
	return src, ok
}

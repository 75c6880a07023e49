#!/usr/bin/env bash
# Alternates redis-benchmark (EVALSHA of the reserve script, -c 50) and
# `flashtop bench --buyers 50` against one idle redis-server of its own,
# ROUNDS times, and prints each round's ratio and the median, min and max.
# The commands and arguments are the ones perf/harness/benchcmp.go runs.
# Usage: perf/benchratio.sh [ROUNDS (6)] [ATTEMPTS (200000)] [PORT (16391)]
# Needs redis-server, redis-benchmark, redis-cli and jq on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6} n=${2:-200000} port=${3:-16391}
stock=$((n / 2))
tmp=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
	--logfile "$tmp/redis.log" &
srv=$!
trap 'kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/flashtop" .
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
for _ in $(seq 50); do cli ping >/dev/null 2>&1 && break; sleep 0.1; done
# The reserve script as scripts.compose builds it; a one-attempt bench
# loads flashtop's copy first, so SCRIPT EXISTS proves the SHAs match.
{ printf "local SCRIPT = 'reserve'\n"; cat scripts/lib.lua; printf '\n'; cat scripts/reserve.lua; } >"$tmp/reserve.lua"
sha=$(sha1sum "$tmp/reserve.lua" | cut -d' ' -f1)
"$tmp/flashtop" bench --redis-url "redis://127.0.0.1:$port" --sale warmup --stock 1 --attempts 1 >/dev/null
[ "$(cli script exists "$sha")" = 1 ] || { echo "reserve script SHA mismatch" >&2; exit 1; }
ratios=()
printf '%-6s %14s %14s %7s %9s\n' round redis-bench/s flashtop/s ratio oversold
for r in $(seq "$rounds"); do
	cli set "inventory:rb$r" "$stock" >/dev/null
	rb=$(redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n "$n" -r 1000000000 -q \
		EVALSHA "$sha" 2 "inventory:rb$r" "reservation:__rand_int__:rb$r" 1 300 u__rand_int__ |
		tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
	[ "$(cli get "inventory:rb$r")" = 0 ] || { echo "redis-benchmark did not run the script" >&2; exit 1; }
	out=$("$tmp/flashtop" bench --redis-url "redis://127.0.0.1:$port" --sale "fb$r" --stock "$stock" \
		--buyers 50 --attempts "$n" --json) || true
	ft=$(jq -r .ops_per_sec <<<"$out") over=$(jq -r .oversold <<<"$out")
	ratio=$(awk -v a="$ft" -v b="$rb" 'BEGIN { printf "%.1f", 100 * a / b }')
	ratios+=("$ratio")
	printf '%-6s %14.0f %14.0f %6s%% %9s\n' "$r" "$rb" "$ft" "$ratio" "$over"
	cli flushall >/dev/null
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END {
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "ratio over %d rounds: median %.1f%%, min %.1f%%, max %.1f%%\n", NR, m, v[1], v[NR] }'

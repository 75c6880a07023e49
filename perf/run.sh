#!/usr/bin/env bash
# Measures flashtop's performance targets (docs/performance.md): builds
# flashtop and the harness, which starts its own redis-server, loads
# 1,000,000 keys and prints a table of figures against targets (exit 1 when
# one is missed, 3 when the harness itself failed). Needs redis-server,
# redis-benchmark and tmux on PATH. Arguments go to the harness:
#
#   --window 40s       steady-state window of the dashboard and of the naive scan
#   --warmup 3m        longest wait for the dashboard's first complete walk
#   --rounds 3         bench vs redis-benchmark rounds (best of each counts)
#   --bench-n 200000   reserve attempts per bench run
#   --screen FILE      save the dashboard's last screen
#   --lag-repeats 5    repeats of each write-to-screen lag (500 written,
#                      500 deleted, 20,000 in one EVAL)
#   --lag-timeout 20s  longest wait for the screen per lag repeat: a repeat
#                      that waits longer fails with "timeout after 20s"
#   --stop-for 10s     how long redis-server is stopped (SIGSTOP) before SIGCONT
#   --stop-timeout 20s longest wait for the screen after SIGCONT
#   --skip-steady      skip the idle baseline, steady window and naive scan
#   --skip-naive       skip the naive scan (and the naive/dashboard ratio)
#   --skip-bench       skip bench vs redis-benchmark
#   --skip-lag         skip the lag repeats
#   --skip-stop        skip the SIGSTOP/SIGCONT measurement
#   --serve            only load the keyspace and keep the server (no measurements)
#
# A lag-only run (a few minutes): perf/run.sh --skip-steady --skip-bench
# Skipped figures are printed as "skipped", neither pass nor FAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/flashtop" .
go build -o "$bin/harness" ./perf/harness
"$bin/harness" --flashtop "$bin/flashtop" "$@"

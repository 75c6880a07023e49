#!/usr/bin/env bash
# Measures flashtop's performance targets (README, Performance): builds
# flashtop and the harness, which starts its own redis-server, loads
# 1,000,000 keys and prints a table of figures against targets.
# Needs redis-server, redis-benchmark and tmux on PATH. Extra arguments go
# to the harness (e.g. --window 40s --rounds 2 --screen /tmp/screen.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/flashtop" .
go build -o "$bin/harness" ./perf/harness
"$bin/harness" --flashtop "$bin/flashtop" "$@"

#!/usr/bin/env bash
# flashtop's whole test suite, in one command: installs redis-server when it is
# missing (apt-get; sudo when not root), then runs go vet and every test with
# the race detector against real redis-server processes.
set -euo pipefail
cd "$(dirname "$0")"

need() { ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/bin/$1" ]; }
missing=()
need redis-server && missing+=(redis-server)
need tmux && missing+=(tmux)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} with apt-get" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

go vet ./...
go test -race -count=1 -timeout 12m ./...

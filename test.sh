#!/usr/bin/env bash
# flashtop's whole test suite, in one command: installs redis-server,
# valkey-server (Debian 12: from bookworm-backports, added as an apt source)
# and tmux when they are missing (apt-get; sudo when not root), then checks
# go mod tidy, go vet and the pinned linter, and runs every test with the
# race detector against real redis-server and valkey-server processes.
set -euo pipefail
cd "$(dirname "$0")"

need() { ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/bin/$1" ]; }
missing=()
need redis-server && missing+=(redis-server)
need tmux && missing+=(tmux)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Valkey 8: Debian 12 (bookworm) has it in bookworm-backports only; other
# releases (trixie and later) have it in their main suite.
if need valkey-server; then
  . /etc/os-release
  if [ "${VERSION_CODENAME:-}" = bookworm ]; then
    echo "test.sh: adding bookworm-backports and installing valkey-server from it" >&2
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      $sudo tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null
  else
    echo "test.sh: installing valkey-server with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valkey-server >/dev/null
  fi
fi

go mod tidy -diff # direct dependencies marked direct, nothing stale
unformatted="$(gofmt -l .)"
if [ -n "$unformatted" ]; then
  echo "test.sh: not gofmt-formatted (run gofmt -w):" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...

# The linter, pinned: golangci-lint v2.15.0 with .golangci.yml, installed with
# go install when missing (a few minutes on a clean module and build cache).
gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH | cut -d: -f1)/bin"
export PATH="$gobin:$PATH"
if ! golangci-lint version 2>/dev/null | grep -q 'version 2\.15\.0 '; then
  echo "test.sh: installing golangci-lint v2.15.0 with go install" >&2
  go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
fi
golangci-lint run --timeout 10m ./...
go test -race -count=1 -timeout 12m ./...

# demo.tape must parse. vhs v0.10.0 is installed with go install when missing
# (about 40 s on a clean module and build cache); validate only parses, it does
# not render (rendering needs ttyd and ffmpeg, see docs/architecture.md). vhs validate
# passes on a missing file, hence the test -f.
if ! vhs --version 2>/dev/null | grep -qx 'vhs version v0\.10\.0'; then
  echo "test.sh: installing vhs v0.10.0 with go install" >&2
  go install github.com/charmbracelet/vhs@v0.10.0
fi
test -f demo.tape
vhs validate demo.tape

# A short fuzz run of every fuzz target, one at a time (go test -fuzz takes
# one target per run); their seed corpora (testdata/fuzz) already ran as plain
# tests above. The run is a count of inputs, not a duration: a timed run can
# end with "context deadline exceeded" from Go's fuzzing engine itself
# (golang/go#75804). FUZZTIME=0 skips this step.
fuzztime="${FUZZTIME:-3000x}"
if [ "$fuzztime" != "0" ]; then
  grep -rH --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' . | sort |
    while IFS=: read -r file decl; do
      target="${decl#func }"
      echo "test.sh: fuzzing ${target} for ${fuzztime}" >&2
      go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "./$(dirname "${file#./}")"
    done
fi

#!/usr/bin/env bash
# Renders PNGs of the dashboard to look at before calling a UI change done:
# `flashtop --demo --seed 1` and a real redis-server holding 3,000 holds, each
# at 80x24, 120x36 and 160x45, captured about 10 s and 40 s in (by then holds
# have expired, so leak lines and, in the demo, sold-out sales show).
#
#   docs/shots.sh [OUT]      PNGs into OUT (default /tmp/shots); never commit them
#
# The Redis is started here on a free loopback port and seeded in the backend's
# key schema (docs/architecture.md): three sales (stock 24960, 999999999999999 and 7;
# one id is a UUID, one carries terminal escapes), 1,800 + 900 + 300 holds
# (hashes, and JSON strings for the UUID sale) with TTLs from 3 s to 300 s,
# about 300 of them expiring during the capture, queues of 400, 250 and 120,
# flash_sales:active and a few sessions.
#
# Needs go, tmux, perl, redis-server and redis-cli, freeze v0.2.2, rsvg-convert
# and the font DejaVu Sans Mono (see docs/screenshot.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$(go env GOPATH | cut -d: -f1)/bin:$PATH"

out="${1:-/tmp/shots}"
sizes=(80x24 120x36 160x45)
mkdir -p "$out"
work="$(mktemp -d)"
sock="$work/tmux.sock"
pids=()
cleanup() {
  tmux -S "$sock" kill-server 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/flashtop" .

# shoot NAME SESSION: the pane as OUT/NAME.png (docs/freeze-colours.pl first:
# freeze v0.2.2 ignores the default colours tmux writes).
# freeze lays cells out 8.33 px apart at 14 px while DejaVu Sans Mono
# advances 8.43 px: a letter spacing of -0.1px puts the glyphs back on their
# cells, so backgrounds line up and the last columns of a full line (the
# header's alert count) are not clipped.
shoot() {
  local name="$1" session="$2"
  tmux -S "$sock" capture-pane -e -p -t "$session" >"$work/$name.ans"
  perl -p docs/freeze-colours.pl "$work/$name.ans" >"$work/$name.fixed.ans"
  freeze "$work/$name.fixed.ans" --language ansi --output "$work/$name.svg" \
    --font.family "DejaVu Sans Mono" --font.size 14 --line-height 1.2 \
    --background "#0d1117" --padding 20 --margin 0 --border.radius 8 --window=false >/dev/null
  sed -i 's|<svg |<svg style="letter-spacing:-0.1px" |' "$work/$name.svg"
  rsvg-convert --zoom 1.5 --output "$out/$name.png" "$work/$name.svg"
  echo "$out/$name.png"
}

# run PREFIX ARGS...: flashtop ARGS at every size, shot 10 s and 40 s in, then quit.
run() {
  local prefix="$1" s
  shift
  for s in "${sizes[@]}"; do
    local args=("$@")
    [[ $prefix == redis ]] && args=(--redis-url "redis://127.0.0.1:${ports[$s]}/0")
    tmux -S "$sock" new-session -d -s "$prefix-$s" -x "${s%x*}" -y "${s#*x}" \
      env TMPDIR="$work" TERM=xterm-256color COLORTERM=truecolor "$work/flashtop" "${args[@]}"
  done
  sleep 10
  for s in "${sizes[@]}"; do shoot "$prefix-$s-10s" "$prefix-$s"; done
  sleep 30
  for s in "${sizes[@]}"; do shoot "$prefix-$s-40s" "$prefix-$s"; done
  for s in "${sizes[@]}"; do tmux -S "$sock" send-keys -t "$prefix-$s" q; done
  for _ in $(seq 100); do # the demo stops its redis-server, then the session ends
    local alive=0
    for s in "${sizes[@]}"; do tmux -S "$sock" has-session -t "$prefix-$s" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
}

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# seed: RESP commands for one Redis on stdout (redis-cli --pipe reads them).
seed() {
  perl -e '
    use strict; use warnings;
    srand(7);
    my $now = time;
    sub cmd { my $s = "*" . scalar(@_) . "\r\n"; $s .= "\$" . length($_) . "\r\n$_\r\n" for @_; print $s }
    my @sales = (
      ["sneaker-drop-2025", 24960, 1800, 400, "hash"],
      ["3f0c9a52-8d1e-4b7a-9c55-1e2f3a4b5c6d", "999999999999999", 900, 250, "json"],
      ["gpu\e]0;pwn\a-launch\e[31m", 7, 300, 120, "hash"],
    );
    my $n = 0;
    for my $s (@sales) {
      my ($sale, $stock, $holds, $queued) = @$s;
      cmd("SET", "inventory:$sale", $stock);
      cmd("SADD", "flash_sales:active", $sale);
      for my $i (1 .. $holds) {
        $n++;
        my $user = sprintf("u%05d", $n);
        $user = "eve\e[2J\e[Hroot" if $n == 17;
        $user = "customer-" . ("x" x 60) if $n == 18;
        $user = sprintf("%08x-4c1d-4e5f-9a0b-%012x", $n * 7919, $n) if $n % 11 == 0;
        my $qty = 1 + int(rand(4));
        # one hold in ten ends while the shots are taken (3 s .. 60 s), the rest later
        my $ttl = $n % 10 == 0 ? 3 + int(rand(58)) : 61 + int(rand(240));
        my $key = "reservation:$user:$sale";
        if ($s->[4] eq "json" && $n % 3 == 0) {
          my @t = gmtime($now + $ttl);
          my $exp = sprintf("%04d-%02d-%02dT%02d:%02d:%02d.000Z", $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]);
          cmd("SET", $key, qq({"saleId":"$sale","userId":"$user","quantity":$qty,"expiresAt":"$exp"}), "EX", $ttl);
        } else {
          cmd("HSET", $key, "quantity", $qty, "reserved_at", $now - (300 - $ttl), "user_id", $user);
          cmd("EXPIRE", $key, $ttl);
        }
      }
      for my $i (1 .. $queued) {
        cmd("ZADD", "queue:$sale", ($now - 1200 + $i * 2) * 1000 + int(rand(1000)), sprintf("q%05d", $n + $i));
      }
    }
    cmd("EXPIRE", "flash_sales:active", 300);
    cmd("SETEX", sprintf("session:u%05d", $_), 86400, "eyJhbGciOiJIUzI1NiJ9.secret.$_") for 1 .. 20;
  '
}

run demo --demo --seed 1

declare -A ports
for s in "${sizes[@]}"; do
  ports[$s]="$(free_port)"
  redis-server --port "${ports[$s]}" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" --logfile "$work/redis-$s.log" &
  pids+=($!)
done
for s in "${sizes[@]}"; do
  for _ in $(seq 50); do redis-cli -p "${ports[$s]}" ping >/dev/null 2>&1 && break; sleep 0.1; done
  seed | redis-cli -p "${ports[$s]}" --pipe >/dev/null
done
run redis

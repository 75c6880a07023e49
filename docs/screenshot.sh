#!/usr/bin/env bash
# Renders docs/screenshot.svg and docs/screenshot.png from a real run of
# `flashtop --demo --seed 1` in tmux at 120x36, captured the moment the event
# feed says the sneaker drop (selected at start) sold out: about 30-40 s in.
#
# Needs go, tmux, perl, freeze v0.2.2 (go install
# github.com/charmbracelet/freeze@v0.2.2), rsvg-convert (apt-get install
# librsvg2-bin) and the font DejaVu Sans Mono (apt-get install fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$(go env GOPATH | cut -d: -f1)/bin:$PATH"

work="$(mktemp -d)"
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/flashtop" .
tmux -S "$sock" new-session -d -s shot -x 120 -y 36 \
  env TMPDIR="$work" TERM=xterm-256color COLORTERM=truecolor "$work/flashtop" --demo --seed 1
found=
for _ in $(seq 600); do # up to a minute
  sleep 0.1
  if tmux -S "$sock" capture-pane -p -t shot | grep -q 'sneaker-drop *SOLD OUT: stock'; then found=1; break; fi
done
if [ -z "$found" ]; then
  echo "screenshot.sh: the sneaker drop never sold out within a minute; no picture taken" >&2
  exit 1
fi
sleep 1 # the ETA column and the queue title catch up
tmux -S "$sock" capture-pane -e -p -t shot >"$work/pane.ans"
tmux -S "$sock" send-keys -t shot q
for _ in $(seq 100); do # flashtop stops its redis-server, then the session ends
  tmux -S "$sock" has-session -t shot 2>/dev/null || break
  sleep 0.1
done

# freeze v0.2.2 lays cells out 8.33 px apart at 14 px while DejaVu Sans Mono
# advances 8.43 px: a letter spacing of -0.1px puts the glyphs back on their
# cells (backgrounds line up; the header's last columns are not clipped).
# freeze v0.2.2 ignores SGR 39 and 49 (default foreground and background),
# which tmux writes: docs/freeze-colours.pl spells them out.
perl -p docs/freeze-colours.pl "$work/pane.ans" >"$work/pane.fixed.ans"

freeze "$work/pane.fixed.ans" --language ansi --output docs/screenshot.svg \
  --font.family "DejaVu Sans Mono" --font.size 14 --line-height 1.2 \
  --background "#0d1117" --padding 20 --margin 0 --border.radius 8 --window=false
sed -i 's|<svg |<svg style="letter-spacing:-0.1px" |' docs/screenshot.svg
rsvg-convert --zoom 2 --output docs/screenshot.png docs/screenshot.svg
echo "wrote docs/screenshot.svg and docs/screenshot.png"

#!/usr/bin/perl -p
# Spells out SGR 39 and 49 (default foreground and background), which tmux
# writes and freeze v0.2.2 ignores, as the terminal's colours; used by
# docs/screenshot.sh and docs/shots.sh: perl docs/freeze-colours.pl < pane.ans
BEGIN { $fg = "230;237;243"; $bg = "13;17;23"; } # #e6edf3 on #0d1117
s{\e\[([0-9;]*)m}{
  my @p = split /;/, $1; my @o;
  while (@p) {
    my $v = shift @p;
    if ($v eq "38" || $v eq "48") {
      my $k = shift @p; my @c = $k eq "2" ? splice(@p, 0, 3) : splice(@p, 0, 1);
      push @o, $v, $k, @c;
    } elsif ($v eq "39") { push @o, "38;2;$fg"; }
    elsif ($v eq "49") { push @o, "48;2;$bg"; }
    else { push @o, $v; }
  }
  "\e[" . join(";", @o) . "m";
}ge;

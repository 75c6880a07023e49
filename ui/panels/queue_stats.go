package panels

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
)

// The queue panel's analytics line (redisops.QueueStats, computed in
// redisops/read/queuestats.go): the wait percentiles of the current
// waiters, the arrival and admission rates and a new joiner's expected
// wait, e.g. "waited p50 30s · p90 1m05s · p99 1m05s · in 42/min ·
// admitted 36/min · new joiner ~5s". An unknown number says so ("—", "rates
// after 2 ticks", "no admissions seen"), never 0.

// Queue analytics texts.
const (
	statsNotRead     = "no queue analytics in this data"
	statsNoRates     = "rates after 2 ticks"
	statsNoRatesS    = "rates next tick"
	statsNoAdmits    = "no admissions seen"
	statsNoAdmitsS   = "no admissions"
	statsApprox      = "~" // a percentile read a few ranks off its definition (QueueStats.WaitRankOff)
	statsMinInnerH   = 4   // the line shows when the table keeps its header and two rows
	statsIndent      = 1   // cells before the line: the table's cursor gutter
	statsPercentileN = 3
)

// statsItem is one item of the line in its long and short forms; rank is
// the order items go in when the line is narrow (the highest first).
type statsItem struct {
	long, short string
	rank        int
}

// Item ranks: what an operator needs most stays longest (the median wait,
// then what a new joiner can expect, then the tail of the waits).
const (
	rankP50 = iota
	rankNewJoiner
	rankP99
	rankAdmitted
	rankArrivals
	rankP90
)

// statsItems are the line's items for q (nil: not read), in display order.
// The waits are moved on by since (the display clock less the read's
// time), as the table's WAITED column is: the same member, the same wait.
func statsItems(q *redisops.QueueStats, since time.Duration) []statsItem {
	if q == nil {
		return []statsItem{{statsNotRead, statsNotRead, rankP50}}
	}
	var items []statsItem
	if q.Waiters > 0 {
		approx := ""
		if q.WaitRankOff > 0 {
			approx = statsApprox
		}
		names := [statsPercentileN]string{"p50", "p90", "p99"}
		ranks := [statsPercentileN]int{rankP50, rankP90, rankP99}
		for i, p := range []*int64{q.WaitP50Ms, q.WaitP90Ms, q.WaitP99Ms} {
			v := dash
			if p != nil {
				v = approx + fmtDuration(max(time.Duration(*p)*time.Millisecond+since, 0))
			}
			it := statsItem{long: names[i] + " " + v, short: names[i] + " " + v, rank: ranks[i]}
			if i == 0 {
				it.long = "waited " + it.long
			}
			items = append(items, it)
		}
	}
	if q.WindowMs == nil || q.ArrivalsPerMin == nil || q.AdmittedPerMin == nil {
		return append(items, statsItem{statsNoRates, statsNoRatesS, rankNewJoiner})
	}
	in, out := fmtPerMin(*q.ArrivalsPerMin), fmtPerMin(*q.AdmittedPerMin)
	items = append(items, statsItem{"in " + in + "/min", "in " + in + "/m", rankArrivals},
		statsItem{"admitted " + out + "/min", "adm " + out + "/m", rankAdmitted})
	if q.ExpectedWaitMs == nil {
		return append(items, statsItem{statsNoAdmits, statsNoAdmitsS, rankNewJoiner})
	}
	wait := fmtDuration(time.Duration(*q.ExpectedWaitMs) * time.Millisecond)
	return append(items, statsItem{"new joiner ~" + wait, "new ~" + wait, rankNewJoiner})
}

// statsLine is the line in at most w cells: every item long, else every
// item short, else without the items that go first (rank) until it fits;
// whole items only, never a number cut.
func statsLine(q *redisops.QueueStats, since time.Duration, w int) string {
	items := statsItems(q, since)
	join := func(short bool) string {
		parts := make([]string, 0, len(items))
		for _, it := range items {
			if short {
				parts = append(parts, it.short)
			} else {
				parts = append(parts, it.long)
			}
		}
		return strings.Join(parts, titleSep)
	}
	if s := join(false); ansi.StringWidth(s) <= w {
		return s
	}
	for len(items) > 0 {
		if s := join(true); ansi.StringWidth(s) <= w {
			return s
		}
		worst := 0
		for i, it := range items {
			if it.rank > items[worst].rank {
				worst = i
			}
		}
		items = slices.Delete(items, worst, worst+1)
	}
	return ""
}

// fmtPerMin formats a rate per minute: one decimal below 10 ("0.5", "7.0"),
// whole numbers with separators from 10 on ("42", "1,250"); "—" for NaN
// and infinities.
func fmtPerMin(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxInt64/2:
		return dash
	case v == 0:
		return "0"
	case math.Abs(v) < 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return fmtCount(int64(math.Round(v)))
}

// showsStats reports whether the panel has room for the analytics line
// above its table (the table is given one line less: SetSize).
func (m Queue) showsStats() bool {
	_, h := m.inner()
	return h >= statsMinInnerH
}

// SetSize sets the outer size, border included; the table takes the
// inside less the analytics line when there is room for it.
func (m *Queue) SetSize(w, h int) {
	m.tableFrame.SetSize(w, h)
	if m.showsStats() {
		iw, ih := m.inner()
		m.table.SetSize(iw, ih-1)
	}
}

// withStats puts the analytics line of s's queue above body (when there is
// room and a sale row), its waits as of Data.Now like the table's.
func (m Queue) withStats(s *redisops.SaleStats, body []string) []string {
	if s == nil || !m.showsStats() {
		return body
	}
	iw, _ := m.inner()
	line := statsLine(s.QueueStats, m.data.Now.Sub(m.data.Snap.TakenAt), iw-statsIndent)
	return append([]string{strings.Repeat(" ", statsIndent) + m.st.Dim.Render(line)}, body...)
}

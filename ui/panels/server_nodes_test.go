package panels

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"flashtop/redisops"
)

// clusterFixture is the fixture as a 3-master cluster: Server holds the
// totals, Nodes the masters (the second nearly out of memory).
func clusterFixture() *redisops.Snapshot {
	s := fixture(t0)
	for i, addr := range []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"} {
		n := redisops.NodeStats{Addr: addr, ServerStats: s.Server}
		n.UsedMemory, n.OpsPerSec, n.KeysInDB, n.ConnectedClients = int64(i+1)<<20, int64(400+i), int64(500*(i+1)), int64(4+i)
		n.PingMs = 0.2 + float64(i)/10
		if i == 1 {
			n.Maxmemory, n.UsedMemory = 100<<20, 95<<20
		}
		s.Nodes = append(s.Nodes, n)
	}
	return s
}

func TestGoldenServerNodes(t *testing.T) {
	for _, size := range [][2]int{{100, 12}, {60, 10}, {44, 8}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := NewServer(asciiStyles())
			m.SetSize(size[0], size[1])
			m.SetData(Data{Snap: clusterFixture(), Now: t0})
			v := m.View()
			checkBounds(t, "server", v, size[0], size[1])
			golden.RequireEqual(t, v)
		})
	}
}

// TestServerNodesOnlyForClusters: one node (or none) keeps the plain panel.
func TestServerNodesOnlyForClusters(t *testing.T) {
	for _, nodes := range []int{0, 1} {
		s := clusterFixture()
		s.Nodes = s.Nodes[:nodes]
		m := NewServer(asciiStyles())
		m.SetSize(100, 12)
		m.SetData(Data{Snap: s, Now: t0})
		if v := m.View(); strings.Contains(v, "node") || strings.Contains(v, "127.0.0.1") {
			t.Fatalf("%d nodes: node table shown:\n%s", nodes, v)
		}
	}
	m := NewServer(asciiStyles())
	m.SetSize(100, 12)
	m.SetData(Data{Snap: clusterFixture(), Now: t0})
	v := m.View()
	for _, want := range []string{"3 nodes", "127.0.0.1:7000", "127.0.0.1:7002", "95.0M", "1,000"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

// TestServerNodesHostileAddr: a node address or role from Redis never
// reaches the terminal raw.
func TestServerNodesHostileAddr(t *testing.T) {
	s := clusterFixture()
	s.Nodes[0].Addr = "\x1b]52;c;AAAA\anode.flashtop.invalid"
	s.Nodes[1].Role = "\x1b[2Jmaster"
	for _, st := range []bool{false, true} {
		styles := asciiStyles()
		if st {
			styles = colourStyles()
		}
		m := NewServer(styles)
		m.SetSize(100, 12)
		m.SetData(Data{Snap: s, Now: t0})
		v := m.View()
		if strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\a") {
			t.Fatalf("raw escape reached the view: %q", v)
		}
	}
}

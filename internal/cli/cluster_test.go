package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

// clusterTemplates are the cluster-safe key templates of DESIGN.md §3.
func clusterTemplates() []string {
	return []string{"--cluster", "--inventory-key", "inventory:{{sale}}",
		"--reservation-key", "reservation:{user}:{{sale}}", "--queue-key", "queue:{{sale}}"}
}

// TestClusterCommands runs the commands on a real 3-master cluster (of
// redis-server, and of valkey-server) with hash-tagged templates, over sales
// whose keys land on every master, and checks the replies, the keys in
// Redis and a complete snapshot.
func TestClusterCommands(t *testing.T) {
	redistest.EachKind(t, testClusterCommands)
}

func testClusterCommands(t *testing.T, k redistest.Kind) {
	cl := k.StartCluster(t, 3)
	env := map[string]string{envURL: cl.URL()}
	ctx := context.Background()
	rdb := cl.Client(t)
	sales := []string{"c1", "c2", "c3", "c4", "c5", "c6"}
	cli := func(wantCode int, want string, args ...string) {
		t.Helper()
		o := runCLI(t, env, append(append(args, clusterTemplates()...), "--json")...)
		if o.code != wantCode || !strings.Contains(o.stdout, want) {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q; want %d and %s", args, o.code, o.stdout, o.stderr, wantCode, want)
		}
	}
	for i, s := range sales {
		cli(0, `"stock":100`, "inventory", "set", "--sale", s, "--qty", "100")
		cli(0, `"remaining":97`, "reserve", "--sale", s, "--user", "u1", "--qty", "3")
		cli(1, `"status":"already_reserved","quantity":3`, "reserve", "--sale", s, "--user", "u1")
		cli(0, `"remaining":95`, "reserve", "--sale", s, "--user", "u2", "--qty", "2")
		cli(0, `"status":"released","quantity":2,"stock":97`, "release", "--sale", s, "--user", "u2")
		cli(1, `"status":"not_found"`, "release", "--sale", s, "--user", "u2")
		cli(0, `"status":"stock","stock":97`, "inventory", "get", "--sale", s)
		cli(0, `"status":"restocked","stock":98`, "inventory", "restock", "--sale", s, "--qty", "1")
		cli(0, `"status":"taken","stock":97`, "inventory", "take", "--sale", s, "--qty", "1")
		for j := 0; j <= i; j++ {
			cli(0, fmt.Sprintf(`"position":%d`, j+1), "queue", "join", "--sale", s, "--user", fmt.Sprintf("q%d", j))
		}
		cli(0, fmt.Sprintf(`"position":%d`, i+1), "queue", "position", "--sale", s, "--user", fmt.Sprintf("q%d", i))
		cli(0, fmt.Sprintf(`"length":%d`, i+1), "queue", "length", "--sale", s)
	}
	cli(0, `"users":["q0","q1"]`, "queue", "admit", "--sale", "c6", "--count", "2")
	cli(0, `"status":"left"`, "queue", "leave", "--sale", "c6", "--user", "q2")

	// The keys are where the templates say, and they are spread over the masters.
	for _, s := range sales {
		if v := rdb.Get(ctx, "inventory:{"+s+"}").Val(); v != "97" {
			t.Fatalf("inventory:{%s} = %q", s, v)
		}
		if q := rdb.HGet(ctx, "reservation:u1:{"+s+"}", "quantity").Val(); q != "3" {
			t.Fatalf("reservation:u1:{%s} quantity %q", s, q)
		}
	}
	used := 0
	for _, n := range cl.Nodes {
		if n.Client(t).DBSize(ctx).Val() > 0 {
			used++
		}
	}
	if used != 3 {
		t.Fatalf("keys on %d masters, want all 3 (pick other sale ids)", used)
	}
	checkClusterSnapshot(t, env, sales)
	cli(0, `"reserved_units":50,"stock_left":0,"oversold":0`, "bench", "--sale", "cb", "--stock", "50", "--attempts", "300", "--buyers", "20")
	cli(0, `"oversold":0`, "bench", "--sale", "cb", "--stock", "10", "--attempts", "30", "--qty", "2", "--force")
	if v := rdb.Get(ctx, "inventory:{cb}").Val(); v != "0" {
		t.Fatalf("bench left inventory:{cb} = %q, want 0", v)
	}
}

// checkClusterSnapshot runs snapshot --json and checks every sale's counts.
func checkClusterSnapshot(t *testing.T, env map[string]string, sales []string) {
	t.Helper()
	o := runCLI(t, env, append([]string{"snapshot", "--json"}, clusterTemplates()...)...)
	if o.code != 0 {
		t.Fatalf("snapshot: exit %d, %s", o.code, o.stderr)
	}
	var snap struct {
		Sales []struct {
			ID            string `json:"id"`
			Inventory     *int64 `json:"inventory"`
			QueueLength   int64  `json:"queue_length"`
			Reservations  int64  `json:"reservations"`
			ReservedUnits int64  `json:"reserved_units"`
		} `json:"sales"`
		Reservations []struct{ Sale, User string } `json:"reservations"`
		Nodes        []struct {
			Addr    string                        `json:"addr"`
			Role    string                        `json:"role"`
			Name    string                        `json:"name"`
			Scripts map[string]map[string]float64 `json:"script_latency_us"`
			Errors  map[string]int64              `json:"errors"`
		} `json:"nodes"`
		Server struct {
			Scripts map[string]map[string]float64 `json:"script_latency_us"`
		} `json:"server"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &snap); err != nil {
		t.Fatalf("snapshot JSON: %v", err)
	}
	got := map[string]string{}
	for _, s := range snap.Sales {
		inv := "nil"
		if s.Inventory != nil {
			inv = fmt.Sprint(*s.Inventory)
		}
		got[s.ID] = fmt.Sprintf("stock %s queue %d holds %d units %d", inv, s.QueueLength, s.Reservations, s.ReservedUnits)
	}
	for i, s := range sales {
		q := i + 1
		if s == "c6" {
			q = 3 // 6 joined, 2 admitted, 1 left
		}
		want := fmt.Sprintf("stock 97 queue %d holds 1 units 3", q)
		if got[s] != want {
			t.Errorf("sale %s: %s, want %s", s, got[s], want)
		}
	}
	if len(snap.Nodes) != 3 {
		t.Errorf("snapshot has %d nodes, want the 3 masters", len(snap.Nodes))
	}
	worst := 0.0
	for _, n := range snap.Nodes { // every master ran the reserve script: its own latency figures
		if n.Scripts["evalsha"]["p99"] <= 0 || n.Errors == nil || n.Name == "" {
			t.Errorf("node %s: scripts %v, errors %v, name %q: want its own evalsha latency and error counts", n.Addr, n.Scripts, n.Errors, n.Name)
		}
		worst = max(worst, n.Scripts["evalsha"]["p99"])
	}
	if got := snap.Server.Scripts["evalsha"]["p99"]; got != worst {
		t.Errorf("cluster total evalsha p99 %v, want the worst node's %v", got, worst)
	}
	if len(snap.Sales) != len(sales) || len(snap.Reservations) != len(sales) {
		t.Errorf("snapshot has %d sales and %d holds, want %d each: %s", len(snap.Sales), len(snap.Reservations), len(sales), o.stdout)
	}
}

// TestClusterRefusesDefaultTemplates: --cluster with templates that would
// put a script's keys in different slots is refused at start (exit 2,
// nothing sent) with the fix shown; ping and snapshot are refused too.
func TestClusterRefusesDefaultTemplates(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	env := map[string]string{envURL: cl.URL()}
	for _, args := range [][]string{
		{"reserve", "--sale", "s1", "--user", "u1", "--cluster"},
		{"snapshot", "--cluster"},
		{"ping", "--cluster"},
		{"reserve", "--sale", "s1", "--user", "u1", "--cluster", "--inventory-key", "inventory:{{sale}}", "--queue-key", "queue:{{sale}}"},
	} {
		o := runCLI(t, env, args...)
		if o.code != exitUsage || !strings.Contains(o.stderr, "{{sale}}") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and the {{sale}} fix", args, o.code, o.stderr)
		}
	}
	for _, n := range cl.Nodes {
		if k := n.Client(t).DBSize(context.Background()).Val(); k != 0 {
			t.Fatalf("refused commands wrote %d keys on %s", k, n.Addr())
		}
	}
}

// TestSentinelCommands: --sentinel-master with the Sentinel's URL reaches the
// master it names, for ping, writes and snapshot.
func TestSentinelCommands(t *testing.T) {
	s := redistest.StartSentinel(t)
	env := map[string]string{envURL: s.URL()}
	sm := []string{"--sentinel-master", redistest.SentinelMasterName, "--json"}
	for _, step := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ping"}, 0, `"status":"pong"`},
		{[]string{"inventory", "set", "--sale", "st1", "--qty", "10"}, 0, `"stock":10`},
		{[]string{"reserve", "--sale", "st1", "--user", "u1", "--qty", "4"}, 0, `"remaining":6`},
		{[]string{"reserve", "--sale", "st1", "--user", "u2", "--qty", "7"}, 1, `"status":"insufficient_stock","stock":6`},
		{[]string{"snapshot"}, 0, `"id":"st1","inventory":6,"queue_length":0,"queue_head_age_ms":null,"reservations":1,"reserved_units":4`},
		{[]string{"release", "--sale", "st1", "--user", "u1"}, 0, `"quantity":4,"stock":10`},
	} {
		o := runCLI(t, env, append(step.args, sm...)...)
		if o.code != step.code || !strings.Contains(o.stdout, step.want) {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q; want %d and %s", step.args, o.code, o.stdout, o.stderr, step.code, step.want)
		}
	}
	if v := s.Master.Client(t).Get(context.Background(), "inventory:st1").Val(); v != "10" {
		t.Fatalf("master's stock %q, want 10", v)
	}
	o := runCLI(t, env, "ping", "--sentinel-master", "nosuchmaster")
	if o.code != exitRedis {
		t.Fatalf("unknown master: exit %d, stderr %q; want 3", o.code, o.stderr)
	}
}

// TestClusterDashboardInTmux runs the built dashboard on a 3-master cluster
// with hash-tagged templates: it shows the sales whose keys live on
// different masters and reserves through the form into the right key.
func TestClusterDashboardInTmux(t *testing.T) {
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("this test needs tmux: install it (apt-get install tmux), or run ./test.sh, which does: %v", err)
	}
	cl := redistest.StartCluster(t, 3)
	rc := cl.Client(t)
	ctx := context.Background()
	for _, s := range []string{"c1", "c2", "c3", "c4", "c5", "c6"} {
		if err := rc.Set(ctx, "inventory:{"+s+"}", 10, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "flashtop")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	x := tmuxRunner{t: t, bin: tmuxBin, sock: filepath.Join(dir, "tmux.sock")}
	x.run("new-session", "-d", "-s", "e2e", "-x", "160", "-y", "48", "env", "PS1=e2e$ ", "sh")
	t.Cleanup(func() { _ = exec.Command(tmuxBin, "-S", x.sock, "kill-server").Run() })
	x.keys(bin+" --redis-url '"+cl.URL()+"' --sale c1 "+strings.Join(quoted(clusterTemplates()), " ")+"; echo flashtop-exited-$?", "Enter")
	x.waitPane("the six sales and the three masters", func(p string) bool {
		return strings.Contains(p, "Sales (6)") && strings.Contains(p, " c1 ") && strings.Contains(p, " c6 ") &&
			strings.Contains(p, "3 nodes") && strings.Contains(p, cl.Nodes[0].Addr()) &&
			strings.Contains(p, cl.Nodes[1].Addr()) && strings.Contains(p, cl.Nodes[2].Addr())
	})
	x.keys("r")
	x.waitPane("the reserve form", func(p string) bool { return strings.Contains(p, "Reserve · sale c1") })
	x.keys("-l", "erin")
	x.keys("Enter")
	x.waitPane("the reserve confirm naming the cluster-safe keys", func(p string) bool {
		return strings.Contains(p, "Reserve 1 for user erin on inventory:{c1} (hold")
	})
	x.keys("y")
	x.waitPane("the reserve result", func(p string) bool { return strings.Contains(p, "reserved remaining=9") })
	if q := rc.HGet(ctx, "reservation:erin:{c1}", "quantity").Val(); q != "1" {
		t.Fatalf("reservation:erin:{c1} quantity %q, want 1", q)
	}
	x.keys("q")
	x.waitPane("the shell again", func(p string) bool { return strings.Contains(p, "flashtop-exited-0") })
}

// quoted puts each argument in single quotes for the shell.
func quoted(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + a + "'"
	}
	return out
}

package cli

import (
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// e2eWait bounds each wait on the tmux pane: a guard against a hung test,
// not a speed requirement.
const e2eWait = 30 * time.Second

// tmuxRunner drives a private tmux server (its own socket).
type tmuxRunner struct {
	t    *testing.T
	bin  string
	sock string
}

// newTmux starts a private tmux server whose session e2e runs sh in a pane
// of width x height (PS1 "e2e$ ", plus env, each NAME=value); it is killed
// when the test ends.
func newTmux(t *testing.T, width, height int, env ...string) tmuxRunner {
	t.Helper()
	bin, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("this test needs tmux: install it (apt-get install tmux), or run ./test.sh, which does: %v", err)
	}
	x := tmuxRunner{t: t, bin: bin, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "env", "PS1=e2e$ "}
	x.run(append(append(args, env...), "sh")...)
	t.Cleanup(func() { _ = exec.Command(bin, "-S", x.sock, "kill-server").Run() })
	return x
}

func (x tmuxRunner) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command(x.bin, append([]string{"-S", x.sock}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// waitPane polls the pane until ok says yes; it fails with the last capture.
func (x tmuxRunner) waitPane(what string, ok func(pane string) bool) string {
	x.t.Helper()
	var pane string
	for end := time.Now().Add(e2eWait); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		pane = x.run("capture-pane", "-p", "-t", "e2e")
		if ok(pane) {
			return pane
		}
	}
	x.t.Fatalf("tmux pane never showed %s; last capture:\n%s", what, pane)
	return ""
}

func (x tmuxRunner) keys(keys ...string) {
	x.t.Helper()
	x.run(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// TestDashboardEndToEndInTmux builds the binary, runs the dashboard in a
// real terminal (tmux) against a real redis-server, reserves through the
// form and quits.
func TestDashboardEndToEndInTmux(t *testing.T) {
	x := newTmux(t, 120, 40)
	srv := redistest.Start(t)
	rc := srv.Client(t)
	ctx := context.Background()
	if err := rc.Set(ctx, "inventory:s1", 10, 0).Err(); err != nil {
		t.Fatal(err)
	}
	bin := buildDemoBinary(t)
	x.keys(bin+" --redis-url "+srv.URL()+" --sale s1; echo flashtop-exited-$?", "Enter")

	x.waitPane("the seeded sale s1", func(p string) bool {
		return strings.Contains(p, "Sales (1)") && strings.Contains(p, " s1 ")
	})
	x.keys("r")
	x.waitPane("the reserve form", func(p string) bool { return strings.Contains(p, "Reserve · sale s1") })
	x.keys("-l", "erin")
	x.keys("Enter")
	x.waitPane("the reserve confirm", func(p string) bool { return strings.Contains(p, "Reserve 1 for user erin on") })
	x.keys("y")
	x.waitPane("the reserve result", func(p string) bool { return strings.Contains(p, "reserved remaining=9") })
	hold, err := rc.HGetAll(ctx, "reservation:erin:s1").Result()
	if err != nil || hold["quantity"] != "1" || hold["user_id"] != "erin" {
		t.Fatalf("HGETALL reservation:erin:s1 = %v, %v", hold, err)
	}
	if ttl, _ := rc.TTL(ctx, "reservation:erin:s1").Result(); ttl <= 0 || ttl > 300*time.Second {
		t.Fatalf("hold TTL %v, want the form's default 300s", ttl)
	}

	x.keys("q")
	pane := x.waitPane("the shell again", func(p string) bool { return strings.Contains(p, "flashtop-exited-0") })
	if strings.Contains(pane, "Sales (1)") {
		t.Fatalf("the dashboard is still on screen after q:\n%s", pane)
	}
	if cmd := strings.TrimSpace(x.run("display-message", "-p", "-t", "e2e", "#{pane_current_command}")); cmd != "sh" {
		t.Fatalf("pane runs %q after quitting, want the shell", cmd)
	}
}

func TestDashboardRefusesUnwritableDebugFile(t *testing.T) {
	cfg, err := parseFlags([]string{"--debug", filepath.Join(t.TempDir(), "no", "such", "dir", "log")},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	if code := runDashboard(context.Background(), cfg, io.Discard, &stderr); code != exitUsage {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--debug") {
		t.Fatalf("stderr %q should name --debug", stderr.String())
	}
}

package cli

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// e2ePassword and e2eJWT must never reach the screen or the debug log.
const (
	e2ePassword = "e2e-Secr3t-pw"
	e2eJWT      = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlMmUtdXNlciJ9.c2lnbmF0dXJlLWUyZQ"
)

// TestDashboardSurvivesOutagesInTmux runs the built binary in tmux against a
// password-protected server that is down at start, then comes up, is killed
// (kill -9) and comes up again: the banner appears and goes, and each time
// the panels show the data written after the restart. The password and a
// session token are never on screen nor in the --debug log.
func TestDashboardSurvivesOutagesInTmux(t *testing.T) {
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("this test needs tmux: install it (apt-get install tmux), or run ./test.sh, which does: %v", err)
	}
	srv := redistest.Start(t, "--requirepass", e2ePassword)
	rc := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: e2ePassword, DisableIdentity: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rc.Close() })
	seed := func(stock string) {
		t.Helper()
		ctx := context.Background()
		if err := rc.Set(ctx, "inventory:s1", stock, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := rc.Set(ctx, "session:e2e-user", e2eJWT, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	srv.Kill() // down at start

	dir := t.TempDir()
	bin := filepath.Join(dir, "flashtop")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	debugLog := filepath.Join(dir, "debug.log")
	x := tmuxRunner{t: t, bin: tmuxBin, sock: filepath.Join(dir, "tmux.sock")}
	// The URL with its password is in the shell's environment, never typed.
	url := "redis://:" + e2ePassword + "@" + srv.Addr() + "/0"
	x.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "env", "PS1=e2e$ ", "REDIS_URL="+url, "sh")
	t.Cleanup(func() { _ = exec.Command(tmuxBin, "-S", x.sock, "kill-server").Run() })
	x.keys(bin+" --sale s1 --interval 500ms --debug "+debugLog+"; echo flashtop-exited-$?", "Enter")

	var panes []string
	saw := func(what string, ok func(string) bool) {
		t.Helper()
		panes = append(panes, x.waitPane(what, ok))
	}
	down := func(p string) bool {
		return strings.Contains(p, "disconnected since") && regexp.MustCompile(`retrying (in \d+s|now)`).MatchString(p)
	}
	upWith := func(stock string) func(string) bool {
		row := regexp.MustCompile(`\bs1\s+` + stock + `\s`)
		return func(p string) bool { return !strings.Contains(p, "disconnected") && row.MatchString(p) }
	}
	saw("the banner while the server is down at start", down)
	srv.Restart()
	seed("41")
	saw("recovery with stock 41", upWith("41"))
	srv.Kill()
	saw("the banner after kill -9", down)
	srv.Restart()
	seed("42")
	saw("recovery with stock 42", upWith("42"))
	srv.Kill()
	saw("the banner after the second kill -9", down)
	srv.Restart()
	seed("43")
	saw("recovery with stock 43", upWith("43"))

	x.keys("q")
	saw("the shell again", func(p string) bool { return strings.Contains(p, "flashtop-exited-0") })
	logText := readFile(t, debugLog)
	if !strings.Contains(logText, "poll") {
		t.Errorf("the debug log recorded no failed poll:\n%s", logText)
	}
	for _, secret := range []string{e2ePassword, e2eJWT, e2eJWT[:20]} {
		for _, p := range panes {
			if strings.Contains(p, secret) {
				t.Fatalf("secret %q on screen:\n%s", secret, p)
			}
		}
		if strings.Contains(logText, secret) {
			t.Fatalf("secret %q in the debug log:\n%s", secret, logText)
		}
	}
}

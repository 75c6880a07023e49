package cli

import (
	"context"
	"fmt"
	"runtime"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// version is flashtop's version; release builds set it with
// -ldflags "-X flashtop/internal/cli.version=v1.2.3". It is never changed at run time.
var version = "dev"

// versionJSON is the --json object of the version command.
type versionJSON struct {
	OK      bool   `json:"ok"`
	Status  string `json:"status"`
	Version string `json:"version"`
	Go      string `json:"go"`
}

// pingJSON is the --json object of the ping command.
type pingJSON struct {
	OK     bool    `json:"ok"`
	Status string  `json:"status"`
	URL    string  `json:"url"`
	PingMs float64 `json:"ping_ms"`
	// Server is the server program and its own version ("valkey", "8.0.1");
	// ServerUnreadable says why they could not be read (an ACL without INFO).
	Server           *pingServer `json:"server,omitempty"`
	ServerUnreadable string      `json:"server_unreadable,omitempty"`
}

// pingServer is the server a ping reached.
type pingServer struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// pingCommand is the row of ping.
func pingCommand() command {
	return command{name: "ping", about: "PING the server and print the round trip", run: noStdin(runPing)}
}

// versionCommand is the row of version.
func versionCommand() command {
	return command{name: "version", about: "print the version of flashtop and of Go",
		run: noStdin(func(_ context.Context, _ config, p printer) int { return runVersion(p) })}
}

// runVersion prints "flashtop <version>" and the Go version.
func runVersion(p printer) int {
	goVersion := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if p.json {
		p.emit(versionJSON{OK: true, Status: "version", Version: version, Go: goVersion})
		return exitOK
	}
	fmt.Fprintf(p.stdout, "flashtop %s (%s)\n", version, goVersion)
	return exitOK
}

// runPing sends one PING and prints the round trip, then which server
// answered (INFO server: its name and own version; "unreadable" and why
// when INFO is refused, which does not fail the ping).
func runPing(ctx context.Context, cfg config, p printer) int {
	client, err := connect(ctx, cfg, false) // the PING below is the command itself
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	defer cancel()
	rtt, err := client.Ping(pctx)
	if err != nil {
		return p.fail(cfg, err)
	}
	ms := float64(rtt.Microseconds()) / 1000
	out := pingJSON{OK: true, Status: redisops.StatusPong, URL: client.URL(), PingMs: ms}
	who := ""
	if name, version, err := client.Identify(pctx); err != nil {
		out.ServerUnreadable = textsafe.Cut(redact(err.Error(), cfg), 200)
		who = " (server version unreadable: " + out.ServerUnreadable + ")"
	} else {
		out.Server = &pingServer{Name: name, Version: version}
		who = " (" + textsafe.String(name+" "+version) + ")"
	}
	if p.json {
		p.emit(out)
		return exitOK
	}
	fmt.Fprintf(p.stdout, "pong: %s answered in %.2f ms%s\n", client.URL(), ms, who)
	return exitOK
}

// Command flashtop is a terminal dashboard and command line for the Redis
// behind a flash sale: stock, queues, reservation holds and the server, with
// headless commands to reserve, release, restock and move the queue.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"flashtop/internal/cli"
)

func main() {
	cli.QuietRedis()
	// SIGHUP too: a closed terminal must still stop the demo's server and
	// remove its directory (the deferred clean-ups run only on a return).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// The first signal cancels ctx: every command stops and reports what it
	// did. A call already waiting on a socket may take up to --timeout to
	// see it; a second signal ends the program at once (the default action
	// is restored after the first).
	context.AfterFunc(ctx, stop)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

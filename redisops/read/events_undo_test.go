package read

import (
	"context"
	"testing"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// The undo command names the flags the last check found, before E changed
// them, and running it puts them back.
func TestKeyspaceEventsUndoRestoresTheFlagsBefore(t *testing.T) {
	srv := redistest.Start(t, "--notify-keyspace-events", "Ex")
	rdb := srv.Client(t)
	p, _ := eventPoller(t, srv)
	ctx := context.Background()
	if got := p.KeyspaceEventsUndo(); got != "" {
		t.Fatalf("undo before the first check: %q", got)
	}
	if _, err := p.Snapshot(ctx, redisops.SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	undo := p.KeyspaceEventsUndo()
	if want := `CONFIG SET notify-keyspace-events "xE"`; undo != want {
		t.Fatalf("undo %q, want %q", undo, want)
	}
	if err := p.EnableKeyspaceEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if now := rdb.ConfigGet(ctx, notifyParam).Val()[notifyParam]; now == "xE" {
		t.Fatal("EnableKeyspaceEvents changed nothing: the test proves nothing")
	}
	if err := rdb.Do(ctx, "CONFIG", "SET", notifyParam, "xE").Err(); err != nil { // the undo, as typed
		t.Fatal(err)
	}
	if got := rdb.ConfigGet(ctx, notifyParam).Val()[notifyParam]; got != "xE" {
		t.Fatalf("after the undo: %q", got)
	}
}

// Masters whose flags differ get one command per value, naming them; empty
// flags are quoted so that the command can be typed as shown.
func TestKeyspaceEventsUndoPerMaster(t *testing.T) {
	p := &Poller{}
	p.ev = newEvents(p)
	p.ev.flags = map[string]string{"10.0.0.3:7000": "", "10.0.0.1:7000": "xE", "10.0.0.2:7000": ""}
	want := `CONFIG SET notify-keyspace-events "" on 10.0.0.2:7000, 10.0.0.3:7000; ` +
		`CONFIG SET notify-keyspace-events "xE" on 10.0.0.1:7000`
	if got := p.KeyspaceEventsUndo(); got != want {
		t.Fatalf("undo\n got %q\nwant %q", got, want)
	}
	p.ev.flags = map[string]string{"a:1": "", "b:1": ""}
	if got, want := p.KeyspaceEventsUndo(), `CONFIG SET notify-keyspace-events ""`; got != want {
		t.Fatalf("same flags everywhere: %q, want %q", got, want)
	}
}

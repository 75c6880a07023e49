// Package demo provides what `flashtop --demo` runs on: a throwaway Redis
// (a real redis-server when one is installed, otherwise miniredis in
// process), the seed data of three sales, and the traffic simulator that
// drives buyers through the same scripts and key templates as everything else.
package demo

import (
	"errors"
	"fmt"
	"os"

	"github.com/alicebob/miniredis/v2"

	"flashtop/localserver"
)

// Backend kinds of a demo server.
const (
	KindRedisServer = "redis-server"
	KindInProcess   = "in-process"
)

// Server is a throwaway Redis for the demo. Close stops it and removes every
// file it made.
type Server struct {
	// URL to connect to (always loopback).
	URL string
	// Kind is KindRedisServer or KindInProcess.
	Kind string
	// PID of the redis-server process (0 in process).
	PID int
	// Dir is the temporary directory of the redis-server ("" in process).
	Dir string

	local *localserver.Server
	mini  *miniredis.Miniredis
}

// StartServer starts a real redis-server on a free loopback port in a new
// temporary directory when one is installed, and miniredis otherwise.
func StartServer() (*Server, error) { return startServer(localserver.Binary) }

func startServer(findBinary func() (string, error)) (*Server, error) {
	bin, err := findBinary()
	if errors.Is(err, localserver.ErrNotInstalled) {
		return StartInProcess()
	}
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return StartRedisServer(bin)
}

// StartRedisServer starts the redis-server binary bin without persistence in
// a new temporary directory.
func StartRedisServer(bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "flashtop-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: temp dir: %w", err)
	}
	ls, err := localserver.StartBinary(bin, dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("demo: %w", err)
	}
	return &Server{URL: ls.URL(), Kind: KindRedisServer, PID: ls.PID(), Dir: dir, local: ls}, nil
}

// StartInProcess starts miniredis on a free loopback port, its TTLs driven by
// the wall clock so that holds really count down and expire.
func StartInProcess() (*Server, error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("demo: in-process Redis: %w", err)
	}
	return &Server{URL: "redis://" + m.Addr() + "/0", Kind: KindInProcess, mini: m}, nil
}

// Close stops the server and removes its directory. It is safe to call twice.
func (s *Server) Close() error {
	if s.local != nil {
		s.local.Stop()
		s.local = nil
	}
	if s.mini != nil {
		s.mini.Close()
		s.mini = nil
	}
	if s.Dir != "" {
		if err := os.RemoveAll(s.Dir); err != nil {
			return fmt.Errorf("demo: remove %s: %w", s.Dir, err)
		}
	}
	return nil
}

package ui

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks for leaked goroutines. teatest.NewTestModel leaves one
// goroutine per test model waiting for a SIGINT that never comes; it is
// teatest's, not the dashboard's.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2"))
}

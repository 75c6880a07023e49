// Package redisops is flashtop's UI-free library over the flash-sale data in
// Redis: the connection (URL, TLS, ACL users, cluster, Sentinel: client.go,
// url.go, dial.go), the key schema (keys.go), the operation table over the
// Lua scripts (optable.go: one Request and Spec per operation, one
// Client.Do; ops*.go, leak.go, bench.go), INFO and SLOWLOG parsing, and the
// types every read of the data returns (types.go: Snapshot and its parts).
// How a Snapshot is read, the full read and the dashboard's live one, is
// package flashtop/redisops/read. It never imports a UI package.
package redisops

// Package redisops is flashtop's UI-free library over the flash-sale data in
// Redis: the connection, the key schema, the operation table over the Lua
// scripts (optable.go: one Request and Spec per operation, one Client.Do),
// INFO and SLOWLOG parsing, and the Snapshot collector. It never imports a UI
// package.
package redisops

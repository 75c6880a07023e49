// Package redisops is flashtop's UI-free library over the flash-sale data in
// Redis: the connection, the key schema, typed operations over the Lua
// scripts, INFO and SLOWLOG parsing, and the Snapshot collector. It never
// imports a UI package.
package redisops

-- leak.lua: record, once, that a hold expired with its units still taken from stock.
--
-- KEYS[1]  ledger key (flashtop:leaks:{sale}): a hash, or absent
-- ARGV[1]  hold key that expired (reservation:{user}:{sale}): 1 to 1024 bytes
-- ARGV[2]  stamp: the hold's reserved_at in unix seconds (JSON holds: expiresAt − 300 s),
--          or "none" when the hold did not say; with ARGV[1] it names the leak
-- ARGV[3]  quantity: whole number, 1 to 999999999999999
-- ARGV[4]  seen: unix seconds when the expiry was observed, 0 to 999999999999999
-- ARGV[5]  class: "verified" (the hold's end was seen at or after its deadline, as it
--          happened) or "unverified" (its end was not seen as it happened: it may have
--          been released, and its units sold)
--
-- The ledger hash holds one field per leak, "leak:<hold key>@<stamp>" =
-- "<units> leaked <seen> <class>" (state "reclaimed" once reclaim.lua gave the units back;
-- a field "<units> leaked <seen>" without a class was written by an older leak.lua and counts
-- as unverified), and the totals of the leaks not reclaimed yet: leaked_units, leaked_holds
-- (every class) and unverified_units, unverified_holds (the unverified part; reclaimed_units,
-- reclaimed_holds: reclaim.lua). A ledger with leaked_units but no unverified_units was
-- written by the older leak.lua only: all its unreclaimed leaks are unverified, and the first
-- record here sets unverified_units, unverified_holds from leaked_units, leaked_holds.
--
-- Reply (first element is the status word):
--   {"recorded", leaked_units, leaked_holds}          new leak: HSET its field, HINCRBY the totals
--                                                     (unverified_units, unverified_holds too for
--                                                     an unverified leak; by 0 for a verified one)
--   {"already_recorded", leaked_units, leaked_holds}  the leak's field exists (another watcher
--                                                     recorded it, whatever its class): nothing written
-- Errors (nothing written): bad argument count or value (a class other than "verified" or
-- "unverified" included), a ledger key that is not a hash, ledger totals that are not integers.
-- Helpers (fail, int_arg, read_totals, MAXN): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 5 then
  return redis.error_reply(fail('leak takes 1 key (ledger) and 5 arguments (hold key, stamp, quantity, seen, class)'))
end
local hold = ARGV[1]
if #hold < 1 or #hold > 1024 then
  return redis.error_reply(fail('leak: hold key must be 1 to 1024 bytes'))
end
local stamp = ARGV[2]
if stamp ~= 'none' then
  local _, serr = int_arg('stamp', stamp, 0, MAXN)
  if serr then return redis.error_reply(serr) end
end
local qty, qerr = int_arg('quantity', ARGV[3], 1, MAXN)
if qerr then return redis.error_reply(qerr) end
local _, werr = int_arg('seen', ARGV[4], 0, MAXN)
if werr then return redis.error_reply(werr) end
local class = ARGV[5]
if class ~= 'verified' and class ~= 'unverified' then
  return redis.error_reply(fail('leak: class must be "verified" or "unverified", got "' .. string.sub(class, 1, 40) .. '"'))
end

local totals, terr = read_totals(KEYS[1], {'leaked_units', 'leaked_holds', 'unverified_units', 'unverified_holds'})
if terr then return redis.error_reply(terr) end

local field = 'leak:' .. hold .. '@' .. stamp
if redis.call('HEXISTS', KEYS[1], field) == 1 then
  return {'already_recorded', totals[1] or 0, totals[2] or 0}
end
-- The unverified totals start, when absent, from what an older leak.lua recorded (all unverified).
local add_units, add_holds = 0, 0
if class == 'unverified' then
  add_units, add_holds = qty, 1
end
if totals[3] == nil then add_units = add_units + (totals[1] or 0) end
if totals[4] == nil then add_holds = add_holds + (totals[2] or 0) end
-- ARGV[3], not qty: a Lua number of 15 digits prints as 1.2345678901234e+14,
-- which reclaim.lua could not parse.
redis.call('HSET', KEYS[1], field, ARGV[3] .. ' leaked ' .. ARGV[4] .. ' ' .. class)
local units = redis.call('HINCRBY', KEYS[1], 'leaked_units', qty)
local holds = redis.call('HINCRBY', KEYS[1], 'leaked_holds', 1)
redis.call('HINCRBY', KEYS[1], 'unverified_units', add_units)
redis.call('HINCRBY', KEYS[1], 'unverified_holds', add_holds)
return {'recorded', units, holds}

-- leak.lua: record, once, that a hold expired with its units still taken from stock.
--
-- KEYS[1]  ledger key (flashtop:leaks:{sale}): a hash, or absent
-- ARGV[1]  hold key that expired (reservation:{user}:{sale}): 1 to 1024 bytes
-- ARGV[2]  stamp: the hold's reserved_at in unix seconds (JSON holds: expiresAt − 300 s),
--          or "none" when the hold did not say; with ARGV[1] it names the leak
-- ARGV[3]  quantity: whole number, 1 to 999999999999999
-- ARGV[4]  seen: unix seconds when the expiry was observed, 0 to 999999999999999
--
-- The ledger hash holds one field per leak, "leak:<hold key>@<stamp>" = "<units> leaked <seen>"
-- (state "reclaimed" once reclaim.lua gave the units back), and the totals of the leaks not
-- reclaimed yet, leaked_units and leaked_holds (reclaimed_units, reclaimed_holds: reclaim.lua).
--
-- Reply (first element is the status word):
--   {"recorded", leaked_units, leaked_holds}          new leak: HSET its field, HINCRBY the totals
--   {"already_recorded", leaked_units, leaked_holds}  the leak's field exists (another watcher
--                                                     recorded it): nothing written
-- Errors (nothing written): bad argument count or value, a ledger key that is
-- not a hash, ledger totals that are not integers.
-- Helpers (fail, int_arg, is_int, MAXN): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 4 then
  return redis.error_reply(fail('leak takes 1 key (ledger) and 4 arguments (hold key, stamp, quantity, seen)'))
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

local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'none' and t ~= 'hash' then
  return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' holds a ' .. t .. ', not a hash'))
end
local totals = redis.call('HMGET', KEYS[1], 'leaked_units', 'leaked_holds')
for i, name in ipairs({'leaked_units', 'leaked_holds'}) do
  local v = totals[i]
  if v and not is_int(v) then
    return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' field ' .. name .. ' is not an integer'))
  end
end

local field = 'leak:' .. hold .. '@' .. stamp
if redis.call('HEXISTS', KEYS[1], field) == 1 then
  return {'already_recorded', tonumber(totals[1] or '0'), tonumber(totals[2] or '0')}
end
-- ARGV[3], not qty: a Lua number of 15 digits prints as 1.2345678901234e+14,
-- which reclaim.lua could not parse.
redis.call('HSET', KEYS[1], field, ARGV[3] .. ' leaked ' .. ARGV[4])
local units = redis.call('HINCRBY', KEYS[1], 'leaked_units', qty)
local holds = redis.call('HINCRBY', KEYS[1], 'leaked_holds', 1)
return {'recorded', units, holds}

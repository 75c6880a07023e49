-- reclaim.lua: give every leaked unit of a sale's ledger back to stock, once.
--
-- KEYS[1]  ledger key (flashtop:leaks:{sale}): a hash written by leak.lua, or absent
-- KEYS[2]  stock key (inventory:{sale}): an integer string, or absent (INCRBY creates it)
-- ARGV[1]  max: "" for no limit, else a whole number 0 to 999999999999999;
--          refuse when stock + the leaked units would pass it
--
-- Every ledger field "leak:<hold key>@<stamp>" = "<units> leaked <seen>" is a leak not
-- reclaimed yet; reclaiming sets it to "<units> reclaimed <seen>".
--
-- Reply (first element is the status word):
--   {"nothing_to_reclaim"}             no leak is waiting (no ledger, or all reclaimed)
--   {"max_exceeded", stock}            stock + units > max: nothing written (stock 0 when absent)
--   {"reclaimed", units, stock}        INCRBY stock units; each leak marked reclaimed;
--                                      leaked_units, leaked_holds set to 0; reclaimed_units,
--                                      reclaimed_holds raised by units and by the leaks
-- Errors (nothing written): bad argument count or value, a stock key that is
-- not an integer string, a ledger key that is not a hash, a leak field or a
-- total that does not parse.
-- Helpers (fail, int_arg, is_int, read_stock, MAXN, opt_max): lib.lua.

if #KEYS ~= 2 or #ARGV ~= 1 then
  return redis.error_reply(fail('reclaim takes 2 keys (ledger, stock) and 1 argument (max, "" for none)'))
end
local max, merr = opt_max(ARGV[1])
if merr then return redis.error_reply(merr) end
local stock, serr = read_stock(KEYS[2])
if serr then return redis.error_reply(serr) end
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'none' and t ~= 'hash' then
  return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' holds a ' .. t .. ', not a hash'))
end

local flat = redis.call('HGETALL', KEYS[1])
local fields, values, units = {}, {}, 0
for i = 1, #flat, 2 do
  local f, v = flat[i], flat[i + 1]
  if string.sub(f, 1, 5) == 'leak:' then
    local q, state, seen = string.match(v, '^([1-9]%d*) (%a+) (%d+)$')
    if not q or #q > 15 or (state ~= 'leaked' and state ~= 'reclaimed') then
      return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' field ' .. string.sub(f, 1, 80) .. ' does not parse'))
    end
    if state == 'leaked' then
      units = units + tonumber(q)
      fields[#fields + 1] = f
      values[#values + 1] = q .. ' reclaimed ' .. seen
    end
  elseif (f == 'leaked_units' or f == 'leaked_holds' or f == 'reclaimed_units' or f == 'reclaimed_holds')
      and not is_int(v) then
    return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' field ' .. f .. ' is not an integer'))
  end
end
if units > MAXN then
  return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' adds up to more than ' .. MAXN .. ' units'))
end

if #fields == 0 then
  return {'nothing_to_reclaim'}
end
local current = stock or 0
if max ~= nil and current + units > max then
  return {'max_exceeded', current}
end
local after = redis.call('INCRBY', KEYS[2], units)
for i = 1, #fields do
  redis.call('HSET', KEYS[1], fields[i], values[i])
end
redis.call('HSET', KEYS[1], 'leaked_units', 0, 'leaked_holds', 0)
redis.call('HINCRBY', KEYS[1], 'reclaimed_units', units)
redis.call('HINCRBY', KEYS[1], 'reclaimed_holds', #fields)
return {'reclaimed', units, after}

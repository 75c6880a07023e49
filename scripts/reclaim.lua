-- reclaim.lua: give a sale's leaked units back to stock, once: the verified leaks, or every
-- leak when asked.
--
-- KEYS[1]  ledger key (flashtop:leaks:{sale}): a hash written by leak.lua, or absent
-- KEYS[2]  stock key (inventory:{sale}): an integer string, or absent (INCRBY creates it)
-- ARGV[1]  max: "" for no limit, else a whole number 0 to 999999999999999;
--          refuse when stock + the units to give back would pass it
-- ARGV[2]  include_unverified: "0" gives back the verified leaks only (their end was seen
--          at or after their deadline) and leaves the unverified ones as they are; "1" gives
--          back every leak. An unverified leak may have been released and its units sold:
--          giving those back can oversell.
--
-- Every ledger field "leak:<hold key>@<stamp>" = "<units> leaked <seen> <class>" (class
-- "verified" or "unverified") is a leak not reclaimed yet; "<units> leaked <seen>" without a
-- class (written by an older leak.lua, under a rule that counted late releases as leaks) is
-- an unverified one. Reclaiming sets it to "<units> reclaimed <seen> <class>".
--
-- Reply (first element is the status word):
--   {"nothing_to_reclaim", unverified_units_waiting}
--                        no leak to give back (no ledger, all reclaimed, or with "0" only
--                        unverified leaks, whose units are the number): nothing written
--   {"max_exceeded", stock}
--                        stock + units > max: nothing written (stock 0 when absent)
--   {"reclaimed", units, stock, unverified_units_given_back}
--                        INCRBY stock units; each leak given back marked reclaimed;
--                        leaked_units, leaked_holds, unverified_units, unverified_holds set
--                        to the leaks left (all unverified, none with "1"); reclaimed_units,
--                        reclaimed_holds raised by units and by the leaks given back
-- Errors (nothing written): bad argument count or value, a stock key that is
-- not an integer string, a ledger key that is not a hash, a leak field or a
-- total that does not parse, sums past 999999999999999.
-- Helpers (fail, int_arg, read_stock, read_totals, MAXN, opt_max): lib.lua.

if #KEYS ~= 2 or #ARGV ~= 2 then
  return redis.error_reply(fail('reclaim takes 2 keys (ledger, stock) and 2 arguments (max, "" for none; include_unverified, "0" or "1")'))
end
local max, merr = opt_max(ARGV[1])
if merr then return redis.error_reply(merr) end
local all = ARGV[2]
if all ~= '0' and all ~= '1' then
  return redis.error_reply(fail('reclaim: include_unverified must be "0" or "1", got "' .. string.sub(all, 1, 40) .. '"'))
end
local stock, serr = read_stock(KEYS[2])
if serr then return redis.error_reply(serr) end
local _, terr = read_totals(KEYS[1], {'leaked_units', 'leaked_holds', 'unverified_units', 'unverified_holds',
  'reclaimed_units', 'reclaimed_holds'})
if terr then return redis.error_reply(terr) end

local flat = redis.call('HGETALL', KEYS[1])
local fields, values = {}, {}
local units, unverified, left_units, left_holds = 0, 0, 0, 0
for i = 1, #flat, 2 do
  local f, v = flat[i], flat[i + 1]
  if string.sub(f, 1, 5) == 'leak:' then
    local q, state, seen, class = string.match(v, '^([1-9]%d*) (%a+) (%d+) (%a+)$')
    if not q then
      q, state, seen = string.match(v, '^([1-9]%d*) (%a+) (%d+)$')
      class = 'unverified'
    end
    if not q or #q > 15 or (state ~= 'leaked' and state ~= 'reclaimed')
        or (class ~= 'verified' and class ~= 'unverified') then
      return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' field ' .. string.sub(f, 1, 80) .. ' does not parse'))
    end
    if state == 'leaked' and (class == 'verified' or all == '1') then
      units = units + tonumber(q)
      if class == 'unverified' then unverified = unverified + tonumber(q) end
      fields[#fields + 1] = f
      values[#values + 1] = q .. ' reclaimed ' .. seen .. ' ' .. class
    elseif state == 'leaked' then
      left_units, left_holds = left_units + tonumber(q), left_holds + 1
    end
  end
end
if units > MAXN or left_units > MAXN then
  return redis.error_reply(fail('ledger key ' .. KEYS[1] .. ' adds up to more than ' .. MAXN .. ' units'))
end

if #fields == 0 then
  return {'nothing_to_reclaim', left_units}
end
local current = stock or 0
if max ~= nil and current + units > max then
  return {'max_exceeded', current}
end
local after = redis.call('INCRBY', KEYS[2], units)
for i = 1, #fields do
  redis.call('HSET', KEYS[1], fields[i], values[i])
end
-- What is left is unverified (with "0") or nothing (with "1"): the totals are set from the
-- fields, which also mends totals an older leak.lua left without their unverified part.
redis.call('HSET', KEYS[1], 'leaked_units', left_units, 'leaked_holds', left_holds,
  'unverified_units', left_units, 'unverified_holds', left_holds)
redis.call('HINCRBY', KEYS[1], 'reclaimed_units', units)
redis.call('HINCRBY', KEYS[1], 'reclaimed_holds', #fields)
return {'reclaimed', units, after, unverified}

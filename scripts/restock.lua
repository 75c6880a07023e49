-- restock.lua: add qty units to a sale's stock, up to an optional maximum.
--
-- KEYS[1]  stock key (inventory:{sale}): an integer string, or absent (counts as 0)
-- ARGV[1]  qty: whole number, 1 to 999999999999999
-- ARGV[2]  max: "" for no limit, else a whole number 0 to 999999999999999
--
-- Reply (first element is the status word):
--   {"max_exceeded", stock}             stock + qty > max: nothing added (stock 0 when absent)
--   {"restocked", stock}                INCRBY stock qty (creates the key when absent)
-- Errors (nothing written): bad argument count or value, a stock key that is
-- not an integer string.

local MAXN = 999999999999999

local function fail(msg)
  return 'ERR flashtop: ' .. msg
end

local function int_arg(name, v, lo, hi)
  if type(v) == 'string' and #v <= 15 and (v == '0' or string.match(v, '^[1-9]%d*$')) then
    local n = tonumber(v)
    if n >= lo and n <= hi then
      return n
    end
  end
  return nil, fail(string.format('restock: %s must be a whole number from %d to %d, got "%s"',
    name, lo, hi, string.sub(tostring(v), 1, 40)))
end

local function is_int(v)
  local digits = string.match(v, '^%-?([1-9]%d*)$')
  return v == '0' or (digits ~= nil and #digits <= 15)
end

local function read_stock(key)
  local t = redis.call('TYPE', key)['ok']
  if t == 'none' then
    return nil
  end
  if t ~= 'string' then
    return nil, fail('stock key ' .. key .. ' holds a ' .. t .. ', not an integer string')
  end
  local v = redis.call('GET', key)
  if not is_int(v) then
    return nil, fail('stock key ' .. key .. ' holds "' .. string.sub(v, 1, 40) .. '", not an integer string')
  end
  return tonumber(v)
end

if #KEYS ~= 1 or #ARGV ~= 2 then
  return redis.error_reply(fail('restock takes 1 key (stock) and 2 arguments (qty, max)'))
end
local qty, qerr = int_arg('qty', ARGV[1], 1, MAXN)
if qerr then return redis.error_reply(qerr) end
local max = nil
if ARGV[2] ~= '' then
  local m, merr = int_arg('max', ARGV[2], 0, MAXN)
  if merr then return redis.error_reply(merr) end
  max = m
end
local stock, serr = read_stock(KEYS[1])
if serr then return redis.error_reply(serr) end

local current = stock or 0
if max ~= nil and current + qty > max then
  return {'max_exceeded', current}
end
return {'restocked', redis.call('INCRBY', KEYS[1], ARGV[1])}

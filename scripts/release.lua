-- release.lua: give a hold's units back to stock and delete the hold.
--
-- KEYS[1]  hold key (reservation:{user}:{sale}): absent, a hash or a JSON string
-- KEYS[2]  stock key (inventory:{sale}): an integer string, or absent (INCRBY creates it)
-- ARGV[1]  max: "" for no limit, else a whole number 0 to 999999999999999;
--          refuse when stock + held quantity would pass it
--
-- Reply (first element is the status word):
--   {"not_found"}                       no hold
--   {"max_exceeded", stock}             stock + quantity > max (stock 0 when absent)
--   {"released", quantity, stock}       INCRBY stock quantity, DEL hold; quantity is the
--                                       hash field or the JSON "quantity" (number or digit string)
-- Errors (nothing written): bad argument count or value, a stock key that is
-- not an integer string, a hold key of another type, a string that is not
-- JSON, a hold whose quantity is not a positive integer.

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
  return nil, fail(string.format('release: %s must be a whole number from %d to %d, got "%s"',
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

local function pos_int(v)
  if type(v) == 'number' and v >= 1 and v <= MAXN and v == math.floor(v) then
    return v
  end
  if type(v) == 'string' and #v <= 15 and string.match(v, '^[1-9]%d*$') then
    return tonumber(v)
  end
  return nil
end

-- read_hold returns whether a hold exists and its quantity (nil when not a positive integer).
local function read_hold(key)
  local t = redis.call('TYPE', key)['ok']
  if t == 'none' then
    return false
  end
  if t == 'hash' then
    return true, pos_int(redis.call('HGET', key, 'quantity'))
  end
  if t == 'string' then
    local ok, h = pcall(cjson.decode, redis.call('GET', key))
    if not ok or type(h) ~= 'table' then
      return false, nil, fail('hold key ' .. key .. ' holds a string that is not a JSON hold')
    end
    return true, pos_int(h['quantity'])
  end
  return false, nil, fail('hold key ' .. key .. ' holds a ' .. t .. ', not a hash or a JSON string')
end

if #KEYS ~= 2 or #ARGV ~= 1 then
  return redis.error_reply(fail('release takes 2 keys (hold, stock) and 1 argument (max, "" for none)'))
end
local max = nil
if ARGV[1] ~= '' then
  local m, merr = int_arg('max', ARGV[1], 0, MAXN)
  if merr then return redis.error_reply(merr) end
  max = m
end
local stock, serr = read_stock(KEYS[2])
if serr then return redis.error_reply(serr) end
local held, qty, herr = read_hold(KEYS[1])
if herr then return redis.error_reply(herr) end

if not held then
  return {'not_found'}
end
if qty == nil then
  return redis.error_reply(fail('hold key ' .. KEYS[1] .. ' has no positive integer quantity'))
end
local current = stock or 0
if max ~= nil and current + qty > max then
  return {'max_exceeded', current}
end
local after = redis.call('INCRBY', KEYS[2], qty)
redis.call('DEL', KEYS[1])
return {'released', qty, after}

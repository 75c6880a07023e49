-- reserve.lua: hold qty units of a sale's stock for one user.
--
-- KEYS[1]  stock key (inventory:{sale}): an integer string
-- KEYS[2]  hold key (reservation:{user}:{sale}): absent, a hash or a JSON string
-- ARGV[1]  qty: whole number, 1 to 999999999999999
-- ARGV[2]  ttl: hold lifetime in seconds, 1 to 1000000000
-- ARGV[3]  user id: non-empty, stored in the hold's user_id
--
-- Reply (first element is the status word):
--   {"no_inventory"}                    the stock key does not exist
--   {"already_reserved", held}          a hold exists (hash or JSON string); held is
--                                       its quantity (a JSON number or digit string),
--                                       0 when that is not a positive integer
--   {"insufficient_stock", stock}       stock < qty
--   {"reserved", remaining}             DECRBY stock qty, HSET hold quantity, reserved_at
--                                       (Redis TIME, unix s), user_id, EXPIRE hold ttl
-- Errors (nothing written): bad argument count or value, a stock key that is
-- not an integer string, a hold key of another type or a string that is not JSON.

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
  return nil, fail(string.format('reserve: %s must be a whole number from %d to %d, got "%s"',
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

if #KEYS ~= 2 or #ARGV ~= 3 then
  return redis.error_reply(fail('reserve takes 2 keys (stock, hold) and 3 arguments (qty, ttl, user)'))
end
local qty, err = int_arg('qty', ARGV[1], 1, MAXN)
if err then return redis.error_reply(err) end
local ttl, terr = int_arg('ttl', ARGV[2], 1, 1000000000)
if terr then return redis.error_reply(terr) end
local user = ARGV[3]
if user == '' then
  return redis.error_reply(fail('reserve: user id must not be empty'))
end
local stock, serr = read_stock(KEYS[1])
if serr then return redis.error_reply(serr) end
local held, held_qty, herr = read_hold(KEYS[2])
if herr then return redis.error_reply(herr) end

if stock == nil then
  return {'no_inventory'}
end
if held then
  return {'already_reserved', held_qty or 0}
end
if stock < qty then
  return {'insufficient_stock', stock}
end
local remaining = redis.call('DECRBY', KEYS[1], ARGV[1])
local now = redis.call('TIME')
redis.call('HSET', KEYS[2], 'quantity', ARGV[1], 'reserved_at', now[1], 'user_id', user)
redis.call('EXPIRE', KEYS[2], ttl)
return {'reserved', remaining}

-- take.lua: remove qty units from a sale's stock when it has them.
--
-- KEYS[1]  stock key (inventory:{sale}): an integer string
-- ARGV[1]  qty: whole number, 1 to 999999999999999
--
-- Reply (first element is the status word):
--   {"no_inventory"}                    the stock key does not exist
--   {"insufficient_stock", stock}       stock < qty
--   {"taken", stock}                    DECRBY stock qty; stock is what remains
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
  return nil, fail(string.format('take: %s must be a whole number from %d to %d, got "%s"',
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

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('take takes 1 key (stock) and 1 argument (qty)'))
end
local qty, qerr = int_arg('qty', ARGV[1], 1, MAXN)
if qerr then return redis.error_reply(qerr) end
local stock, serr = read_stock(KEYS[1])
if serr then return redis.error_reply(serr) end

if stock == nil then
  return {'no_inventory'}
end
if stock < qty then
  return {'insufficient_stock', stock}
end
return {'taken', redis.call('DECRBY', KEYS[1], ARGV[1])}

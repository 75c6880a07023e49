-- lib.lua: helpers shared by every flashtop script. scripts.go loads each
-- script as `local SCRIPT = '<name>'`, then this file, then the script's own
-- file, so these are locals of every script. Nothing here touches a key
-- until a script calls it, and nothing here writes.
--
-- fail(msg)                  an error reply text, "ERR flashtop: msg"
-- int_arg(name, v, lo, hi)   v as a whole number in [lo, hi], or nil and an error text
-- is_int(v)                  whether a string is an integer Redis would accept (15 digits at most)
-- read_stock(key)            the stock (nil when absent), or nil and an error text for another
--                            type or a non-integer string
-- pos_int(v)                 v (a number or a digit string) as a positive integer, or nil
-- read_hold(key)             whether a hold exists (hash or JSON string), its quantity (nil when
--                            not a positive integer), or an error text for another type
-- check_queue(key)           an error text when the queue key is neither absent nor a sorted set
-- opt_max(v)                 a "max" argument: nil for "" (no limit), else int_arg('max', v, 0, MAXN)
-- read_totals(key, names)    the total fields names of a leak ledger (leak.lua, reclaim.lua) as
--                            numbers (nil when absent), or nil and an error text for a ledger key
--                            that is neither absent nor a hash, or a total that is not an integer

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
  return nil, fail(string.format(SCRIPT .. ': %s must be a whole number from %d to %d, got "%s"',
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

local function check_queue(key)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= 'zset' then
    return fail('queue key ' .. key .. ' holds a ' .. t .. ', not a sorted set')
  end
  return nil
end

local function opt_max(v)
  if v == '' then
    return nil
  end
  return int_arg('max', v, 0, MAXN)
end

local function read_totals(key, names)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= 'hash' then
    return nil, fail('ledger key ' .. key .. ' holds a ' .. t .. ', not a hash')
  end
  local vals = redis.call('HMGET', key, unpack(names))
  local out = {}
  for i, name in ipairs(names) do
    local v = vals[i]
    if v and not is_int(v) then
      return nil, fail('ledger key ' .. key .. ' field ' .. name .. ' is not an integer')
    end
    if v then
      out[i] = tonumber(v)
    end
  end
  return out
end

-- set.lua: set a sale's stock to n (seed or correct it).
--
-- KEYS[1]  stock key (inventory:{sale}): absent or a string (any string is overwritten)
-- ARGV[1]  n: whole number, 0 to 999999999999999
--
-- Reply (first element is the status word):
--   {"set", stock}                      SET stock n (clears any TTL, as SET does)
-- Errors (nothing written): bad argument count or value, a stock key of
-- another type than string.

local MAXN = 999999999999999

local function fail(msg)
  return 'ERR flashtop: ' .. msg
end

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('set takes 1 key (stock) and 1 argument (n)'))
end
local v = ARGV[1]
if not (#v <= 15 and (v == '0' or string.match(v, '^[1-9]%d*$'))) then
  return redis.error_reply(fail(string.format('set: n must be a whole number from 0 to %d, got "%s"',
    MAXN, string.sub(v, 1, 40))))
end
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'none' and t ~= 'string' then
  return redis.error_reply(fail('stock key ' .. KEYS[1] .. ' holds a ' .. t .. ', not an integer string'))
end
redis.call('SET', KEYS[1], v)
return {'set', tonumber(v)}

-- lagholds: writes ARGV[2] holds of the harness's lag sale in one call, as
-- the backend's Lua path writes a hold (HSET quantity/reserved_at/user_id,
-- EXPIRE ttl). The keys are built here, so this runs on a standalone server
-- only (the harness owns one).
-- KEYS: none.
-- ARGV: [1] user prefix (":"-free), [2] count n ≥ 1, [3] sale id, [4] ttl s,
--       [5] reserved_at (unix s).
-- Users are prefix .. %05d of 0 .. n-1; keys reservation:<user>:<sale>.
-- Reply: n, the number of holds written.
local prefix, n, sale = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local ttl, at = tonumber(ARGV[4]), ARGV[5]
if not n or n < 1 or not ttl or ttl < 1 then
  return redis.error_reply('lagholds: bad count or ttl')
end
for i = 0, n - 1 do
  local user = string.format('%s%05d', prefix, i)
  local key = 'reservation:' .. user .. ':' .. sale
  redis.call('HSET', key, 'quantity', 1, 'reserved_at', at, 'user_id', user)
  redis.call('EXPIRE', key, ttl)
end
return n

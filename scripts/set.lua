-- set.lua: set a sale's stock to n (seed or correct it).
--
-- KEYS[1]  stock key (inventory:{sale}): absent or a string (any string is overwritten)
-- ARGV[1]  n: whole number, 0 to 999999999999999
--
-- Reply (first element is the status word):
--   {"set", stock}                      SET stock n (clears any TTL, as SET does)
-- Errors (nothing written): bad argument count or value, a stock key of
-- another type than string.
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('set takes 1 key (stock) and 1 argument (n)'))
end
local n, nerr = int_arg('n', ARGV[1], 0, MAXN)
if nerr then return redis.error_reply(nerr) end
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'none' and t ~= 'string' then
  return redis.error_reply(fail('stock key ' .. KEYS[1] .. ' holds a ' .. t .. ', not an integer string'))
end
redis.call('SET', KEYS[1], ARGV[1])
return {'set', n}

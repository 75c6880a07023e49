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
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN, opt_max): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 2 then
  return redis.error_reply(fail('restock takes 1 key (stock) and 2 arguments (qty, max)'))
end
local qty, qerr = int_arg('qty', ARGV[1], 1, MAXN)
if qerr then return redis.error_reply(qerr) end
local max, merr = opt_max(ARGV[2])
if merr then return redis.error_reply(merr) end
local stock, serr = read_stock(KEYS[1])
if serr then return redis.error_reply(serr) end

local current = stock or 0
if max ~= nil and current + qty > max then
  return {'max_exceeded', current}
end
return {'restocked', redis.call('INCRBY', KEYS[1], ARGV[1])}

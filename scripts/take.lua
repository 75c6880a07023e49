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
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN): lib.lua.

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

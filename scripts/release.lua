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
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN, opt_max): lib.lua.

if #KEYS ~= 2 or #ARGV ~= 1 then
  return redis.error_reply(fail('release takes 2 keys (hold, stock) and 1 argument (max, "" for none)'))
end
local max, merr = opt_max(ARGV[1])
if merr then return redis.error_reply(merr) end
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

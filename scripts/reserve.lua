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
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN): lib.lua.

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

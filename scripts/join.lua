-- join.lua: put a user at the back of a sale's queue, atomically.
--
-- KEYS[1]  queue key (queue:{sale}): absent or a sorted set (member user id,
--          score join time in ms)
-- ARGV[1]  user id: non-empty
-- ARGV[2]  cap: the most members the queue may hold, whole number 1 to 999999999999999
--
-- Reply (first element is the status word):
--   {"already_queued", position}        the user is queued: ZRANK + 1 (checked before the cap)
--   {"queue_full", length}              ZCARD >= cap
--   {"joined", position}                ZADD with Redis TIME in ms; position is ZRANK + 1
-- Errors (nothing written): bad argument count or value, a queue key of
-- another type than sorted set.
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 2 then
  return redis.error_reply(fail('join takes 1 key (queue) and 2 arguments (user, cap)'))
end
local user = ARGV[1]
if user == '' then
  return redis.error_reply(fail('join: user id must not be empty'))
end
local cap, cerr = int_arg('cap', ARGV[2], 1, MAXN)
if cerr then return redis.error_reply(cerr) end
local qerr = check_queue(KEYS[1])
if qerr then return redis.error_reply(qerr) end

local rank = redis.call('ZRANK', KEYS[1], user)
if rank then
  return {'already_queued', rank + 1}
end
local length = redis.call('ZCARD', KEYS[1])
if length >= cap then
  return {'queue_full', length}
end
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[1], string.format('%d', ms), user)
return {'joined', redis.call('ZRANK', KEYS[1], user) + 1}

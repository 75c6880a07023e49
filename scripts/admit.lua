-- admit.lua: let the first n users of a sale's queue in (remove them).
--
-- KEYS[1]  queue key (queue:{sale}): absent or a sorted set
-- ARGV[1]  n: whole number, 1 to 999999999999999
--
-- Reply (first element is the status word):
--   {"admitted", user1, user2, ...}     ZPOPMIN n: the user ids in queue order
--                                       (none when the queue is empty)
-- Errors (nothing written): bad argument count or value, a queue key of
-- another type than sorted set.
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('admit takes 1 key (queue) and 1 argument (n)'))
end
local n, nerr = int_arg('n', ARGV[1], 1, MAXN)
if nerr then return redis.error_reply(nerr) end
local qerr = check_queue(KEYS[1])
if qerr then return redis.error_reply(qerr) end
local popped = redis.call('ZPOPMIN', KEYS[1], ARGV[1]) -- the string: a Lua number may print as 1e+14
local reply = {'admitted'}
for i = 1, #popped, 2 do
  reply[#reply + 1] = popped[i]
end
return reply

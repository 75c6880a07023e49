-- leave.lua: take a user out of a sale's queue.
--
-- KEYS[1]  queue key (queue:{sale}): absent or a sorted set
-- ARGV[1]  user id: non-empty
--
-- Reply (first element is the status word):
--   {"left"}                            ZREM removed the user
--   {"not_queued"}                      the user was not queued
-- Errors (nothing written): bad argument count or value, a queue key of
-- another type than sorted set.
-- Helpers (fail, int_arg, read_stock, read_hold, check_queue, MAXN): lib.lua.

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('leave takes 1 key (queue) and 1 argument (user)'))
end
if ARGV[1] == '' then
  return redis.error_reply(fail('leave: user id must not be empty'))
end
local qerr = check_queue(KEYS[1])
if qerr then return redis.error_reply(qerr) end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  return {'left'}
end
return {'not_queued'}

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

local function fail(msg)
  return 'ERR flashtop: ' .. msg
end

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('leave takes 1 key (queue) and 1 argument (user)'))
end
if ARGV[1] == '' then
  return redis.error_reply(fail('leave: user id must not be empty'))
end
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'none' and t ~= 'zset' then
  return redis.error_reply(fail('queue key ' .. KEYS[1] .. ' holds a ' .. t .. ', not a sorted set'))
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  return {'left'}
end
return {'not_queued'}

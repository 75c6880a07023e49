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

local MAXN = 999999999999999

local function fail(msg)
  return 'ERR flashtop: ' .. msg
end

if #KEYS ~= 1 or #ARGV ~= 1 then
  return redis.error_reply(fail('admit takes 1 key (queue) and 1 argument (n)'))
end
local v = ARGV[1]
if not (#v <= 15 and string.match(v, '^[1-9]%d*$')) then
  return redis.error_reply(fail(string.format('admit: n must be a whole number from 1 to %d, got "%s"',
    MAXN, string.sub(v, 1, 40))))
end
local t = redis.call('TYPE', KEYS[1])['ok']
if t ~= 'none' and t ~= 'zset' then
  return redis.error_reply(fail('queue key ' .. KEYS[1] .. ' holds a ' .. t .. ', not a sorted set'))
end
local popped = redis.call('ZPOPMIN', KEYS[1], v)
local reply = {'admitted'}
for i = 1, #popped, 2 do
  reply[#reply + 1] = popped[i]
end
return reply

-- Needs lib/final.lua and lib/fair.lua before it (Scripts loads them in that order).
-- Ends a job unless it has ended; its keys (and its Idempotency-Key's) then expire after the
-- retention, and every replica hears of it on the ends channel (waiters wake). The sum and bitmap
-- keys are the job key + ':sum' and ':merged' (RedisKeys). → the job's fields if ended here, else
-- {}.
local function finish(job, unfinished, feed, deadlines, id, status, err, at, ttl, result, channel)
  local s = redis.call('HGET', job, 'status')
  if (not s) or final(s) then return {} end
  redis.call('HSET', job, 'status', status, 'finishedAt', at)
  if err ~= '' then redis.call('HSET', job, 'error', err) end
  if result ~= '' then redis.call('HSET', job, 'merged', result) end
  redis.call('SREM', unfinished, id)
  local t = redis.call('HMGET', job, 'tenant', 'priority', 'units')
  redis.call('LREM', lane(feed, t[1] or 'default', t[2] or '1'), 0, id)
  if t[3] then -- counted against its tenant's quotas when admitted: give the room back
    redis.call('HINCRBY', feed .. ':load', t[1] .. ':jobs', -1)
    redis.call('HINCRBY', feed .. ':load', t[1] .. ':units', -tonumber(t[3]))
  end
  redis.call('ZREM', deadlines, id)
  redis.call('EXPIRE', job, ttl)
  local key = redis.call('HGET', job, 'key')
  if key then redis.call('EXPIRE', key, ttl) end
  redis.call('DEL', job .. ':sum', job .. ':merged')
  redis.call('PUBLISH', channel, id)
  return redis.call('HGETALL', job)
end

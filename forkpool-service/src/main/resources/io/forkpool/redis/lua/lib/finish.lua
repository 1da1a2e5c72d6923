-- Needs lib/final.lua before it (Scripts loads them in that order).
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
  redis.call('LREM', feed, 0, id)
  redis.call('ZREM', deadlines, id)
  redis.call('EXPIRE', job, ttl)
  local key = redis.call('HGET', job, 'key')
  if key then redis.call('EXPIRE', key, ttl) end
  redis.call('DEL', job .. ':sum', job .. ':merged')
  redis.call('PUBLISH', channel, id)
  return redis.call('HGETALL', job)
end

-- Fails the jobs whose deadline has passed, each once (the ZREM and the end are one atomic step, so
-- two replicas never both end one). KEYS: deadlines, unfinished, feed. ARGV: now (epoch ms), job
-- key prefix, finishedAt, ttl seconds, ends channel, at most how many → the ids ended.
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[6]))) do
  redis.call('ZREM', KEYS[1], id)
  local job = ARGV[2] .. id
  local t = redis.call('HGET', job, 'timeoutSeconds')
  if t and #finish(job, KEYS[2], KEYS[3], KEYS[1], id, 'FAILED', 'timed out after ' .. t .. ' s',
      ARGV[3], ARGV[4], '', ARGV[5]) > 0 then
    table.insert(out, id)
  end
end
return out

-- Drops from the index the jobs whose record has expired. Only those submitted before the cutoff
-- (now − retention) can have: a job's record expires a retention after its end. So a sweep reads
-- the jobs of one sweep interval, not every job kept. KEYS: jobs. ARGV: job key prefix, cutoff
-- (epoch ms) → dropped.
local dropped = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])) do
  if redis.call('EXISTS', ARGV[1] .. id) == 0 then
    redis.call('ZREM', KEYS[1], id)
    dropped = dropped + 1
  end
end
return dropped

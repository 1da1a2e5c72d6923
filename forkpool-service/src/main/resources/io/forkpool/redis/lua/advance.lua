-- The prefix rule of a job with a target (docs/kinds.md): moves the job's in-order prefix from
-- shard ARGV[2] to ARGV[3] with its merge ARGV[4] (base64), which a replica made in Java from the
-- partials in the sum hash, unless another replica moved it first (then {0}: read it again). With
-- ARGV[5] '1' the new prefix met the target (or is every shard): the job ends SUCCEEDED with it as
-- its result and ARGV[3] as its shards done. KEYS: job, unfinished, feed, deadlines, sum. ARGV: id,
-- expected prefix, new prefix, its merge, end, finishedAt, ttl seconds, ends channel →
-- {-1} ended or gone, {0} moved by another, {1} moved and the next shard is in (advance again),
-- {2, the job's fields...} ended here, {3} moved.
local f = redis.call('HMGET', KEYS[1], 'status', 'prefix')
if (not f[1]) or final(f[1]) then return {-1} end
if tonumber(f[2] or '0') ~= tonumber(ARGV[2]) then return {0} end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'done', ARGV[3], 'prefix', ARGV[3])
  local out = finish(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], 'SUCCEEDED', '', ARGV[6], ARGV[7], ARGV[4],
      ARGV[8])
  table.insert(out, 1, 2)
  return out
end
redis.call('HSET', KEYS[1], 'prefix', ARGV[3], 'prefixSum', ARGV[4])
if redis.call('HEXISTS', KEYS[5], ARGV[3]) == 1 then return {1} end
return {3}

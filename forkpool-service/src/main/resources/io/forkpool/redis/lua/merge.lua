-- Acknowledges and deletes the stream entry, then merges the shard once: the bitmap of merged
-- shards makes a second delivery of the same shard a no-op, and the shard's partial (the kind's
-- codec, base64) is kept once in the job's sum hash under its index; Java merges them when the last
-- one is in, so no kind needs a script of its own. A job of one shard ends here at once (its
-- partial is its result, checked in Java before). KEYS: job, merged bitmap, sum, stream,
-- unfinished, feed, deadlines, tries. ARGV: group, entry id, shard, compute nanos, partial, job id,
-- the job's merged partial if this shard is all of it (else ''), finishedAt, ttl seconds, ends
-- channel, the successful try for the job's timeline (ShardTries; '' for none), its cap, its ttl →
-- {-1} job ended or gone, {-2} shard already merged (both counted in the job's late field while it
-- is retained: a reclaimed shard's first owner answering after all, say once its partition heals),
-- {0} merged, {1, every partial...} merged and the job is complete, {2, the job's fields...} merged
-- and the job ended here, {3} merged and it is the next shard of the in-order prefix of a job with
-- a target (ARGV[14] '1'): the caller advances the prefix (advance.lua).
redis.call('XACK', KEYS[4], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[4], ARGV[2])
if ARGV[11] ~= '' then
  if redis.call('LLEN', KEYS[8]) < tonumber(ARGV[12]) then redis.call('RPUSH', KEYS[8], ARGV[11]) end
  redis.call('EXPIRE', KEYS[8], ARGV[13])
end
local f = redis.call('HMGET', KEYS[1], 'status', 'total')
if not f[1] then return {-1} end
if final(f[1]) then redis.call('HINCRBY', KEYS[1], 'late', 1) return {-1} end
if redis.call('SETBIT', KEYS[2], tonumber(ARGV[3]), 1) == 1 then
  redis.call('HINCRBY', KEYS[1], 'late', 1)
  return {-2}
end
redis.call('HINCRBY', KEYS[1], 'computeNanos', ARGV[4])
local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
if ARGV[7] ~= '' and done == 1 and tonumber(f[2]) == 1 then
  local out = finish(KEYS[1], KEYS[5], KEYS[6], KEYS[7], ARGV[6], 'SUCCEEDED', '', ARGV[8], ARGV[9],
      ARGV[7], ARGV[10])
  table.insert(out, 1, 2)
  return out
end
redis.call('HSETNX', KEYS[3], ARGV[3], ARGV[5])
if done < tonumber(f[2]) then
  if ARGV[14] == '1' and tonumber(redis.call('HGET', KEYS[1], 'prefix') or '0') == tonumber(ARGV[3]) then
    return {3}
  end
  return {0}
end
local out = redis.call('HVALS', KEYS[3])
table.insert(out, 1, 1)
return out

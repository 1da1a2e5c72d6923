-- Records a job unless the service is full, or its Idempotency-Key already made a job that is still
-- kept. Puts the job's first shards on the stream at once (blocked readers wake), and the job on
-- the feed list only if it has more. KEYS: job, jobs, unfinished, feed, stream, deadlines, key
-- (ignored without a key). ARGV: id, maxActive, now (epoch ms), first feed, the key's body digest
-- or '', deadline (epoch ms) or '', field, value, ... → {1} recorded, {0} full, {2, id} the key's
-- job (same body), {3} the key came with another body.
if ARGV[5] ~= '' then
  local held = redis.call('HMGET', KEYS[7], 'job', 'body')
  local prefix = KEYS[1]:sub(1, #KEYS[1] - #ARGV[1]) -- the job key is the prefix and the id
  if held[1] and redis.call('EXISTS', prefix .. held[1]) == 1 then
    if held[2] == ARGV[5] then return {2, held[1]} end
    return {3}
  end
end
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[2]) then return {0} end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('DEL', KEYS[7])
  redis.call('HSET', KEYS[7], 'job', ARGV[1], 'body', ARGV[5])
  redis.call('HSET', KEYS[1], 'key', KEYS[7])
end
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[1]) end
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
local first = math.min(total, tonumber(ARGV[4]))
for i = 0, first - 1 do
  redis.call('XADD', KEYS[5], '*', 'job', ARGV[1], 'shard', i)
end
redis.call('HSET', KEYS[1], 'next', first)
if first < total then redis.call('RPUSH', KEYS[4], ARGV[1]) end
return {1}

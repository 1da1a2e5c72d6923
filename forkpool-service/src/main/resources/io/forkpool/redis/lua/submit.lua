-- Records a job unless the service is full, its tenant is past a quota, or its Idempotency-Key
-- already made a job that is still kept. Puts the job in its tenant's list of its priority (see
-- lib/fair.lua), then feeds the stream fairly up to "first feed" entries waiting there (so blocked
-- readers wake at once, and a flood of one tenant's jobs never queues ahead of another's on the
-- stream). KEYS: job, jobs, unfinished, feed, stream, deadlines, key (ignored without a key).
-- ARGV: id, maxActive, now (epoch ms), first feed, the key's body digest or '', deadline (epoch ms)
-- or '', tenant, priority (0 high, 1 normal, 2 low), the tenant's weight, the job's work units, the
-- tenant's max jobs (0: none), its max units (0: none), field, value, ... → {1} recorded, {0} full,
-- {2, id} the key's job (same body), {3} the key came with another body, {4, quota, jobs, units}
-- the tenant is past that quota (with what it holds).
if ARGV[5] ~= '' then
  local held = redis.call('HMGET', KEYS[7], 'job', 'body')
  local prefix = KEYS[1]:sub(1, #KEYS[1] - #ARGV[1]) -- the job key is the prefix and the id
  if held[1] and redis.call('EXISTS', prefix .. held[1]) == 1 then
    if held[2] == ARGV[5] then return {2, held[1]} end
    return {3}
  end
end
local tenant, priority, units = ARGV[7], ARGV[8], tonumber(ARGV[10])
local load = KEYS[4] .. ':load'
local jobs = tonumber(redis.call('HGET', load, tenant .. ':jobs') or '0')
local inFlight = tonumber(redis.call('HGET', load, tenant .. ':units') or '0')
if tonumber(ARGV[11]) > 0 and jobs + 1 > tonumber(ARGV[11]) then
  return {4, 'max-jobs', tostring(jobs), tostring(inFlight)}
end
if tonumber(ARGV[12]) > 0 and inFlight + units > tonumber(ARGV[12]) then
  return {4, 'max-running-samples', tostring(jobs), tostring(inFlight)}
end
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[2]) then return {0} end
redis.call('HSET', KEYS[1], unpack(ARGV, 13))
redis.call('HSET', KEYS[1], 'tenant', tenant, 'priority', priority, 'units', ARGV[10])
redis.call('HINCRBY', load, tenant .. ':jobs', 1)
redis.call('HINCRBY', load, tenant .. ':units', ARGV[10])
redis.call('ZADD', KEYS[4] .. ':weights', ARGV[9], tenant)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('DEL', KEYS[7])
  redis.call('HSET', KEYS[7], 'job', ARGV[1], 'body', ARGV[5])
  redis.call('HSET', KEYS[1], 'key', KEYS[7])
end
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[1]) end
redis.call('HSET', KEYS[1], 'next', 0)
redis.call('RPUSH', lane(KEYS[4], tenant, priority), ARGV[1])
join(KEYS[4], tenant)
local room = tonumber(ARGV[4]) - redis.call('XLEN', KEYS[5])
if room > 0 then feed(KEYS[4], KEYS[5], KEYS[1]:sub(1, #KEYS[1] - #ARGV[1]), room) end
return {1}

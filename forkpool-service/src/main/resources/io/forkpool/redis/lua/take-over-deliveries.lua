-- Takes over up to n pending deliveries whose lease ran out: each lease is set with NX, so two
-- replicas never take the same one. KEYS: pending deliveries. ARGV: holder, lease ms, n, lease key
-- prefix → the job ids taken.
local t = now()
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', t, 'LIMIT', 0, tonumber(ARGV[3]))) do
  if redis.call('SET', ARGV[4] .. id, ARGV[1], 'NX', 'PX', ARGV[2]) then
    redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), id)
    table.insert(out, id)
  end
end
return out

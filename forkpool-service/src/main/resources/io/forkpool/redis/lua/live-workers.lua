-- KEYS: the set. ARGV: key prefix → replica, workers JSON, replica, workers JSON, ... (live ones).
local out = {}
for _, replica in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local workers = redis.call('GET', ARGV[1] .. replica)
  if workers then
    table.insert(out, replica)
    table.insert(out, workers)
  else
    redis.call('SREM', KEYS[1], replica)
  end
end
return out

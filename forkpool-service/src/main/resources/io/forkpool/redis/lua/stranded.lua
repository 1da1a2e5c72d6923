-- The unfinished jobs whose every shard is merged: the replica that merged the last one lost Redis
-- before its END (a crash or a partition between the two). KEYS: unfinished. ARGV: job key prefix →
-- their ids.
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local f = redis.call('HMGET', ARGV[1] .. id, 'status', 'done', 'total')
  if f[1] and not final(f[1]) and tonumber(f[2]) >= tonumber(f[3]) then table.insert(out, id) end
end
return out

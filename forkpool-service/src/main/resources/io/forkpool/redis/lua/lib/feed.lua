-- Needs lib/final.lua and lib/fair.lua before it (Scripts loads them in that order).
-- Moves up to n shards of the waiting jobs onto the stream, shard by shard: to the tenant with the
-- smallest pass (fair share by weight), its highest priority with a job waiting, that job's next
-- shard, and the job to the back of its list (fair across jobs). A million-shard job costs one list
-- entry and a cursor, never a million stream entries.
local function feed(root, stream, prefix, n)
  local added = 0
  if redis.call('LLEN', root) > 0 then join(root, 'default') end -- jobs queued before tenants
  while added < n do
    local tenant, pass = pick(root)
    if not tenant then break end
    local fed = false
    for priority = 0, 2 do
      local list = lane(root, tenant, tostring(priority))
      while true do
        local id = redis.call('LINDEX', list, 0)
        if not id then break end
        local key = prefix .. id
        local f = redis.call('HMGET', key, 'status', 'next', 'total')
        if (not f[1]) or final(f[1]) or tonumber(f[2]) >= tonumber(f[3]) then
          redis.call('LPOP', list)
        else
          redis.call('XADD', stream, '*', 'job', id, 'shard', f[2])
          redis.call('HSET', key, 'next', tonumber(f[2]) + 1)
          redis.call('LMOVE', list, list, 'LEFT', 'RIGHT')
          fed = true
          break
        end
      end
      if fed then break end
    end
    if fed then
      charge(root, tenant, pass)
      added = added + 1
    else
      leave(root, tenant)
    end
  end
  return added
end

-- Needs lib/final.lua before it (Scripts loads them in that order).
-- Moves up to n shards of the jobs in the feed list onto the stream, one shard per job in turn
-- (fair across jobs), advancing each job's cursor. A million-shard job costs one list entry and a
-- cursor, never a million stream entries.
local function feed(feedKey, stream, prefix, n)
  local added = 0
  while added < n do
    local id = redis.call('LINDEX', feedKey, 0)
    if not id then break end
    local key = prefix .. id
    local f = redis.call('HMGET', key, 'status', 'next', 'total')
    if (not f[1]) or final(f[1]) or tonumber(f[2]) >= tonumber(f[3]) then
      redis.call('LPOP', feedKey)
    else
      redis.call('XADD', stream, '*', 'job', id, 'shard', f[2])
      redis.call('HSET', key, 'next', tonumber(f[2]) + 1)
      redis.call('LMOVE', feedKey, feedKey, 'LEFT', 'RIGHT')
      added = added + 1
    end
  end
  return added
end

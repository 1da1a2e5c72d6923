-- Needs lib/final.lua before it (Scripts loads them in that order).
-- What a replica does with the stream entries it just read: drops (acknowledges and deletes) those
-- of jobs that ended or expired, moves QUEUED jobs to RUNNING, and answers {started count, (id,
-- submittedAt) per started job..., (entry, job, shard) per live entry...}.
local function accept(stream, group, prefix, now, entries)
  local started, live = {}, {}
  for _, e in ipairs(entries) do
    local f = e[2]
    local job, shard
    for i = 1, #f, 2 do
      if f[i] == 'job' then job = f[i + 1] elseif f[i] == 'shard' then shard = f[i + 1] end
    end
    local s = job and redis.call('HMGET', prefix .. job, 'status', 'submittedAt')
    if (not s) or (not s[1]) or final(s[1]) then
      redis.call('XACK', stream, group, e[1])
      redis.call('XDEL', stream, e[1])
    else
      if s[1] == 'QUEUED' then
        redis.call('HSET', prefix .. job, 'status', 'RUNNING', 'startedAt', now)
        table.insert(started, job)
        table.insert(started, s[2])
      end
      table.insert(live, e[1])
      table.insert(live, job)
      table.insert(live, shard)
    end
  end
  local out = {#started / 2}
  for _, v in ipairs(started) do table.insert(out, v) end
  for _, v in ipairs(live) do table.insert(out, v) end
  return out
end
local function read(stream, group, consumer, n)
  if n < 1 then return {} end
  local r = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', n, 'STREAMS', stream, '>')
  if not r then return {} end
  return r[1][2]
end

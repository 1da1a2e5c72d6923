-- The ids of one page of jobs, newest first, after the total that match. KEYS: jobs. ARGV: job key
-- prefix, status or '', type or '', first index, size, tenant or '' (a job without one is the
-- default tenant's).
local ids = redis.call('ZREVRANGE', KEYS[1], 0, -1)
local from, size = tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {'0'}
local n = 0
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', ARGV[1] .. id, 'status', 'type', 'tenant')
  if f[1] and (ARGV[2] == '' or f[1] == ARGV[2]) and (ARGV[3] == '' or f[2] == ARGV[3])
      and (ARGV[6] == '' or (f[3] or 'default') == ARGV[6]) then
    if n >= from and n < from + size then table.insert(out, id) end
    n = n + 1
  end
end
out[1] = tostring(n)
return out

-- Adds one replica's sums. KEYS: summary. ARGV: bucket width of the sums (µs), ttl s, lanes n, then
-- per lane: lane, tries, failed, busy µs, first start µs, last end µs; then per bucket: lane number
-- (1..n), bucket, busy µs → the hash's bucket width after (never less than the sums').
local BUCKETS = 120 -- TrySummaries.BUCKETS (LuaScriptsTest checks they agree)
local h = KEYS[1]
local w = tonumber(ARGV[1])
local W = tonumber(redis.call('HMGET', h, 'width')[1] or ARGV[1])
if W < w then
  local lanes = {}
  for _, f in ipairs(redis.call('HKEYS', h)) do
    if string.sub(f, 1, 2) == 'n|' then table.insert(lanes, string.sub(f, 3)) end
  end
  while W < w do
    for _, lane in ipairs(lanes) do
      for i = 0, BUCKETS / 2 - 1 do
        local pair = redis.call('HMGET', h, 'b' .. (2 * i) .. '|' .. lane, 'b' .. (2 * i + 1) .. '|' .. lane)
        local s = tonumber(pair[1] or '0') + tonumber(pair[2] or '0')
        if s > 0 then redis.call('HSET', h, 'b' .. i .. '|' .. lane, string.format('%d', s))
        else redis.call('HDEL', h, 'b' .. i .. '|' .. lane) end
      end
      for i = BUCKETS / 2, BUCKETS - 1 do redis.call('HDEL', h, 'b' .. i .. '|' .. lane) end
    end
    W = W * 2
  end
  redis.call('HSET', h, 'width', string.format('%d', W))
end
local ratio = W / w
local names = {}
local at = 4
for k = 1, tonumber(ARGV[3]) do
  local lane = ARGV[at]
  names[k] = lane
  redis.call('HINCRBY', h, 'n|' .. lane, ARGV[at + 1])
  redis.call('HINCRBY', h, 'f|' .. lane, ARGV[at + 2])
  redis.call('HINCRBY', h, 't|' .. lane, ARGV[at + 3])
  local span = redis.call('HMGET', h, 'a|' .. lane, 'z|' .. lane)
  local first, last = span[1], span[2]
  if (not first) or tonumber(ARGV[at + 4]) < tonumber(first) then redis.call('HSET', h, 'a|' .. lane, ARGV[at + 4]) end
  if (not last) or tonumber(ARGV[at + 5]) > tonumber(last) then redis.call('HSET', h, 'z|' .. lane, ARGV[at + 5]) end
  at = at + 6
end
while at + 2 <= #ARGV do
  local b = math.floor(tonumber(ARGV[at + 1]) / ratio)
  redis.call('HINCRBY', h, 'b' .. b .. '|' .. names[tonumber(ARGV[at])], ARGV[at + 2])
  at = at + 3
end
redis.call('EXPIRE', h, ARGV[2])
return W

-- Up to n shards for this consumer in one round trip: the entries nobody has read, and if there are
-- fewer than n, the next shards of the waiting jobs fed onto the stream and read at once; then up
-- to ahead more, only of entries already waiting unread (a backlog means no replica is idle: a
-- blocked reader would have been handed them). KEYS: stream, feed. ARGV: group, consumer, n, job
-- key prefix, now, ahead → as accept.
local n, ahead = tonumber(ARGV[3]), tonumber(ARGV[6])
local entries = read(KEYS[1], ARGV[1], ARGV[2], n)
if #entries < n then
  if feed(KEYS[2], KEYS[1], ARGV[4], n - #entries) > 0 then
    for _, e in ipairs(read(KEYS[1], ARGV[1], ARGV[2], n - #entries)) do table.insert(entries, e) end
  end
elseif ahead > 0 then
  for _, e in ipairs(read(KEYS[1], ARGV[1], ARGV[2], ahead)) do table.insert(entries, e) end
end
return accept(KEYS[1], ARGV[1], ARGV[4], ARGV[5], entries)

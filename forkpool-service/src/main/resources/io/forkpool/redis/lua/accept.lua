-- The entries a blocking read just delivered, through accept. KEYS: stream. ARGV: group, job key
-- prefix, now, then entry, job, shard per entry.
local entries = {}
for i = 4, #ARGV, 3 do
  table.insert(entries, {ARGV[i], {'job', ARGV[i + 1], 'shard', ARGV[i + 2]}})
end
return accept(KEYS[1], ARGV[1], ARGV[2], ARGV[3], entries)

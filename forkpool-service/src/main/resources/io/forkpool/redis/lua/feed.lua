-- KEYS: feed (the root of the fair-share keys, lib/fair.lua), stream. ARGV: n, job key prefix → shards added.
return feed(KEYS[1], KEYS[2], ARGV[2], tonumber(ARGV[1]))

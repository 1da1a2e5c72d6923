-- Drops a stream entry unrun (its job ended). KEYS: stream. ARGV: group, entry.
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])

-- KEYS: summary. ARGV: proposed origin (µs), first width (µs), ttl s → {origin, width}.
redis.call('HSETNX', KEYS[1], 'origin', ARGV[1])
redis.call('HSETNX', KEYS[1], 'width', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('HMGET', KEYS[1], 'origin', 'width')

-- KEYS: the replica's key, the set. ARGV: workers JSON, ttl ms, replica.
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1

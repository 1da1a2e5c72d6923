-- Holds a job's pending webhook delivery: unless another holder's lease is live, and (unless
-- ARGV[4] is 'new') only while it is still pending, the lease becomes ARGV[1]'s for ARGV[3] ms and
-- the job's score the time it runs out. KEYS: pending deliveries, the job's lease. ARGV: holder,
-- job id, lease ms, 'new' or '' → 1 held, 0 not.
local held = redis.call('GET', KEYS[2])
if held and held ~= ARGV[1] then return 0 end
if ARGV[4] ~= 'new' and not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now() + tonumber(ARGV[3]), ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return 1

-- A delivery done (delivered or given up): no longer pending, unless another holder has it. KEYS:
-- pending deliveries, the job's lease. ARGV: holder, job id → 1 settled, 0 not.
local held = redis.call('GET', KEYS[2])
if held and held ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1

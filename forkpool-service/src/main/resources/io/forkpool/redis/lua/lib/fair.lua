-- Fair share across tenants, kept in Redis beside the feed list (its key is the root of these):
-- per tenant and priority a list of its jobs with shards not yet on the stream (root:<tenant>:<0|1|2>,
-- high, normal, low; the default tenant's normal jobs stay in the root list itself, as before
-- tenants), the tenants with such jobs by pass in virtual time (sorted set root:waiting), the pass
-- kept by a tenant that left ahead of virtual time (root:pass), the pass of the last tenant fed
-- (root:now), each tenant's weight (sorted set root:weights, set by the replica that admits its
-- jobs), and each tenant's jobs and work units in flight for its quotas (hash root:load, fields
-- <tenant>:jobs and <tenant>:units). See docs/design.md, "Fair share".
local STRIDE = 720720 -- virtual time of one shard at weight 1; divisible by every weight up to 16

local function lane(root, tenant, priority)
  if tenant == 'default' and priority == '1' then return root end
  return root .. ':' .. tenant .. ':' .. priority
end

-- The tenant has jobs waiting (again): it joins at the current virtual time, with no credit saved.
local function join(root, tenant)
  if redis.call('ZSCORE', root .. ':waiting', tenant) then return end
  local now = tonumber(redis.call('GET', root .. ':now') or '0')
  local kept = tonumber(redis.call('ZSCORE', root .. ':pass', tenant) or '0')
  redis.call('ZADD', root .. ':waiting', math.max(now, kept), tenant)
  redis.call('ZREM', root .. ':pass', tenant)
end

-- The waiting tenant with the smallest pass (ties: the smaller name), and that pass; nil if none.
local function pick(root)
  local first = redis.call('ZRANGE', root .. ':waiting', 0, 0, 'WITHSCORES')
  if #first == 0 then return nil, nil end
  return first[1], tonumber(first[2])
end

-- The tenant picked at pass was fed one shard: its pass moves on by its stride. Virtual time is
-- moved back to 0 now and then, so passes stay exact integers in Lua's doubles.
local function charge(root, tenant, pass)
  local w = math.max(1, tonumber(redis.call('ZSCORE', root .. ':weights', tenant) or '1'))
  redis.call('SET', root .. ':now', pass)
  redis.call('ZADD', root .. ':waiting', pass + math.floor(STRIDE / w), tenant)
  if pass > 1e12 then
    for _, key in ipairs({root .. ':waiting', root .. ':pass'}) do
      local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
      for i = 1, #all, 2 do redis.call('ZADD', key, math.max(0, tonumber(all[i + 1]) - pass), all[i]) end
    end
    redis.call('SET', root .. ':now', 0)
  end
end

-- The tenant has nothing waiting: it leaves, keeping its pass only if it is ahead of virtual time.
local function leave(root, tenant)
  local pass = tonumber(redis.call('ZSCORE', root .. ':waiting', tenant) or '0')
  redis.call('ZREM', root .. ':waiting', tenant)
  if pass > tonumber(redis.call('GET', root .. ':now') or '0') then
    redis.call('ZADD', root .. ':pass', pass, tenant)
  end
end

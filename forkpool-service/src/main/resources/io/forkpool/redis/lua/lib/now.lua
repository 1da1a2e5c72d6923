-- Redis' clock in epoch ms (TIME): the same for every replica, whatever their clocks say.
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Whether a job's status is one it never leaves.
local function final(s)
  return s == 'SUCCEEDED' or s == 'FAILED' or s == 'CANCELLED'
end

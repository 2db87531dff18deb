/**
 * The sliding window of sliding-window.ts as one atomic Valkey script over one hash per identity
 * (field: slice number, value: units spent in it), so it works unchanged in cluster mode. Time is
 * the server's (TIME), so instances with skewed clocks still share one window.
 *
 * KEYS[1]: the identity's hash. ARGV: sliceMs, slices, limit, cost.
 * Returns { allowed (1/0), used after this attempt, retryAfterMs, resetMs }.
 */
export const SLIDING_WINDOW_SCRIPT = `
local key = KEYS[1]
local sliceMs = tonumber(ARGV[1])
local slices = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = math.floor(now / sliceMs)
local oldest = current - slices
local function leavesAt(slice) return (slice + slices + 1) * sliceMs end

local raw = redis.call('HGETALL', key)
local counted = {}
local stale = {}
local used = 0
for i = 1, #raw, 2 do
  local slice = tonumber(raw[i])
  if slice < oldest then
    stale[#stale + 1] = raw[i]
  else
    local units = tonumber(raw[i + 1])
    counted[#counted + 1] = { slice, units }
    used = used + units
  end
end
if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end

if used + cost <= limit then
  redis.call('HINCRBY', key, string.format('%.0f', current), cost)
  -- The hash outlives nothing it counts: it expires when the slice just spent in leaves the window.
  redis.call('PEXPIRE', key, leavesAt(current) - now)
  return { 1, used + cost, 0, leavesAt(current) - now }
end

table.sort(counted, function(a, b) return a[1] < b[1] end)
local needed = used + cost - limit
local freed = 0
local retryAfter = 0
for _, entry in ipairs(counted) do
  freed = freed + entry[2]
  if freed >= needed then
    retryAfter = leavesAt(entry[1]) - now
    break
  end
end
local reset = 0
if #counted > 0 then reset = leavesAt(counted[#counted][1]) - now end
return { 0, used, retryAfter, reset }
`;

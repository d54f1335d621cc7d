import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for EVALSHA with EVAL as the fallback. */
export interface LuaScript {
  source: string;
  sha: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Shared by both scripts: the clock, and reading a rate window stored as "<scaled level>:<updated at ms>".
// Numbers are Lua doubles; every value stays an integer below 2^53 (see core's gcra-window.ts), so the
// arithmetic is exact and identical to InMemoryRateLimitStore's. '%.0f' writes integers without the
// 14-digit rounding of tostring().
const prelude = `
local now
if ARGV[1] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
  now = tonumber(ARGV[1])
end

local function read_rate(key, limit)
  local stored = redis.call('GET', key)
  if not stored then return 0, now end
  local separator = string.find(stored, ':', 1, true)
  local level = tonumber(string.sub(stored, 1, separator - 1))
  local updated_at = tonumber(string.sub(stored, separator + 1))
  level = level - math.max(0, now - updated_at) * limit
  if level < 0 then level = 0 end
  return level, math.max(now, updated_at)
end

local function write_rate(key, level, updated_at, limit)
  if level <= 0 then
    redis.call('DEL', key)
  else
    -- The key lives until its level has drained (plus a second), after which "missing" means "empty".
    redis.call('SET', key, string.format('%.0f:%.0f', level, updated_at), 'PX', math.ceil(level / limit) + 1000)
  end
end
-- Settlements, each once: give back units to its rate windows and free its concurrency slots. Read from
-- KEYS[key_at..] and ARGV[arg_at..]: ARGV count; per settlement: reservation id, window count m, then 4 per
-- window (type, limit, period ms, units to give back, negative to charge); KEYS: its settle-once marker, then
-- its m window keys. Returns the next KEYS and ARGV positions.
local function apply_settlements(key_at, arg_at)
  local count = tonumber(ARGV[arg_at])
  arg_at = arg_at + 1
  for _ = 1, count do
    local reservation, windows = ARGV[arg_at], tonumber(ARGV[arg_at + 1])
    arg_at = arg_at + 2
    local marker = redis.call('GETDEL', KEYS[key_at])
    local is_first = marker and tonumber(marker) > now
    for i = 1, windows do
      local key = KEYS[key_at + i]
      local kind, limit, period, units = ARGV[arg_at], tonumber(ARGV[arg_at + 1]), tonumber(ARGV[arg_at + 2]), tonumber(ARGV[arg_at + 3])
      arg_at = arg_at + 4
      if kind == 'c' then
        redis.call('ZREM', key, reservation)
      elseif is_first and units ~= 0 then
        local level, updated_at = read_rate(key, limit)
        level = level - units * period
        if level < 0 then level = 0 end
        write_rate(key, level, updated_at, limit)
      end
    end
    key_at = key_at + 1 + windows
  end
  return key_at, arg_at
end
`;

/**
 * Apply queued settlements (see `apply_settlements`), then admit a request through every window, or through none.
 * ARGV[1]: caller clock (ms) or '' for Redis's clock; ARGV[2..]: the settlements; then the reservation id, the
 * lease ms, and 4 per window: type ('r' GCRA rate window, 'c' concurrency), limit, period ms, cost.
 * KEYS: the settlements' keys, then the reservation's settle-once marker and one key per window, in order.
 * Reply: { admitted 0|1, now, refused window index (0-based, -1 when admitted), retry-after ms (-1: none),
 *          then remaining and reset-after ms per window }.
 */
export const reserveScript = luaScript(`${prelude}
local marker_at, arg_at = apply_settlements(1, 2)
local reservation = ARGV[arg_at]
local lease = tonumber(ARGV[arg_at + 1])
local first_window_arg = arg_at + 2
local count = #KEYS - marker_at
local levels, updated = {}, {}
local refused, refused_rank, retry = -1, -1, -1

for i = 1, count do
  local key = KEYS[marker_at + i]
  local base = first_window_arg + (i - 1) * 4
  local kind, limit, period, cost = ARGV[base], tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  if kind == 'r' then
    levels[i], updated[i] = read_rate(key, limit)
    if cost > limit then
      -- Can never fit: outranks every wait.
      if refused_rank < math.huge then refused, refused_rank, retry = i - 1, math.huge, -1 end
    else
      local excess = levels[i] + cost * period - limit * period
      if excess > 0 then
        local wait = math.ceil(excess / limit)
        if wait > refused_rank then refused, refused_rank, retry = i - 1, wait, wait end
      end
    end
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    levels[i] = redis.call('ZCARD', key)
    if levels[i] + cost > limit and refused_rank < 0 then refused, refused_rank, retry = i - 1, 0, -1 end
  end
end

local admitted = refused < 0
local reply = { admitted and 1 or 0, now, refused, retry }
for i = 1, count do
  local key = KEYS[marker_at + i]
  local base = first_window_arg + (i - 1) * 4
  local kind, limit, period, cost = ARGV[base], tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local level = levels[i]
  if kind == 'r' then
    if admitted then
      level = level + cost * period
      write_rate(key, level, updated[i], limit)
    end
    reply[#reply + 1] = math.max(0, math.floor((limit * period - level) / period))
    reply[#reply + 1] = math.ceil(level / limit)
  else
    if admitted then
      redis.call('ZADD', key, now + lease, reservation)
      -- The newest lease expires last, so the set lives exactly as long as it can hold a live lease.
      redis.call('PEXPIRE', key, lease + 1000)
      level = level + cost
    end
    reply[#reply + 1] = math.max(0, limit - level)
    reply[#reply + 1] = 0
  end
end
-- The marker holds its own expiry on the deciding clock (the PX only cleans up), so "lease over" means the
-- same thing here as in the lease sets, whichever clock is in use.
if admitted then redis.call('SET', KEYS[marker_at], string.format('%.0f', now + lease), 'PX', lease + 1000) end
return reply
`);

/**
 * Settle reservations, each once (a reservation settled before, or whose lease ended, changes nothing).
 * ARGV[1]: caller clock or ''; ARGV[2..] and KEYS: the settlements (see `apply_settlements`). Reply: 1.
 */
export const settleScript = luaScript(`${prelude}
apply_settlements(1, 2)
return 1
`);

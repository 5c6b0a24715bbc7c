/**
 * The Redis side of the limits: one script per admission (rate buckets and the
 * budget reservation, checked together and applied only when all pass) and one
 * per settlement. Time comes from the Redis server, so instances with skewed
 * clocks share one view. Keys carry the client id as a hash tag (Cluster-safe).
 */

const BUCKET = `
local function bucket(key, cap, now)
  local v = redis.call('HMGET', key, 'l', 't')
  local level = tonumber(v[1])
  local ts = tonumber(v[2])
  if level == nil then return cap end
  return math.min(cap, level + (now - ts) * cap / 60000)
end
local function save(key, level, now)
  redis.call('HSET', key, 'l', tostring(level), 't', tostring(now))
  redis.call('PEXPIRE', key, 120000)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: requests bucket, tokens bucket, budget counter, budget reservations (zset), budget counter's generation
 * ARGV: rpm (0 = none), tpm (0 = none), tokens, budget limit ('' = none), reserve,
 *       reservation ttl ms, budget keys ttl ms, seed ('' = ask for one), reservation id,
 *       requests taken (one call, or a lease of several: tokens and reserve are then the lease's)
 * Returns {'ok', requestsLevel, tokensLevel, budgetUsed, generation} | {'requests'|'tokens', retryAfterS, requestsLevel, tokensLevel}
 *       | {'budget', used} | {'seed'}
 * A seeded counter gets a new generation: a reservation made before it (Redis emptied by a FLUSHALL, a restart
 * without persistence or an eviction, with the call in flight) is settled by adding what the call spent.
 */
/** a > b for integers written as Redis writes them (digits, a leading '-' when negative): exact at any size. */
const GREATER = `
local function greater(a, b)
  local aNegative, bNegative = string.sub(a, 1, 1) == '-', string.sub(b, 1, 1) == '-'
  if aNegative ~= bNegative then return bNegative end
  if aNegative then a, b = string.sub(b, 2), string.sub(a, 2) end
  if #a ~= #b then return #a > #b end
  return a > b
end
`;

export const ADMIT_SCRIPT = `${BUCKET}${GREATER}
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local limit = ARGV[4]
local count = tonumber(ARGV[10] or '1')
if limit ~= '' and redis.call('EXISTS', KEYS[3]) == 0 then
  if ARGV[8] == '' then return {'seed'} end
  if redis.call('SET', KEYS[3], ARGV[8], 'PX', ARGV[7], 'NX') then
    redis.call('SET', KEYS[5], t[1] .. '.' .. t[2], 'PX', ARGV[7])
  end
end
local rl = -1
local tl = -1
if rpm > 0 then
  rl = bucket(KEYS[1], rpm, now)
  if rl < count then return {'requests', tostring(math.ceil((count - rl) * 60 / rpm)), tostring(rl), tostring(tl)} end
end
if tpm > 0 then
  tl = bucket(KEYS[2], tpm, now)
  local need = math.min(n, tpm)
  if tl < need then return {'tokens', tostring(math.ceil((need - tl) * 60 / tpm)), tostring(rl), tostring(tl)} end
end
local used = '-1'
if limit ~= '' then
  local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
    for _, m in ipairs(expired) do
      -- a lapsed reservation is given back and kept as 'x:' .. member until the counter expires, so its
      -- settlement, when it comes, adds what the call spent (once); a lapsed mark itself is only removed
      -- ('d:' marks a settled reservation of an earlier generation: it expires with the counter)
      local mark = string.sub(m, 1, 2)
      if mark ~= 'x:' and mark ~= 'd:' then
        redis.call('DECRBY', KEYS[3], string.match(m, ':(%d+)$'))
        redis.call('ZADD', KEYS[4], now + tonumber(ARGV[7]), 'x:' .. m)
      end
    end
  end
  -- compared as Redis's own integer text, never as Lua numbers: those round past 2^53 units (900,719 USD), and
  -- tostring writes 1e14 units (10,000 USD) and more as '1e+14', which no integer reader takes
  local current = redis.call('GET', KEYS[3])
  if not greater(limit, current) then return {'budget', current} end
  redis.call('INCRBY', KEYS[3], ARGV[5])
  used = redis.call('GET', KEYS[3])
  if greater(used, limit) then
    redis.call('DECRBY', KEYS[3], ARGV[5])
    return {'budget', current}
  end
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[6]), ARGV[9] .. ':' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
end
if rpm > 0 then
  rl = rl - count
  save(KEYS[1], rl, now)
end
if tpm > 0 then
  tl = tl - n
  save(KEYS[2], tl, now)
end
local generation = ''
if limit ~= '' then generation = redis.call('GET', KEYS[5]) or '' end
return {'ok', tostring(rl), tostring(tl), used, generation}
`;

/**
 * Settles one or more calls (or leases) of one client (their keys share its hash tag), in order, as one script.
 * KEYS: tokens bucket, requests bucket, then per call: budget counter, budget reservations (zset), counter's generation
 * ARGV: per call, 9 values: tpm (0 = none), token refund, budget ('1': settles a reservation, '2': adds spend that
 *       had none, '0': none), reservation member, delta when the reservation is still open (actual - reserved),
 *       actual (when it lapsed, or for '2'), rpm (0 = none), requests given back (a lease's unused calls),
 *       the counter's generation when the reservation was made
 * A reservation neither open nor lapsed was settled already (a settlement sent again after a timeout hid the
 * answer to the first): it adds nothing, so sending a settlement again never counts a call twice. Unless the
 * counter was seeded again since it was made (Redis emptied with the call in flight): the reservation went with
 * the old counter, and the new one, seeded from the spend recorded then, may lack the call's, which is added
 * (once: a 'd:' mark remembers it).
 */
export const SETTLE_SCRIPT = `${BUCKET}
for i = 0, #ARGV / 9 - 1 do
  local a = i * 9
  local used = KEYS[3 + i * 3]
  local open = KEYS[4 + i * 3]
  local generation = KEYS[5 + i * 3]
  local tpm = tonumber(ARGV[a + 1])
  if tpm > 0 and redis.call('EXISTS', KEYS[1]) == 1 then
    save(KEYS[1], math.min(tpm, bucket(KEYS[1], tpm, now) + tonumber(ARGV[a + 2])), now)
  end
  local rpm = tonumber(ARGV[a + 7])
  local requestRefund = tonumber(ARGV[a + 8])
  if rpm > 0 and requestRefund > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
    save(KEYS[2], math.min(rpm, bucket(KEYS[2], rpm, now) + requestRefund), now)
  end
  local budget = ARGV[a + 3]
  if budget ~= '0' and redis.call('EXISTS', used) == 1 then
    if budget == '2' then
      redis.call('INCRBY', used, ARGV[a + 6])
    elseif redis.call('ZREM', open, ARGV[a + 4]) == 1 then
      redis.call('INCRBY', used, ARGV[a + 5])
    elseif redis.call('ZREM', open, 'x:' .. ARGV[a + 4]) == 1 then
      redis.call('INCRBY', used, ARGV[a + 6])
    elseif (redis.call('GET', generation) or '') ~= ARGV[a + 9] and not redis.call('ZSCORE', open, 'd:' .. ARGV[a + 4]) then
      redis.call('INCRBY', used, ARGV[a + 6])
      redis.call('ZADD', open, now + math.max(0, redis.call('PTTL', used)), 'd:' .. ARGV[a + 4])
      redis.call('PEXPIRE', open, math.max(1, redis.call('PTTL', used)))
    end
  end
end
return 'ok'
`;

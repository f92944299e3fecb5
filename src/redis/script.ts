import { createHash } from 'node:crypto';

/**
 * The fleet's one Redis script. Time is the Redis server's (`TIME`, µs), never a client's, so
 * processes whose clocks disagree still share one schedule. Numbers go back to Redis through
 * `%.0f`: Lua's default formatting keeps 14 digits, and µs since 1970 have 16.
 *
 * KEYS[1]: the rate: when the next start may go (GCRA's theoretical arrival time).
 * KEYS[2]: the concurrency leases: a sorted set of lease id → expiry.
 *
 * ARGV[1] = 'reserve', interval µs, cap (0: none), lease id, lease TTL µs: takes the next start
 *   slot, evenly spaced after the last one taken, and (with a cap) a lease that lives until the
 *   slot plus the TTL. Returns {1, slot µs, now µs}; with the cap full {0, earliest expiry µs, now µs}
 *   and nothing taken.
 * ARGV[1] = 'renew', lease TTL µs, lease ids...: the leases live until now plus the TTL (added
 *   again if they had lapsed meanwhile: they are sessions that still run). Returns {2, 0, now µs}.
 *   A release (ZREM) sent after a renewal runs after it: one connection keeps their order.
 * ARGV[1] = 'time': nothing changes. Returns {2, 0, now µs} (the probe while Redis was away).
 */
export const FLEET_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function str(x) return string.format('%.0f', x) end
local function keep(key, untilUs)
  local want = math.ceil((untilUs - now) / 1000) + 1000
  if redis.call('PTTL', key) < want then redis.call('PEXPIRE', key, want) end
end
local op = ARGV[1]
if op == 'reserve' then
  local interval = tonumber(ARGV[2])
  local cap = tonumber(ARGV[3])
  local ttl = tonumber(ARGV[5])
  if cap > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', str(now))
    if redis.call('ZCARD', KEYS[2]) >= cap then
      local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      return {0, tonumber(first[2]), now}
    end
  end
  local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
  local nxt = slot + interval
  redis.call('SET', KEYS[1], str(nxt), 'PX', math.ceil((nxt - now) / 1000) + 1000)
  if cap > 0 then
    redis.call('ZADD', KEYS[2], str(slot + ttl), ARGV[4])
    keep(KEYS[2], slot + ttl)
  end
  return {1, slot, now}
elseif op == 'renew' then
  local ttl = tonumber(ARGV[2])
  for i = 3, #ARGV do redis.call('ZADD', KEYS[2], str(now + ttl), ARGV[i]) end
  keep(KEYS[2], now + ttl)
  return {2, 0, now}
end
return {2, 0, now}
`;

export const FLEET_SCRIPT_SHA = createHash('sha1').update(FLEET_SCRIPT).digest('hex');

/** The keys of the fleet sharing `key`, in one hash slot (a Redis Cluster keeps them together). */
export function fleetKeys(key: string): [rate: string, leases: string] {
  return [`{${key}}:rate`, `{${key}}:leases`];
}

/** A script reply, in ms of the server's clock. */
export type ScriptReply =
  | { kind: 'slot'; slotMs: number; nowMs: number }
  | { kind: 'full'; expiresMs: number; nowMs: number }
  | { kind: 'time'; nowMs: number };

export function parseReply(reply: unknown): ScriptReply {
  if (!Array.isArray(reply) || reply.length !== 3) throw new Error('unexpected reply from the start script');
  const [status, at, now] = reply.map(Number) as [number, number, number];
  if (![status, at, now].every(Number.isFinite)) throw new Error('unexpected reply from the start script');
  if (status === 1) return { kind: 'slot', slotMs: at / 1000, nowMs: now / 1000 };
  if (status === 0) return { kind: 'full', expiresMs: at / 1000, nowMs: now / 1000 };
  return { kind: 'time', nowMs: now / 1000 };
}

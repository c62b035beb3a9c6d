/*
 * The Lua scripts of RedisStore: every change to a queue is one script, so
 * that what must happen together (a duplicate check and the XADD, a token
 * check and the XACK + XDEL, a lease taken over and its crash counted)
 * happens atomically in Redis, whatever other processes do meanwhile.
 *
 * A queue's keys (all carry `{queue}`, a cluster hash tag, so one script may
 * touch them all and several queues share a database without meeting):
 *
 *   gochan:{q}:stream   STREAM  the jobs that are ready or running, one entry each:
 *                               id, payload, deadline ('' for none), failures, crashes
 *                               (a new job's entry has only id, payload and, if it has
 *                               one, deadline: the rest default to '', 0 and 0)
 *                               group 'gochan': one consumer per RedisStore (per process)
 *   gochan:{q}:ids      HASH    job id -> its entry id, or 'retry' while it waits in :retries
 *                               (the duplicate check: a job is here exactly while waiting or running)
 *   gochan:{q}:counts   HASH    waiting, running, completed, failed, dead
 *   gochan:{q}:retries  ZSET    job ids waiting for a retry, by when (ms since the epoch)
 *   gochan:{q}:retry    HASH    job id -> its fields while it waits in :retries (cjson)
 *   gochan:{q}:dead     STREAM  the dead-letter stream: id, payload, error, failures, crashes
 *   gochan:{q}:fates    HASH    '<consumer>/<batch>' -> what an add batch did: the positions of its
 *                               duplicates (a CSV, '' for none), or 'withdrawn' (see FATE); an
 *                               applied batch's record is deleted by a later batch of the same
 *                               consumer once the client has its answer
 *
 * A claim's token is `<entry id>/<deliveries>`: the stream entry and the
 * delivery count that its pending entry had when this store got it.
 * XREADGROUP delivers an entry once (deliveries 1); XAUTOCLAIM, taking it over
 * after its lease, counts one more delivery, which is the crash; renewal is
 * XCLAIM ... JUSTID, which resets the idle time and leaves the count alone.
 * So a token is current while its entry is pending for this consumer with
 * that count and an idle time under the lease: checked by `held` below in
 * the same script as the change it allows.
 *
 * Any entry may have been written by another program or an older version:
 * the scripts never fail on a field that is missing or not a number (they
 * read it as '' or 0 for their own bookkeeping, and hand it to the client as
 * it is, false for missing), so one bad entry cannot stop a claim, and the
 * pool's feeder, which checks every claimed job, sends it to the dead.
 */

/** The group every store of a queue reads the stream through. */
export const GROUP = 'gochan';

/** RedisKeys are the keys a queue uses in its database. */
export interface RedisKeys {
  /** The stream of ready and running jobs. */
  readonly stream: string;
  /** Job id to entry id, for the jobs waiting or running. */
  readonly ids: string;
  /** The counts by state. */
  readonly counts: string;
  /** Jobs waiting for a retry, by when. */
  readonly retries: string;
  /** The fields of the jobs waiting for a retry. */
  readonly retry: string;
  /** The dead-letter stream. */
  readonly dead: string;
  /** What each add batch did, for a batch whose answer the connection lost. */
  readonly fates: string;
}

/** redisKeys gives the keys of the queue `queue`: every one carries `{queue}`. */
export function redisKeys(queue: string): RedisKeys {
  const prefix = `gochan:{${queue}}:`;
  return {
    stream: `${prefix}stream`,
    ids: `${prefix}ids`,
    counts: `${prefix}counts`,
    retries: `${prefix}retries`,
    retry: `${prefix}retry`,
    dead: `${prefix}dead`,
    fates: `${prefix}fates`,
  };
}

/** The keys in the order every script takes them. */
export function keyList(keys: RedisKeys): string[] {
  return [keys.stream, keys.ids, keys.counts, keys.retries, keys.retry, keys.dead, keys.fates];
}

/** The Redis type each key must have (or none, before its first use). */
export const KEY_TYPES: Record<keyof RedisKeys, string> = {
  stream: 'stream',
  ids: 'hash',
  counts: 'hash',
  retries: 'zset',
  retry: 'hash',
  dead: 'stream',
  fates: 'hash',
};

const PRELUDE = `
local stream, ids, counts, retries, retry, dead, fates = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local group = '${GROUP}'
-- An entry's fields by name; those a new job's entry leaves out take their defaults. id and
-- payload stay as they are (nil if missing: another writer's entry); sid and spayload are them
-- or '' for the scripts' own writes.
local function fieldsOf(list)
  local t = {}
  for i = 1, #list, 2 do t[list[i]] = list[i + 1] end
  t.deadline = t.deadline or ''
  t.failures = t.failures or '0'
  t.crashes = t.crashes or '0'
  t.sid = t.id or ''
  t.spayload = t.payload or ''
  return t
end
-- A count field as a number: 0 for one that is not a number.
local function num(v)
  return tonumber(v) or 0
end
local function countsNow()
  return redis.call('HMGET', counts, 'waiting', 'running', 'completed', 'failed', 'dead')
end
-- held: the entry is pending for this consumer, delivered n times, its lease not run out.
local function held(consumer, entry, n, lease)
  local p = redis.pcall('XPENDING', stream, group, entry, entry, 1)
  if type(p) ~= 'table' or p.err or p[1] == nil then return false end
  local e = p[1]
  return e[2] == consumer and tostring(e[4]) == n and tonumber(e[3]) < tonumber(lease)
end
-- The entry's fields, or nil if it is gone.
local function entryFields(entry)
  local r = redis.call('XRANGE', stream, entry, entry)
  if r[1] == nil then return nil end
  return fieldsOf(r[1][2])
end
-- Removes the entry (acknowledged and deleted together) and, if it is still the job's, the job's id.
local function drop(entry, id)
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
  if redis.call('HGET', ids, id) == entry then redis.call('HDEL', ids, id) end
end
local function push(id, payload, deadline, failures, crashes)
  local entry = redis.call('XADD', stream, '*', 'id', id, 'payload', payload, 'deadline', tostring(deadline), 'failures', tostring(failures), 'crashes', tostring(crashes))
  redis.call('HSET', ids, id, entry)
  return entry
end
-- This consumer's pending entries from lo to hi (the oldest and newest of a
-- batch, '' for none), by one XPENDING, as entry -> {deliveries, idle}. An entry
-- missing from it (not pending for this consumer, or past the reply's bound)
-- is checked alone by \`held\`.
local function pendingOf(consumer, lo, hi, n)
  local map = {}
  if lo == '' then return map end
  local p = redis.pcall('XPENDING', stream, group, lo, hi, 4 * n + 256, consumer)
  if type(p) ~= 'table' or p.err then return map end
  for _, e in ipairs(p) do map[e[1]] = {tostring(e[4]), tonumber(e[3])} end
  return map
end
-- Completes the jobs given as ARGV triples (entry, deliveries, id) from index
-- \`from\`, \`n\` of them (lo and hi: their oldest and newest entry, or ''):
-- those still held are acknowledged and deleted together, in one XACK, one
-- XDEL and one HDEL for the lot. Returns the positions (from 1) of those it
-- refused: not held, or twice in the batch.
local function completeAll(consumer, lease, from, n, lo, hi)
  local refused, entries, jobIds, seen = {}, {}, {}, {}
  local pending = pendingOf(consumer, lo, hi, n)
  lease = tonumber(lease)
  for k = 1, n do
    local i = from + 3 * (k - 1)
    local entry, p, ok = ARGV[i], pending[ARGV[i]], false
    if p then ok = p[1] == ARGV[i + 1] and p[2] < lease else ok = held(consumer, entry, ARGV[i + 1], lease) end
    if ok and not seen[entry] then
      seen[entry] = true
      entries[#entries + 1] = entry
      jobIds[#jobIds + 1] = ARGV[i + 2]
    else
      refused[#refused + 1] = k
    end
  end
  if #entries > 0 then
    redis.call('XACK', stream, group, unpack(entries))
    redis.call('XDEL', stream, unpack(entries))
    local current = redis.call('HMGET', ids, unpack(jobIds))
    local gone = {}
    for k = 1, #jobIds do
      if current[k] == entries[k] then gone[#gone + 1] = jobIds[k] end
    end
    if #gone > 0 then redis.call('HDEL', ids, unpack(gone)) end
    redis.call('HINCRBY', counts, 'running', -#entries)
    redis.call('HINCRBY', counts, 'completed', #entries)
  end
  return refused
end
local function bury(id, payload, err, failures, crashes)
  redis.call('XADD', dead, '*', 'id', id, 'payload', payload, 'error', err, 'failures', failures, 'crashes', crashes)
end
`;

/**
 * add: ARGV = consumer, batch (this consumer's batch number), n, then n batch
 * numbers whose records to delete (their answers reached the client), then
 * id, payload, deadline, ... (three per job).
 * A batch whose record says 'withdrawn' (FATE ran first) adds nothing.
 * Otherwise it adds, and records what it did under '<consumer>/<batch>'.
 * Returns {1, the positions (from 1) of the duplicates, the waiting count},
 * or {0} if withdrawn.
 */
export const ADD: string = `${PRELUDE}
local consumer, nForget = ARGV[1], tonumber(ARGV[3])
local mark = consumer .. '/' .. ARGV[2]
if redis.call('HEXISTS', fates, mark) == 1 then return {0} end
if nForget > 0 then
  local gone = {}
  for i = 4, 3 + nForget do gone[#gone + 1] = consumer .. '/' .. ARGV[i] end
  redis.call('HDEL', fates, unpack(gone))
end
local from = 4 + nForget
-- A new job's entry: no failures, no crashes, and a deadline only if it has one.
local function append(id, payload, deadline)
  if deadline == '' then return redis.call('XADD', stream, '*', 'id', id, 'payload', payload) end
  return redis.call('XADD', stream, '*', 'id', id, 'payload', payload, 'deadline', deadline)
end
-- The reply carries the waiting count alone (what backpressure needs), from
-- HINCRBY's own answer: reading all five counts back cost about a third of
-- this script's time in Redis.
local function waiting(added)
  if added > 0 then return redis.call('HINCRBY', counts, 'waiting', added) end
  return tonumber(redis.call('HGET', counts, 'waiting') or '0')
end
-- One job (an awaited submit on its own): no tables to build.
if #ARGV == from + 2 then
  if redis.call('HEXISTS', ids, ARGV[from]) == 1 then
    redis.call('HSET', fates, mark, '1')
    return {1, {1}, waiting(0)}
  end
  redis.call('HSET', ids, ARGV[from], append(ARGV[from], ARGV[from + 1], ARGV[from + 2]))
  redis.call('HSET', fates, mark, '')
  return {1, {}, waiting(1)}
end
-- A lot: one HMGET for the duplicate check, one XADD each, one HSET.
local jobIds = {}
for i = from, #ARGV, 3 do jobIds[#jobIds + 1] = ARGV[i] end
local existing = redis.call('HMGET', ids, unpack(jobIds))
local refused, added, entries, seen = {}, 0, {}, {}
for k = 1, #jobIds do
  local i, id = from + 3 * (k - 1), jobIds[k]
  if existing[k] or seen[id] then
    refused[#refused + 1] = k
  else
    seen[id] = true
    entries[#entries + 1] = id
    entries[#entries + 1] = append(id, ARGV[i + 1], ARGV[i + 2])
    added = added + 1
  end
end
if added > 0 then redis.call('HSET', ids, unpack(entries)) end
redis.call('HSET', fates, mark, table.concat(refused, ','))
return {1, refused, waiting(added)}
`;

/**
 * fate: ARGV = consumer, batch. Settles what became of an add batch whose
 * answer the connection lost: if the batch ran, its record says what it did;
 * if not, the record is made 'withdrawn', so the batch, if it ever arrives,
 * adds nothing. Returns {1, the duplicates' positions as a CSV} if it ran,
 * {0, ''} if withdrawn.
 */
export const FATE: string = `${PRELUDE}
local mark = ARGV[1] .. '/' .. ARGV[2]
local v = redis.call('HGET', fates, mark)
if not v then
  redis.call('HSET', fates, mark, 'withdrawn')
  return {0, ''}
end
if v == 'withdrawn' then return {0, ''} end
return {1, v}
`;

/**
 * claim: ARGV = consumer, max, leaseMs, maxCrashes, now, cursor, scan (1: look
 * for expired leases first), completes (a count), the oldest and newest entry
 * of the completes ('' for unknown), then entry, deliveries, id for each
 * complete (three per job).
 * First the completes that came with the claim (as `complete` does: one call
 * where a worker's completion frees the room the claim fills). Then moves the
 * retries that came due into the stream, and leases up to max jobs: with
 * scan, first the entries whose lease ran out (a crash each; past
 * maxCrashes, dead), then new ones; without, new ones first, and the expired
 * only if there are not max new ones. Returns {cursor, counts, next retry
 * time or '', top entry id, recovered, buried, group recreated (0/1), the jobs
 * taken over: entry, deliveries, id, payload, deadline, failures (six per
 * job), the positions (from 1) of the completes refused, scanned (0/1), the
 * new entries as XREADGROUP gave them ({entry, {field, value, ...}} each)}.
 */
export const CLAIM: string = `${PRELUDE}
local consumer, max, lease, maxCrashes, now, cursor = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local scan, completes = ARGV[7] == '1', tonumber(ARGV[8])
local completed = completeAll(consumer, lease, 11, completes, ARGV[9], ARGV[10])
local recreated = 0
local due = redis.call('ZRANGEBYSCORE', retries, '-inf', now, 'LIMIT', 0, 1000)
local lost = 0
for _, id in ipairs(due) do
  local ok, f = pcall(cjson.decode, redis.call('HGET', retry, id) or '')
  if ok and type(f) == 'table' then
    push(id, tostring(f[1] or ''), tostring(f[2] or ''), num(f[3]), num(f[4]))
  else
    -- A retry record that cannot be read (another writer's): the job goes to the dead, with why.
    redis.call('HDEL', ids, id)
    bury(id, '', 'its retry record in ' .. retry .. ' cannot be read', '0', '0')
    lost = lost + 1
  end
  redis.call('HDEL', retry, id)
  redis.call('ZREM', retries, id)
end
if lost > 0 then
  redis.call('HINCRBY', counts, 'waiting', -lost)
  redis.call('HINCRBY', counts, 'dead', lost)
end
-- The group (or the whole stream) vanished: make it again, from the start of
-- what is left; the jobs it had handed out are waiting again.
local function recreate()
  redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
  redis.call('HSET', counts, 'waiting', redis.call('XLEN', stream) + redis.call('ZCARD', retries), 'running', 0)
  recreated = 1
  cursor = '0-0'
end
local function call(...)
  local r = redis.pcall(...)
  if type(r) == 'table' and r.err then
    if not string.find(r.err, 'NOGROUP') then error(r) end
    recreate()
    r = redis.call(...)
  end
  return r
end
local taken, fresh, recovered, buried, scanned = {}, {}, 0, 0, 0
local function takeover(count)
  scanned = 1
  local r = call('XAUTOCLAIM', stream, group, consumer, lease, cursor, 'COUNT', count)
  cursor = r[1]
  for _, e in ipairs(r[2]) do
    local entry, f = e[1], fieldsOf(e[2])
    local p = redis.call('XPENDING', stream, group, entry, entry, 1)[1]
    local n = tonumber(p[4])
    local crashes = num(f.crashes) + n - 1
    if crashes > maxCrashes then
      drop(entry, f.sid)
      bury(f.sid, f.spayload, 'its lease expired ' .. crashes .. ' times: the process running it died each time?', f.failures, tostring(crashes))
      redis.call('HINCRBY', counts, 'running', -1)
      redis.call('HINCRBY', counts, 'dead', 1)
      buried = buried + 1
    else
      recovered = recovered + 1
      -- Missing fields go as false (a nil would end the list): the client reads them as missing.
      for _, v in ipairs({entry, tostring(n), f.id or false, f.payload or false, f.deadline, f.failures}) do taken[#taken + 1] = v end
    end
  end
  -- Entries deleted by someone else while pending: XAUTOCLAIM dropped them from the group.
  if r[3] and #r[3] > 0 then redis.call('HINCRBY', counts, 'running', -#r[3]) end
end
-- New entries go back as XREADGROUP gave them (entry id, field list): the client reads the fields.
local function readNew(count)
  local got = call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>')
  local k = 0
  if got then
    fresh = got[1][2]
    k = #fresh
    redis.call('HINCRBY', counts, 'waiting', -k)
    redis.call('HINCRBY', counts, 'running', k)
  end
  return k
end
if scan then
  takeover(max)
  if max - recovered > 0 then readNew(max - recovered) end
else
  local k = readNew(max)
  if k < max then takeover(max - k) end
end
local nextDue = redis.call('ZRANGE', retries, 0, 0, 'WITHSCORES')[2] or ''
local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
return {cursor, countsNow(), nextDue, top and top[1] or '0-0', recovered, buried, recreated, taken, completed, scanned, fresh}
`;

/**
 * complete: ARGV = consumer, leaseMs, the oldest and newest entry of the batch
 * ('' for unknown), then entry, deliveries, id (three per job). Returns {the
 * positions (from 1) of those refused, counts}.
 */
export const COMPLETE: string = `${PRELUDE}
return {completeAll(ARGV[1], ARGV[2], 5, (#ARGV - 4) / 3, ARGV[3], ARGV[4]), countsNow()}
`;

/**
 * fail: ARGV = consumer, leaseMs, now, then entry, deliveries, error, retryAt
 * ('' for dead) (four per job). A retry that is due already goes straight
 * back into the stream. Returns {the positions (from 1) of those refused, counts}.
 */
export const FAIL: string = `${PRELUDE}
local consumer, lease, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local refused = {}
for i = 4, #ARGV, 4 do
  local entry, n, err, retryAt = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local f = held(consumer, entry, n, lease) and entryFields(entry)
  if f then
    local failures = tostring(num(f.failures) + 1)
    local crashes = tostring(num(f.crashes) + tonumber(n) - 1)
    drop(entry, f.sid)
    redis.call('HINCRBY', counts, 'running', -1)
    redis.call('HINCRBY', counts, 'failed', 1)
    if retryAt == '' then
      bury(f.sid, f.spayload, err, failures, crashes)
      redis.call('HINCRBY', counts, 'dead', 1)
    elseif tonumber(retryAt) <= now then
      push(f.sid, f.spayload, f.deadline, failures, crashes)
      redis.call('HINCRBY', counts, 'waiting', 1)
    else
      redis.call('ZADD', retries, retryAt, f.sid)
      redis.call('HSET', retry, f.sid, cjson.encode({f.spayload, f.deadline, failures, crashes}))
      redis.call('HSET', ids, f.sid, 'retry')
      redis.call('HINCRBY', counts, 'waiting', 1)
    end
  else
    refused[#refused + 1] = (i - 4) / 4 + 1
  end
end
return {refused, countsNow()}
`;

/** release: ARGV = consumer, leaseMs, then entry, deliveries (two per job): each goes back to the end of the stream. Returns {results, counts}. */
export const RELEASE: string = `${PRELUDE}
local consumer, lease = ARGV[1], ARGV[2]
local out, back = {}, 0
for i = 3, #ARGV, 2 do
  local entry, n = ARGV[i], ARGV[i + 1]
  local f = held(consumer, entry, n, lease) and entryFields(entry)
  if f then
    drop(entry, f.sid)
    push(f.sid, f.spayload, f.deadline, f.failures, tostring(num(f.crashes) + tonumber(n) - 1))
    back = back + 1
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if back > 0 then
  redis.call('HINCRBY', counts, 'running', -back)
  redis.call('HINCRBY', counts, 'waiting', back)
end
return {out, countsNow()}
`;

/** renew: ARGV = consumer, leaseMs, then entry, deliveries (two per job). Returns {results}. */
export const RENEW: string = `${PRELUDE}
local consumer, lease = ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV, 2 do
  if held(consumer, ARGV[i], ARGV[i + 1], lease) then
    redis.call('XCLAIM', stream, group, consumer, 0, ARGV[i], 'JUSTID')
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return {out}
`;

/**
 * leave: ARGV = consumer. Deletes this consumer from the group if nothing is
 * pending for it (deleting a consumer drops its pending entries, so never
 * then). Returns 1 if deleted.
 */
export const LEAVE: string = `${PRELUDE}
local p = redis.pcall('XPENDING', stream, group, '-', '+', 1, ARGV[1])
if type(p) == 'table' and not p.err and p[1] == nil then
  redis.call('XGROUP', 'DELCONSUMER', stream, group, ARGV[1])
  return 1
end
return 0
`;

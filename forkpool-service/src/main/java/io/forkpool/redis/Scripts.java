package io.forkpool.redis;

/**
 * The Lua scripts of the redis backend: each runs atomically in Redis, which is what makes a job's
 * state changes safe between replicas, and each is one round trip. A shard costs two: TAKE (read
 * it, feeding the stream first if it is dry, and start its job) and MERGE (its answer); the last
 * shard of a job one more, END. Every key a script touches is passed in KEYS except the job hashes
 * that FEED and TAKE reach by id (see docs/design.md, "Redis backend", on Redis Cluster).
 */
final class Scripts {

    private Scripts() {}

    private static final String FINAL = """
            local function final(s)
              return s == 'SUCCEEDED' or s == 'FAILED' or s == 'CANCELLED'
            end
            """;

    /**
     * Moves up to n shards of the jobs in the feed list onto the stream, one shard per job in turn
     * (fair across jobs), advancing each job's cursor. A million-shard job costs one list entry and
     * a cursor, never a million stream entries.
     */
    private static final String FEED_FUNCTION = FINAL + """
            local function feed(feedKey, stream, prefix, n)
              local added = 0
              while added < n do
                local id = redis.call('LINDEX', feedKey, 0)
                if not id then break end
                local key = prefix .. id
                local f = redis.call('HMGET', key, 'status', 'next', 'total')
                if (not f[1]) or final(f[1]) or tonumber(f[2]) >= tonumber(f[3]) then
                  redis.call('LPOP', feedKey)
                else
                  redis.call('XADD', stream, '*', 'job', id, 'shard', f[2])
                  redis.call('HSET', key, 'next', tonumber(f[2]) + 1)
                  redis.call('LMOVE', feedKey, feedKey, 'LEFT', 'RIGHT')
                  added = added + 1
                end
              end
              return added
            end
            """;

    /**
     * What a replica does with the stream entries it just read: drops (acknowledges and deletes)
     * those of jobs that ended or expired, moves QUEUED jobs to RUNNING, and answers
     * {started count, (id, submittedAt) per started job..., (entry, job, shard) per live entry...}.
     */
    private static final String ACCEPT_FUNCTION = FINAL + """
            local function accept(stream, group, prefix, now, entries)
              local started, live = {}, {}
              for _, e in ipairs(entries) do
                local f = e[2]
                local job, shard
                for i = 1, #f, 2 do
                  if f[i] == 'job' then job = f[i + 1] elseif f[i] == 'shard' then shard = f[i + 1] end
                end
                local s = job and redis.call('HMGET', prefix .. job, 'status', 'submittedAt')
                if (not s) or (not s[1]) or final(s[1]) then
                  redis.call('XACK', stream, group, e[1])
                  redis.call('XDEL', stream, e[1])
                else
                  if s[1] == 'QUEUED' then
                    redis.call('HSET', prefix .. job, 'status', 'RUNNING', 'startedAt', now)
                    table.insert(started, job)
                    table.insert(started, s[2])
                  end
                  table.insert(live, e[1])
                  table.insert(live, job)
                  table.insert(live, shard)
                end
              end
              local out = {#started / 2}
              for _, v in ipairs(started) do table.insert(out, v) end
              for _, v in ipairs(live) do table.insert(out, v) end
              return out
            end
            local function read(stream, group, consumer, n)
              if n < 1 then return {} end
              local r = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', n, 'STREAMS', stream, '>')
              if not r then return {} end
              return r[1][2]
            end
            """;

    /**
     * Records a job unless the service is full, or its Idempotency-Key already made a job that is
     * still kept. Puts the job's first shards on the stream at once (blocked readers wake), and
     * the job on the feed list only if it has more. KEYS: job, jobs, unfinished, feed, stream,
     * deadlines, key (ignored without a key). ARGV: id, maxActive, now (epoch ms), first feed, the
     * key's body digest or '', deadline (epoch ms) or '', field, value, ... → {1} recorded, {0}
     * full, {2, id} the key's job (same body), {3} the key came with another body.
     */
    static final LuaScript SUBMIT = new LuaScript("""
            if ARGV[5] ~= '' then
              local held = redis.call('HMGET', KEYS[7], 'job', 'body')
              local prefix = KEYS[1]:sub(1, #KEYS[1] - #ARGV[1]) -- the job key is the prefix and the id
              if held[1] and redis.call('EXISTS', prefix .. held[1]) == 1 then
                if held[2] == ARGV[5] then return {2, held[1]} end
                return {3}
              end
            end
            if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[2]) then return {0} end
            redis.call('HSET', KEYS[1], unpack(ARGV, 7))
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[1])
            if ARGV[5] ~= '' then
              redis.call('DEL', KEYS[7])
              redis.call('HSET', KEYS[7], 'job', ARGV[1], 'body', ARGV[5])
              redis.call('HSET', KEYS[1], 'key', KEYS[7])
            end
            if ARGV[6] ~= '' then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[1]) end
            local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
            local first = math.min(total, tonumber(ARGV[4]))
            for i = 0, first - 1 do
              redis.call('XADD', KEYS[5], '*', 'job', ARGV[1], 'shard', i)
            end
            redis.call('HSET', KEYS[1], 'next', first)
            if first < total then redis.call('RPUSH', KEYS[4], ARGV[1]) end
            return {1}
            """);

    /** KEYS: feed, stream. ARGV: n, job key prefix → shards added. */
    static final LuaScript FEED = new LuaScript(FEED_FUNCTION + """
            return feed(KEYS[1], KEYS[2], ARGV[2], tonumber(ARGV[1]))
            """);

    /**
     * Up to n shards for this consumer in one round trip: the entries nobody has read, and if
     * there are fewer than n, the next shards of the waiting jobs fed onto the stream and read at
     * once; then up to {@code ahead} more, only of entries already waiting unread (a backlog means
     * no replica is idle: a blocked reader would have been handed them). KEYS: stream, feed.
     * ARGV: group, consumer, n, job key prefix, now, ahead → as accept.
     */
    static final LuaScript TAKE = new LuaScript(FEED_FUNCTION + ACCEPT_FUNCTION + """
            local n, ahead = tonumber(ARGV[3]), tonumber(ARGV[6])
            local entries = read(KEYS[1], ARGV[1], ARGV[2], n)
            if #entries < n then
              if feed(KEYS[2], KEYS[1], ARGV[4], n - #entries) > 0 then
                for _, e in ipairs(read(KEYS[1], ARGV[1], ARGV[2], n - #entries)) do table.insert(entries, e) end
              end
            elseif ahead > 0 then
              for _, e in ipairs(read(KEYS[1], ARGV[1], ARGV[2], ahead)) do table.insert(entries, e) end
            end
            return accept(KEYS[1], ARGV[1], ARGV[4], ARGV[5], entries)
            """);

    /**
     * The entries a blocking read just delivered, through accept. KEYS: stream. ARGV: group, job key
     * prefix, now, then entry, job, shard per entry.
     */
    static final LuaScript ACCEPT = new LuaScript(ACCEPT_FUNCTION + """
            local entries = {}
            for i = 4, #ARGV, 3 do
              table.insert(entries, {ARGV[i], {'job', ARGV[i + 1], 'shard', ARGV[i + 2]}})
            end
            return accept(KEYS[1], ARGV[1], ARGV[2], ARGV[3], entries)
            """);

    /**
     * Ends a job unless it has ended; its keys (and its Idempotency-Key's) then expire after the
     * retention, and every replica hears of it on the ends channel (waiters wake). The sum and
     * bitmap keys are the job key + ':sum' and ':merged' (RedisKeys). → the job's fields if ended
     * here, else {}.
     */
    private static final String END_FUNCTION = FINAL + """
            local function finish(job, unfinished, feed, deadlines, id, status, err, at, ttl, result, channel)
              local s = redis.call('HGET', job, 'status')
              if (not s) or final(s) then return {} end
              redis.call('HSET', job, 'status', status, 'finishedAt', at)
              if err ~= '' then redis.call('HSET', job, 'error', err) end
              if result ~= '' then redis.call('HSET', job, 'merged', result) end
              redis.call('SREM', unfinished, id)
              redis.call('LREM', feed, 0, id)
              redis.call('ZREM', deadlines, id)
              redis.call('EXPIRE', job, ttl)
              local key = redis.call('HGET', job, 'key')
              if key then redis.call('EXPIRE', key, ttl) end
              redis.call('DEL', job .. ':sum', job .. ':merged')
              redis.call('PUBLISH', channel, id)
              return redis.call('HGETALL', job)
            end
            """;

    /**
     * Acknowledges and deletes the stream entry, then merges the shard once: the bitmap of merged
     * shards makes a second delivery of the same shard a no-op, and the shard's partial (the kind's
     * codec, base64) is kept once in the job's sum hash under its index; Java merges them when the
     * last one is in, so no kind needs a script of its own. A job of one shard ends here at once
     * (its partial is its result, checked in Java before). KEYS: job, merged bitmap, sum, stream,
     * unfinished, feed, deadlines, tries. ARGV: group, entry id, shard, compute nanos, partial, job id,
     * the job's merged partial if this shard is all of it (else ''), finishedAt, ttl seconds, ends
     * channel, the successful try for the job's timeline (ShardTries; '' for none), its cap, its ttl
     * → {-1} job ended or gone, {-2} shard already merged (both counted in the job's {@code late}
     * field while it is retained: a reclaimed shard's first owner answering after all, say once
     * its partition heals), {0} merged, {1, every partial...}
     * merged and the job is complete, {2, the job's fields...} merged and the job ended here.
     */
    static final LuaScript MERGE = new LuaScript(END_FUNCTION + """
            redis.call('XACK', KEYS[4], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[4], ARGV[2])
            if ARGV[11] ~= '' then
              if redis.call('LLEN', KEYS[8]) < tonumber(ARGV[12]) then redis.call('RPUSH', KEYS[8], ARGV[11]) end
              redis.call('EXPIRE', KEYS[8], ARGV[13])
            end
            local f = redis.call('HMGET', KEYS[1], 'status', 'total')
            if not f[1] then return {-1} end
            if final(f[1]) then redis.call('HINCRBY', KEYS[1], 'late', 1) return {-1} end
            if redis.call('SETBIT', KEYS[2], tonumber(ARGV[3]), 1) == 1 then
              redis.call('HINCRBY', KEYS[1], 'late', 1)
              return {-2}
            end
            redis.call('HINCRBY', KEYS[1], 'computeNanos', ARGV[4])
            local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
            if ARGV[7] ~= '' and done == 1 and tonumber(f[2]) == 1 then
              local out = finish(KEYS[1], KEYS[5], KEYS[6], KEYS[7], ARGV[6], 'SUCCEEDED', '', ARGV[8], ARGV[9],
                  ARGV[7], ARGV[10])
              table.insert(out, 1, 2)
              return out
            end
            redis.call('HSETNX', KEYS[3], ARGV[3], ARGV[5])
            if done < tonumber(f[2]) then return {0} end
            local out = redis.call('HVALS', KEYS[3])
            table.insert(out, 1, 1)
            return out
            """);

    /** Drops a stream entry unrun (its job ended). KEYS: stream. ARGV: group, entry. */
    static final LuaScript DROP = new LuaScript("""
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            return redis.call('XDEL', KEYS[1], ARGV[2])
            """);

    /**
     * KEYS: job, unfinished, feed, deadlines. ARGV: id, status, error, finishedAt, ttl seconds, the
     * merged partial (base64; empty unless SUCCEEDED), ends channel → the job's fields if ended
     * here, else an empty list.
     */
    static final LuaScript END = new LuaScript(END_FUNCTION + """
            return finish(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6],
                ARGV[7])
            """);

    /**
     * Fails the jobs whose deadline has passed, each once (the ZREM and the end are one atomic
     * step, so two replicas never both end one). KEYS: deadlines, unfinished, feed. ARGV: now (epoch
     * ms), job key prefix, finishedAt, ttl seconds, ends channel, at most how many → the ids ended.
     */
    static final LuaScript DEADLINES = new LuaScript(END_FUNCTION + """
            local out = {}
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[6]))) do
              redis.call('ZREM', KEYS[1], id)
              local job = ARGV[2] .. id
              local t = redis.call('HGET', job, 'timeoutSeconds')
              if t and #finish(job, KEYS[2], KEYS[3], KEYS[1], id, 'FAILED', 'timed out after ' .. t .. ' s',
                  ARGV[3], ARGV[4], '', ARGV[5]) > 0 then
                table.insert(out, id)
              end
            end
            return out
            """);

    /**
     * The unfinished jobs whose every shard is merged: the replica that merged the last one lost
     * Redis before its END (a crash or a partition between the two). KEYS: unfinished. ARGV: job key
     * prefix → their ids.
     */
    static final LuaScript STRANDED = new LuaScript(FINAL + """
            local out = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local f = redis.call('HMGET', ARGV[1] .. id, 'status', 'done', 'total')
              if f[1] and not final(f[1]) and tonumber(f[2]) >= tonumber(f[3]) then table.insert(out, id) end
            end
            return out
            """);

    /**
     * The ids of one page of jobs, newest first, after the total that match. KEYS: jobs.
     * ARGV: job key prefix, status or '', type or '', first index, size.
     */
    static final LuaScript PAGE = new LuaScript("""
            local ids = redis.call('ZREVRANGE', KEYS[1], 0, -1)
            local from, size = tonumber(ARGV[4]), tonumber(ARGV[5])
            local out = {'0'}
            local n = 0
            for _, id in ipairs(ids) do
              local f = redis.call('HMGET', ARGV[1] .. id, 'status', 'type')
              if f[1] and (ARGV[2] == '' or f[1] == ARGV[2]) and (ARGV[3] == '' or f[2] == ARGV[3]) then
                if n >= from and n < from + size then table.insert(out, id) end
                n = n + 1
              end
            end
            out[1] = tostring(n)
            return out
            """);

    /**
     * Drops from the index the jobs whose record has expired. Only those submitted before the
     * cutoff (now − retention) can have: a job's record expires a retention after its end. So a
     * sweep reads the jobs of one sweep interval, not every job kept. KEYS: jobs. ARGV: job key
     * prefix, cutoff (epoch ms) → dropped.
     */
    static final LuaScript SWEEP = new LuaScript("""
            local dropped = 0
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])) do
              if redis.call('EXISTS', ARGV[1] .. id) == 0 then
                redis.call('ZREM', KEYS[1], id)
                dropped = dropped + 1
              end
            end
            return dropped
            """);

    /** Redis' clock in epoch ms (TIME): the same for every replica, whatever their clocks say. */
    private static final String NOW = """
            local function now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /**
     * Holds a job's pending webhook delivery: unless another holder's lease is live, and (unless
     * ARGV[4] is 'new') only while it is still pending, the lease becomes ARGV[1]'s for ARGV[3] ms
     * and the job's score the time it runs out. KEYS: pending deliveries, the job's lease. ARGV:
     * holder, job id, lease ms, 'new' or '' → 1 held, 0 not.
     */
    static final LuaScript HOLD_DELIVERY = new LuaScript(NOW + """
            local held = redis.call('GET', KEYS[2])
            if held and held ~= ARGV[1] then return 0 end
            if ARGV[4] ~= 'new' and not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[1], now() + tonumber(ARGV[3]), ARGV[2])
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
            return 1
            """);

    /**
     * A delivery done (delivered or given up): no longer pending, unless another holder has it.
     * KEYS: pending deliveries, the job's lease. ARGV: holder, job id → 1 settled, 0 not.
     */
    static final LuaScript SETTLE_DELIVERY = new LuaScript("""
            local held = redis.call('GET', KEYS[2])
            if held and held ~= ARGV[1] then return 0 end
            redis.call('ZREM', KEYS[1], ARGV[2])
            redis.call('DEL', KEYS[2])
            return 1
            """);

    /**
     * Takes over up to n pending deliveries whose lease ran out: each lease is set with NX, so two
     * replicas never take the same one. KEYS: pending deliveries. ARGV: holder, lease ms, n, lease
     * key prefix → the job ids taken.
     */
    static final LuaScript TAKE_OVER_DELIVERIES = new LuaScript(NOW + """
            local t = now()
            local out = {}
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', t, 'LIMIT', 0, tonumber(ARGV[3]))) do
              if redis.call('SET', ARGV[4] .. id, ARGV[1], 'NX', 'PX', ARGV[2]) then
                redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), id)
                table.insert(out, id)
              end
            end
            return out
            """);
}

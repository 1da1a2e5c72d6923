package io.forkpool.redis;

/**
 * The Lua scripts of the redis backend: each runs atomically in Redis, which is what makes a job's
 * state changes safe between replicas. Job keys are built inside the scripts from a prefix, so the
 * backend wants one Redis (or one hash slot), not a cluster.
 */
final class Scripts {

    private Scripts() {}

    private static final String FINAL = """
            local function final(s)
              return s == 'SUCCEEDED' or s == 'FAILED' or s == 'CANCELLED'
            end
            """;

    /** KEYS: job, jobs, unfinished, feed. ARGV: id, maxActive, score, field, value, ... → 1, or 0 if full. */
    static final String SUBMIT = """
            if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[1])
            redis.call('RPUSH', KEYS[4], ARGV[1])
            return 1
            """;

    /**
     * Moves up to n shards of the jobs in the feed list onto the stream, one shard per job in turn
     * (fair across jobs), advancing each job's cursor. KEYS: feed, stream. ARGV: n, job key prefix.
     * → shards added. A million-shard job costs one list entry, not a million stream entries.
     */
    static final String FEED = FINAL + """
            local n = tonumber(ARGV[1])
            local added = 0
            local idle = 0
            while added < n do
              local id = redis.call('LINDEX', KEYS[1], 0)
              if not id then break end
              local key = ARGV[2] .. id
              local f = redis.call('HMGET', key, 'status', 'next', 'total')
              if (not f[1]) or final(f[1]) or tonumber(f[2]) >= tonumber(f[3]) then
                redis.call('LPOP', KEYS[1])
              else
                redis.call('XADD', KEYS[2], '*', 'job', id, 'shard', f[2])
                redis.call('HINCRBY', key, 'next', 1)
                redis.call('LMOVE', KEYS[1], KEYS[1], 'LEFT', 'RIGHT')
                added = added + 1
              end
            end
            return added
            """;

    /** KEYS: job. ARGV: startedAt → 1 if this call moved the job from QUEUED to RUNNING. */
    static final String START = """
            if redis.call('HGET', KEYS[1], 'status') ~= 'QUEUED' then return 0 end
            redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'startedAt', ARGV[1])
            return 1
            """;

    /**
     * Acknowledges and deletes the stream entry, then merges the shard once: the bitmap of merged
     * shards makes a second delivery of the same shard a no-op, and the shard's partial (the kind's
     * codec, base64) is kept once in the job's sum hash under its index; Java merges them when the
     * last one is in, so no kind needs a script of its own. KEYS: job, merged bitmap, sum, stream.
     * ARGV: group, entry id, shard, compute nanos, partial
     * → 1 the job is complete, 0 merged, -1 job ended or gone, -2 shard already merged.
     */
    static final String MERGE = FINAL + """
            redis.call('XACK', KEYS[4], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[4], ARGV[2])
            local status = redis.call('HGET', KEYS[1], 'status')
            if (not status) or final(status) then return -1 end
            if redis.call('SETBIT', KEYS[2], tonumber(ARGV[3]), 1) == 1 then return -2 end
            redis.call('HSETNX', KEYS[3], ARGV[3], ARGV[5])
            redis.call('HINCRBY', KEYS[1], 'computeNanos', ARGV[4])
            local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
            if done >= tonumber(redis.call('HGET', KEYS[1], 'total')) then return 1 end
            return 0
            """;

    /**
     * Ends a job unless it has ended; its keys then expire after the retention. KEYS: job, sum,
     * merged bitmap, unfinished, feed. ARGV: id, status, error, finishedAt, ttl seconds, the merged
     * partial (base64; empty unless SUCCEEDED), kept in the job's hash → 1 if ended here.
     */
    static final String END = FINAL + """
            local s = redis.call('HGET', KEYS[1], 'status')
            if (not s) or final(s) then return 0 end
            redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', ARGV[4])
            if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[3]) end
            if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'merged', ARGV[6]) end
            redis.call('SREM', KEYS[4], ARGV[1])
            redis.call('LREM', KEYS[5], 0, ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[5])
            redis.call('DEL', KEYS[2])
            redis.call('DEL', KEYS[3])
            return 1
            """;

    /**
     * The ids of one page of jobs, newest first, after the total that match. KEYS: jobs.
     * ARGV: job key prefix, status or '', type or '', first index, size.
     */
    static final String PAGE = """
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
            """;

    /** Drops from the index the jobs whose record has expired. KEYS: jobs. ARGV: job key prefix → dropped. */
    static final String SWEEP = """
            local dropped = 0
            for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              if redis.call('EXISTS', ARGV[1] .. id) == 0 then
                redis.call('ZREM', KEYS[1], id)
                dropped = dropped + 1
              end
            end
            return dropped
            """;
}

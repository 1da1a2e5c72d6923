package io.forkpool.redis;

/**
 * The Lua scripts of the redis backend ({@code src/main/resources/io/forkpool/redis/lua/}, each
 * file saying what its KEYS and ARGV are and what it answers): each runs atomically in Redis,
 * which is what makes a job's state changes safe between replicas, and each is one round trip. A
 * shard costs two: TAKE (read it, feeding the stream first if it is dry, and start its job) and
 * MERGE (its answer); the last shard of a job one more, END. Every key a script touches is passed
 * in KEYS except the job hashes that FEED and TAKE reach by id (see docs/design.md, "Redis
 * backend", on Redis Cluster).
 */
final class Scripts {

    private Scripts() {}

    static final LuaScript SUBMIT = LuaScript.load("submit", "final", "fair", "feed");
    static final LuaScript FEED = LuaScript.load("feed", "final", "fair", "feed");
    static final LuaScript TAKE = LuaScript.load("take", "final", "fair", "feed", "accept");
    static final LuaScript ACCEPT = LuaScript.load("accept", "final", "accept");
    static final LuaScript MERGE = LuaScript.load("merge", "final", "fair", "finish");
    static final LuaScript DROP = LuaScript.load("drop");
    static final LuaScript END = LuaScript.load("end", "final", "fair", "finish");

    /** Moves a job's in-order prefix, or ends the job on it (the prefix rule). */
    static final LuaScript ADVANCE = LuaScript.load("advance", "final", "fair", "finish");

    static final LuaScript DEADLINES = LuaScript.load("deadlines", "final", "fair", "finish");
    static final LuaScript STRANDED = LuaScript.load("stranded", "final");
    static final LuaScript PAGE = LuaScript.load("page");
    static final LuaScript SWEEP = LuaScript.load("sweep");
    static final LuaScript HOLD_DELIVERY = LuaScript.load("hold-delivery", "now");
    static final LuaScript SETTLE_DELIVERY = LuaScript.load("settle-delivery");
    static final LuaScript TAKE_OVER_DELIVERIES = LuaScript.load("take-over-deliveries", "now");
}

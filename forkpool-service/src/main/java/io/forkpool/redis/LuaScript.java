package io.forkpool.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * One Lua script, sent by its SHA-1 (EVALSHA): a few dozen bytes a call instead of the whole
 * body. A Redis that does not know it yet (first call, or restarted) answers NOSCRIPT, and the
 * body goes once with EVAL, which also caches it there. The bodies are {@code .lua} files beside this
 * class ({@code lua/}), read once when the class that holds the script loads.
 */
record LuaScript(String body, String sha) {

    LuaScript(String body) {
        this(body, sha1(body));
    }

    /**
     * The script {@code lua/<name>.lua}, after the functions it calls ({@code lua/lib/<library>.lua},
     * in this order: a library before those that call it).
     */
    static LuaScript load(String name, String... libraries) {
        var body = new StringBuilder();
        for (String library : libraries) {
            body.append(read("lib/" + library));
        }
        return new LuaScript(body.append(read(name)).toString());
    }

    private static String read(String name) {
        String path = "lua/" + name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no Lua script " + path + " beside " + LuaScript.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Lua script " + path, e);
        }
    }

    <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(body, type, keys, args);
        }
    }

    /** The same without waiting: the answer completes the future on Lettuce's I/O thread. */
    <T> CompletableFuture<T> runAsync(
            RedisAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        return redis.<T>evalsha(sha, type, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(
                        e -> e instanceof RedisNoScriptException || e.getCause() instanceof RedisNoScriptException
                                ? redis.<T>eval(body, type, keys, args).toCompletableFuture()
                                : CompletableFuture.failedFuture(e));
    }

    private static String sha1(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}

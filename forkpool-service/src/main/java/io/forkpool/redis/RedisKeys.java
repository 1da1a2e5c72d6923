package io.forkpool.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Every key of the redis backend, under one prefix. */
record RedisKeys(String prefix) {

    String job(String id) {
        return jobPrefix() + id;
    }

    /** The job key of an id is this followed by the id (the scripts build keys from it). */
    /** The webhook attempts of a job, a list. */
    String deliveries(String id) {
        return prefix + ":deliveries:" + id;
    }

    /**
     * Jobs whose webhook is still to be delivered, scored by when (epoch ms, Redis' clock) another
     * replica may take the delivery over: its holder's lease then runs out.
     */
    String pendingDeliveries() {
        return prefix + ":webhooks:pending";
    }

    /** The key of a pending delivery's lease is this followed by the job id: its holder, expiring. */
    String deliveryLeasePrefix() {
        return prefix + ":webhooks:lease:";
    }

    String jobPrefix() {
        return prefix + ":job:";
    }

    String merged(String id) {
        return job(id) + ":merged";
    }

    /** The first tries of the job's shards, for its timeline (ShardTries). */
    String tries(String id) {
        return job(id) + ":tries";
    }

    String sum(String id) {
        return job(id) + ":sum";
    }

    /** All jobs by submission time: the list endpoint. */
    String jobs() {
        return prefix + ":jobs";
    }

    /** Ids of jobs queued or running: admission counts them. */
    String unfinished() {
        return prefix + ":jobs:unfinished";
    }

    /** Ids of jobs with shards not yet put on the stream. */
    String feed() {
        return prefix + ":feed";
    }

    String shards() {
        return prefix + ":shards";
    }

    String deadLetters() {
        return prefix + ":shards:dead";
    }

    /** An Idempotency-Key's record (the job it made, the digest of its body), by a digest of the key. */
    String idempotency(String keyDigest) {
        return prefix + ":key:" + keyDigest;
    }

    /** A batch's record (size, created, its key's body digest). */
    String batch(String id) {
        return prefix + ":batch:" + id;
    }

    /** A batch's job ids, in submission order. */
    String batchJobs(String id) {
        return prefix + ":batch:" + id + ":jobs";
    }

    /** The batch of an Idempotency-Key (apart from the keys of single jobs). */
    String batchKey(String keyDigest) {
        return prefix + ":batchkey:" + keyDigest;
    }

    /** Jobs with a deadline, by deadline (epoch ms): any replica enforces them. */
    String deadlines() {
        return prefix + ":deadlines";
    }

    /** The pub/sub channel of ended jobs' ids. */
    String ends() {
        return prefix + ":ends";
    }

    String group() {
        return "workers";
    }

    String heartbeat(String consumer) {
        return prefix + ":replica:" + consumer;
    }

    /** Keys are the client's text, up to 200 characters: Redis gets a digest of fixed length. */
    static String digest(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

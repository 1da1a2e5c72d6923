package io.forkpool.worker;

/**
 * One try of one shard on one worker. {@code work} is whatever the dispatcher handed out; the
 * pool only carries it back with the answer.
 */
public record Assignment(Object work, long ticket, long sentNanos, long deadlineNanos) {}

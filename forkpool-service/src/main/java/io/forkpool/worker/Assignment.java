package io.forkpool.worker;

/**
 * One try of one piece of work on one worker. {@code task} is what the dispatcher handed out
 * (its shard); the pool only carries it back, typed, with the answer.
 */
public record Assignment<T>(T task, long ticket, long sentNanos, long deadlineNanos) {}

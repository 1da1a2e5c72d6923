package io.forkpool.worker;

/**
 * One try of one piece of work on one worker. {@code work} is what the dispatcher handed out
 * (its shard); the pool only carries it back, typed, with the answer.
 */
public record Assignment<T>(T work, long ticket, long sentNanos, long deadlineNanos) {}

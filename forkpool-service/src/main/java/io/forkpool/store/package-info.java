/**
 * The durable embedded backend ({@code forkpool.backend=embedded}, the default): jobs, each
 * shard's saved partial, results, timelines and Idempotency-Keys in a SQLite database in
 * {@code forkpool.store.dir}, written by one thread in grouped commits, so an accepted job
 * survives a crash or a deploy and resumes where it was.
 */
package io.forkpool.store;

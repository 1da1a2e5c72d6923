/**
 * Ready means warm: before readiness says UP, the service sends itself traffic on loopback through
 * its whole request path ({@link io.forkpool.warmup.Warmup}), marked with a secret that stands for an
 * API key while the warm-up runs ({@link io.forkpool.warmup.WarmupKey}). The worker processes warm
 * their kernels on their own side ({@code worker/child/KernelWarmup}).
 */
package io.forkpool.warmup;

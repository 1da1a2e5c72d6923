"""The pi Monte Carlo of the multiprocessing tutorial, vectorised with numpy, as the peers of
forkpool run it (bench/peers.sh): one task draws `samples` points in the unit square and counts
those inside the quarter circle.

numpy's default generator (PCG64, 53-bit doubles from `Generator.random`), seeded per task from
(job seed, task index) through a SeedSequence, so that no two tasks share a stream (forked children
of the legacy global state would). Points are drawn in chunks of CHUNK doubles into buffers
allocated once per task: arrays of a few hundred KB stay in the core's L2 cache, where whole
arrays of 10^8 points would be bound by memory bandwidth (and memory).
"""
import numpy as np

CHUNK = 1 << 16


def pi_inside(samples, seed, index=0):
    """Points of `samples` uniform draws in [0,1)^2 with x^2 + y^2 < 1."""
    rng = np.random.default_rng([seed, index])
    size = min(CHUNK, samples)
    x = np.empty(size)
    y = np.empty(size)
    below = np.empty(size, dtype=bool)
    inside = 0
    left = samples
    while left > 0:
        m = min(size, left)
        xv, yv, bv = x[:m], y[:m], below[:m]
        rng.random(out=xv)
        rng.random(out=yv)
        np.multiply(xv, xv, out=xv)
        np.multiply(yv, yv, out=yv)
        np.add(xv, yv, out=xv)
        np.less(xv, 1.0, out=bv)
        inside += int(np.count_nonzero(bv))
        left -= m
    return inside


def split(samples, tasks):
    """`samples` cut into `tasks` counts that differ by at most one."""
    base, extra = divmod(samples, tasks)
    return [base + (1 if i < extra else 0) for i in range(tasks)]

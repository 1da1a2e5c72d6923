"""forkpool beside its peers on one machine, in one run, 2 processes each (driven by bench/peers.sh,
which starts Redis, the Celery worker and the forkpool service first).

Systems: multiprocessing.Pool(2) with numpy; Celery (prefork, concurrency 2, Redis broker and
result backend); Dask distributed (LocalCluster of 2 worker processes, 1 thread each); forkpool
(the packaged jar, embedded backend, 2 workers) through its HTTP API with ?wait.

Work, per round, systems in turn (the order rotates each round):
  large:   one pi job of PI_SAMPLES points; the peers cut it into PEER_TASKS tasks of numpy code
           (peers_work.pi_inside), forkpool into its own shards. Wall time from submit to result.
  latency: TINY_COUNT sequential tiny jobs (pi 10^5), each the system's own submit-and-wait.
  batch:   BATCH tiny jobs through the system's own batch form (Pool.starmap, Celery group,
           Dask client.map + gather, forkpool: concurrent POSTs with ?wait from CLIENTS threads).
Every pi estimate (each large job, the pooled tiny ones of a round) must lie within 6 sigma of pi.
Prints medians over ROUNDS rounds and ratios; writes every figure as JSON to PEERS_JSON if set.
"""
import http.client
import json
import math
import multiprocessing
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import peers_work

PI_SAMPLES = int(float(os.environ.get("PI_SAMPLES", "4e9")))
TINY = int(float(os.environ.get("TINY_SAMPLES", "1e5")))
TINY_COUNT = int(os.environ.get("TINY_COUNT", "200"))
BATCH = int(os.environ.get("BATCH", "2000"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
PEER_TASKS = int(os.environ.get("PEER_TASKS", "16"))
CLIENTS = int(os.environ.get("CLIENTS", "32"))
TIMEOUT = float(os.environ.get("JOB_TIMEOUT", "600"))

loads = []


def note_load():
    with open("/proc/loadavg") as f:
        loads.append(float(f.read().split()[0]))


def check_pi(label, inside, samples):
    """The estimate lies within 6 sigma of pi, or the benchmark stops: nobody benchmarks a bug."""
    p = math.pi / 4
    estimate = 4 * inside / samples
    sigma = 4 * math.sqrt(p * (1 - p) / samples)
    if abs(estimate - math.pi) > 6 * sigma:
        sys.exit(f"{label}: pi estimate {estimate} is {abs(estimate - math.pi) / sigma:.1f} sigma "
                 f"from pi over {samples} samples")


class PoolSystem:
    name = "multiprocessing.Pool + numpy"

    def __init__(self):
        self.pool = multiprocessing.get_context("fork").Pool(2)

    def large(self, samples, seed):
        counts = peers_work.split(samples, PEER_TASKS)
        return sum(self.pool.starmap(peers_work.pi_inside, [(n, seed, i) for i, n in enumerate(counts)], chunksize=1))

    def tiny(self, seed):
        return self.pool.apply(peers_work.pi_inside, (TINY, seed))

    def batch(self, seeds):
        return self.pool.starmap(peers_work.pi_inside, [(TINY, s) for s in seeds])

    def close(self):
        self.pool.terminate()
        self.pool.join()


class CelerySystem:
    name = "Celery (prefork, Redis)"

    def __init__(self):
        import peers_celery
        from celery import group
        self.task = peers_celery.pi_inside
        self.group = group
        deadline = time.monotonic() + 120
        while not peers_celery.app.control.ping(timeout=1.0):
            if time.monotonic() > deadline:
                sys.exit("the Celery worker did not answer a ping within 120 s")

    def large(self, samples, seed):
        counts = peers_work.split(samples, PEER_TASKS)
        result = self.group(self.task.s(n, seed, i) for i, n in enumerate(counts)).apply_async()
        return sum(result.get(timeout=TIMEOUT))

    def tiny(self, seed):
        return self.task.delay(TINY, seed).get(timeout=60)

    def batch(self, seeds):
        t0 = time.perf_counter()
        result = self.group(self.task.s(TINY, s) for s in seeds).apply_async()
        self.submit_s = time.perf_counter() - t0
        values = result.get(timeout=TIMEOUT)
        result.forget()
        return values

    def close(self):
        pass


class DaskSystem:
    name = "Dask distributed (LocalCluster)"

    def __init__(self):
        from dask.distributed import Client, LocalCluster
        self.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                    dashboard_address=None, host="127.0.0.1")
        self.client = Client(self.cluster)
        self.client.wait_for_workers(2, timeout=120)

    def large(self, samples, seed):
        counts = peers_work.split(samples, PEER_TASKS)
        futures = self.client.map(peers_work.pi_inside, counts, [seed] * len(counts), range(len(counts)), pure=False)
        return sum(self.client.gather(futures))

    def tiny(self, seed):
        return self.client.submit(peers_work.pi_inside, TINY, seed, pure=False).result(timeout=60)

    def batch(self, seeds):
        t0 = time.perf_counter()
        futures = self.client.map(peers_work.pi_inside, [TINY] * len(seeds), seeds, pure=False)
        self.submit_s = time.perf_counter() - t0
        return self.client.gather(futures)

    def close(self):
        self.client.close()
        self.cluster.close()


class ForkpoolSystem:
    name = "forkpool (2 workers)"

    def __init__(self):
        self.port = int(os.environ["FORKPOOL_PORT"])
        self.local = threading.local()

    def _connection(self):
        """This thread's keep-alive connection; a fresh one after 10 s idle (the server closes idle
        connections after its keep-alive timeout, and http.client would only notice on sending)."""
        conn = getattr(self.local, "conn", None)
        now = time.monotonic()
        if conn is not None and now - self.local.used > 10:
            conn.close()
            conn = None
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            self.local.conn = conn
        self.local.used = now
        return conn

    def _request(self, method, path, body=None):
        conn = self._connection()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status not in (200, 202):
            raise RuntimeError(f"forkpool {method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data)

    def _run(self, samples, seed):
        job = self._request("POST", "/api/v1/jobs?wait=60",
                            json.dumps({"type": "pi", "samples": samples, "seed": seed}))
        deadline = time.monotonic() + TIMEOUT
        while job["status"] in ("QUEUED", "RUNNING"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"forkpool job {job['id']} not done within {TIMEOUT} s")
            job = self._request("GET", f"/api/v1/jobs/{job['id']}")
            time.sleep(0.01)
        if job["status"] != "SUCCEEDED":
            raise RuntimeError(f"forkpool job {job['id']} ended {job['status']}: {job.get('error')}")
        if job["result"]["samples"] != samples:
            raise RuntimeError(f"forkpool job {job['id']} counted {job['result']['samples']} samples, not {samples}")
        return job["result"]["inside"]

    def large(self, samples, seed):
        return self._run(samples, seed)

    def floor_ms(self):
        """p50 of the service's liveness probe over the same connection: its HTTP stack alone."""
        times = []
        for _ in range(TINY_COUNT):
            t0 = time.perf_counter()
            self._request("GET", "/actuator/health/liveness")
            times.append((time.perf_counter() - t0) * 1e3)
        return percentile(times, 0.50)

    def tiny(self, seed):
        return self._run(TINY, seed)

    def batch(self, seeds):
        with ThreadPoolExecutor(CLIENTS) as executor:
            return list(executor.map(self.tiny, seeds))

    def close(self):
        pass


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def main():
    systems = [ForkpoolSystem(), PoolSystem(), CelerySystem(), DaskSystem()]
    figures = {s.name: {"large_s": [], "p50_ms": [], "p99_ms": [], "batch_jobs_s": []} for s in systems}
    # where a batch's time goes: the driver's CPU per job (the client; Dask's scheduler lives there
    # too) and, for Celery and Dask, the time until the submit call returned
    diag = {s.name: {"driver_cpu_ms_per_job": [], "submit_s": []} for s in systems}
    seed = 1000
    note_load()
    print(f"# warm-up: pi {PI_SAMPLES // 10}, {TINY_COUNT} tiny jobs and a batch on each system", flush=True)
    for s in systems:
        seed += 1
        check_pi(s.name + " warm-up", s.large(PI_SAMPLES // 10, seed), PI_SAMPLES // 10)
        for _ in range(TINY_COUNT):
            seed += 1
            s.tiny(seed)
        s.batch(list(range(seed + 1, seed + 1 + BATCH)))
        seed += BATCH
    for r in range(ROUNDS):
        order = systems[r % len(systems):] + systems[:r % len(systems)]
        for s in order:
            f = figures[s.name]
            note_load()
            seed += 1
            t0 = time.perf_counter()
            inside = s.large(PI_SAMPLES, seed)
            f["large_s"].append(time.perf_counter() - t0)
            check_pi(f"{s.name} large job", inside, PI_SAMPLES)

            times, total = [], 0
            for _ in range(TINY_COUNT):
                seed += 1
                t0 = time.perf_counter()
                total += s.tiny(seed)
                times.append((time.perf_counter() - t0) * 1e3)
            check_pi(f"{s.name} tiny jobs", total, TINY * TINY_COUNT)
            f["p50_ms"].append(percentile(times, 0.50))
            f["p99_ms"].append(percentile(times, 0.99))

            seeds = list(range(seed + 1, seed + 1 + BATCH))
            seed += BATCH
            s.submit_s = None
            t0, c0 = time.perf_counter(), time.process_time()
            values = s.batch(seeds)
            f["batch_jobs_s"].append(BATCH / (time.perf_counter() - t0))
            diag[s.name]["driver_cpu_ms_per_job"].append((time.process_time() - c0) * 1e3 / BATCH)
            diag[s.name]["submit_s"].append(s.submit_s)
            if len(values) != BATCH:
                sys.exit(f"{s.name}: batch returned {len(values)} results for {BATCH} jobs")
            check_pi(f"{s.name} batch", sum(values), TINY * BATCH)
            print(f"# round {r + 1} {s.name}: large {f['large_s'][-1]:.2f} s, tiny p50 {f['p50_ms'][-1]:.2f} ms "
                  f"p99 {f['p99_ms'][-1]:.2f} ms, batch {f['batch_jobs_s'][-1]:.0f} jobs/s (driver CPU "
                  f"{diag[s.name]['driver_cpu_ms_per_job'][-1]:.2f} ms/job"
                  + (f", submitted in {s.submit_s:.2f} s" if s.submit_s is not None else "") + ")", flush=True)
    floor = systems[0].floor_ms()
    note_load()
    for s in systems:
        s.close()

    fp = figures[systems[0].name]
    med = {k: statistics.median(v) for k, v in fp.items()}
    print()
    print(f"pi {PI_SAMPLES:.3g} samples (peers: {PEER_TASKS} numpy tasks), tiny = pi {TINY:.0g}; "
          f"medians of {ROUNDS} rounds; 'x' columns: forkpool's advantage (its speed / the peer's, "
          f"the peer's latency / its)")
    print()
    print("| system | large pi (s) | G samples/s | x | tiny p50 (ms) | tiny p99 (ms) | x p50 | x p99 "
          f"| batch of {BATCH} (jobs/s) | x |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in systems:
        m = {k: statistics.median(v) for k, v in figures[s.name].items()}
        print(f"| {s.name} | {m['large_s']:.2f} | {PI_SAMPLES / m['large_s'] / 1e9:.3f} "
              f"| {m['large_s'] / med['large_s']:.1f} "
              f"| {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {m['p50_ms'] / med['p50_ms']:.1f} "
              f"| {m['p99_ms'] / med['p99_ms']:.1f} "
              f"| {m['batch_jobs_s']:,.0f} | {med['batch_jobs_s'] / m['batch_jobs_s']:.1f} |")
    print()
    print("every round:")
    for s in systems:
        f = figures[s.name]
        print(f"  {s.name}: large " + ", ".join(f"{v:.2f}" for v in f["large_s"])
              + " s; p50 " + ", ".join(f"{v:.2f}" for v in f["p50_ms"])
              + " ms; p99 " + ", ".join(f"{v:.2f}" for v in f["p99_ms"])
              + " ms; batch " + ", ".join(f"{v:,.0f}" for v in f["batch_jobs_s"]) + " jobs/s")
    print(f"forkpool's HTTP floor: GET /actuator/health/liveness p50 {floor:.2f} ms (same client, after the rounds)")
    print(f"load average (1 min) seen during the run: {min(loads):.1f}-{max(loads):.1f} "
          "(the benchmark's own 2 busy processes included)")
    if os.environ.get("PEERS_JSON"):
        with open(os.environ["PEERS_JSON"], "w") as out:
            json.dump({"figures": figures, "diagnostics": diag, "loads": loads, "floor_ms": floor}, out, indent=1)


if __name__ == "__main__":
    main()

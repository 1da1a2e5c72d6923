"""CPU time against wall time of the peers' numpy pi task (peers_work.pi_inside), in
multiprocessing.Pool(2) and in a Dask LocalCluster of 2 processes: 4 tasks of 10^8 samples, twice
each. On a loaded machine it tells the task's own speed (samples per CPU second) from the share of
a core the scheduler gave it. Run: cd bench/python && /usr/bin/python3 peers_cpu.py
"""
import multiprocessing
import time

import peers_work

N = 100_000_000


def timed(n, seed, index):
    wall, cpu = time.perf_counter(), time.thread_time()
    peers_work.pi_inside(n, seed, index)
    return time.perf_counter() - wall, time.thread_time() - cpu


def show(label, started, results):
    tasks = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in results)
    rate = N / (sum(c for _, c in results) / len(results)) / 1e6
    print(f"{label}: {time.perf_counter() - started:.2f} s for 4 tasks; each task wall/CPU s: {tasks}; "
          f"{rate:.0f} M samples per CPU second", flush=True)


if __name__ == "__main__":
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for _ in range(2):
            t = time.perf_counter()
            show("Pool", t, pool.starmap(timed, [(N, 1, i) for i in range(4)], chunksize=1))
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        for _ in range(2):
            t = time.perf_counter()
            show("Dask", t, client.gather(client.map(timed, [N] * 4, [1] * 4, range(4), pure=False)))

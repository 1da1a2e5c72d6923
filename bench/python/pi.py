"""The tutorial's Monte Carlo pi with multiprocessing.Process + Queue (pure-Python random).

Reproduces the tutorial's code (03 multiprocessing, "monte carlo estimation of Pi example: with
queue"); only the sizes come from the command line and the time is printed as one number.
    python3 bench/python/pi.py N_DATA N_PROCESSES     -> prints "seconds estimate"
"""
import multiprocessing
import random
import sys
import time


def random_points_in_circle(n_data, queue):
    result = 0
    for d in range(n_data):
        x = random.random()
        y = random.random()
        if x**2 + y**2 <= 1:
            result += 1
    queue.put(result)


if __name__ == '__main__':
    n_data = int(float(sys.argv[1]))
    n_processes = int(sys.argv[2])
    start_time = time.time()
    n_data_per_process = n_data // n_processes
    queue = multiprocessing.Queue()
    for i in range(n_processes):
        p = multiprocessing.Process(target=random_points_in_circle, args=((n_data_per_process, queue)))
        p.start()
    num_point_in_circle = 0
    for i in range(n_processes):
        num_point_in_circle += queue.get()
    end_time = time.time()
    print(f'{end_time - start_time} {num_point_in_circle * 4 / n_data}')

"""The tutorial's dice rolls with multiprocessing.Process + a shared Array (pure-Python random).

Reproduces the tutorial's code (03 multiprocessing, "Array": roll_n_dice); only the sizes come
from the command line and the time is printed as one number.
    python3 bench/python/dice.py N_ROLLS N_PROCESSES   -> prints "seconds counts"
"""
import ctypes
import multiprocessing
import random
import sys
import time


def roll_n_dice(n, array):
    local_results = [0, 0, 0, 0, 0, 0]
    for i in range(n):
        current_roll = random.randint(1, 6)
        local_results[current_roll - 1] += 1
    with array.get_lock():
        for i in range(6):
            array[i] += local_results[i]


if __name__ == '__main__':
    n_rolls_total = int(float(sys.argv[1]))
    n_process = int(sys.argv[2])
    start_time = time.time()
    a = multiprocessing.Array(ctypes.c_int, 6)
    processes = []
    for i in range(n_process):
        p = multiprocessing.Process(target=roll_n_dice, args=(n_rolls_total // n_process, a))
        processes.append(p)
        p.start()
    for p in processes:
        p.join()
    end_time = time.time()
    print(f'{end_time - start_time} {list(a[:])}')

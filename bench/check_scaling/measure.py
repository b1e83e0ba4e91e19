#!/usr/bin/env python3
"""measure.py RUNS CMD... - run CMD (output discarded) RUNS times and print
`wall cpu maxrss_kb exit`: the best wall-clock seconds, the best CPU seconds
(user + system of the child, which a loaded machine inflates far less than
wall time) and the largest peak resident set of any run, in KiB, from the
child's own rusage (os.wait4), and the exit status of the last run."""
import os
import subprocess
import sys
import time


def once(cmd):
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=null)
        _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode


def main():
    runs, cmd = int(sys.argv[1]), sys.argv[2:]
    best_wall = best_cpu = float("inf")
    rss, rc = 0, 0
    for _ in range(runs):
        wall, cpu, kb, rc = once(cmd)
        best_wall, best_cpu, rss = min(best_wall, wall), min(best_cpu, cpu), max(rss, kb)
    print("%.3f %.3f %d %d" % (best_wall, best_cpu, rss, rc))


if __name__ == "__main__":
    main()

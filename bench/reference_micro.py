"""The tutorial's libraries on the same micro-benchmarks as bench/Microbench.

Prints `name ns_per_op` lines: the median of 7 rounds, like the Swift side.
"""
import os
import statistics
import time

import pyotp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 160 bits: pyotp >= 2.12 refuses fewer than 128
NOW = 1_700_000_000


def measure(body, iterations, rounds=7):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            body()
        samples.append((time.perf_counter_ns() - start) / iterations)
    return statistics.median(samples)


def main():
    iterations = int(os.environ.get("BENCH_ITERATIONS", "20000"))
    totp = pyotp.TOTP(SECRET)
    code = totp.at(NOW)
    assert totp.verify(code, for_time=NOW, valid_window=1)
    ns = measure(lambda: totp.verify(code, for_time=NOW, valid_window=1), iterations)
    print(f"totp_verify_ns {ns:.0f}")


if __name__ == "__main__":
    main()

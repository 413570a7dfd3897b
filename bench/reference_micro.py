"""The tutorial's libraries on the same micro-benchmarks as bench/Microbench.

Prints `name ns_per_op` lines: the median of 7 rounds, like the Swift side.
"""
import io
import os
import statistics
import time

import pyotp
import qrcode

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 160 bits: pyotp >= 2.12 refuses fewer than 128
NOW = 1_700_000_000
# The same URI as bench/Microbench, drawn at totpgate's default scale and quiet zone.
URI = "otpauth://totp/totpgate:demo?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=totpgate"
BOX_SIZE = 6
BORDER = 4


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

    def render_png():
        # What the tutorial does: qrcode.make, then save as PNG (here into memory).
        out = io.BytesIO()
        qrcode.make(URI, box_size=BOX_SIZE, border=BORDER).save(out, "PNG")
        return out.getvalue()

    ns = measure(render_png, int(os.environ.get("BENCH_QR_ITERATIONS", "40")))
    print(f"qr_png_ns {ns:.0f}")
    print(f"qr_png_bytes {len(render_png())}")


if __name__ == "__main__":
    main()

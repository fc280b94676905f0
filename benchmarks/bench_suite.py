"""The test suite's own cost: wall time, CPU-seconds, and how busy the machine's cores were, for the 3-minute target.

Run: ``python3 benchmarks/bench_suite.py [pytest arguments…]`` (from the project folder; Linux, it reads /proc/stat).
It runs ``./run_tests.sh`` with the arguments given, and prints:

- *wall*: the whole command (install check, ruff, mypy beside pytest), as the README's test command runs;
- *CPU-s*: every core's busy time over that span (user, nice, system, interrupts), whichever process spent it
  (pytest's workers, the Streamlit servers, Chromium, the commands the tests start);
- *idle core-s*: what the cores left unused (a test waiting on a sleep or on a browser, or a worker finishing last);
- *stolen*: time the virtual machine's host gave to someone else;
- *calibration*: seconds a fixed one-core workload took just before. The same code measured on the same machine has
  run 160 s with a calibration of 1.25 s and 200 s with 1.9 s: compare runs by their calibration, or back to back.
- a line every ten seconds of how many cores were busy, to see where the suite waits;
- on a failure, its ``FAILED``/``E`` lines (the whole output is kept in test-artifacts/bench-suite.log).
Asserts nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVERY = 10.0


def cpu_times() -> tuple[float, float, float]:
    """(busy, idle, stolen) core-seconds since boot, from the first line of /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, (idle + iowait) / tick, steal / tick


def calibration() -> float:
    """CPU seconds of a fixed workload (arithmetic, JSON, zlib): how fast this machine is right now."""
    start = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    text = json.dumps([{"a": i, "b": str(i) * 5} for i in range(200_000)])
    json.loads(text)
    zlib.compress(text.encode() * 3)
    return time.process_time() - start


def main(args: list[str]) -> int:
    calib = calibration()
    samples: list[tuple[float, float, float]] = []
    done = threading.Event()

    def sample() -> None:
        last = cpu_times()
        while not done.wait(EVERY):
            now = cpu_times()
            samples.append(tuple((b - a) / EVERY for a, b in zip(last, now, strict=True)))
            last = now

    before, started = cpu_times(), time.monotonic()
    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    log = ROOT / "test-artifacts" / "bench-suite.log"  # the run's own output, for a failure's reason
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(["./run_tests.sh", "-q", *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    done.set()
    wall, after = time.monotonic() - started, cpu_times()
    busy, idle, stolen = (b - a for a, b in zip(before, after, strict=True))
    print(f"exit {code} · wall {wall:.0f} s · {busy:.0f} CPU-s · idle {idle:.0f} core-s · stolen {stolen:.1f} s "
          f"· {os.cpu_count()} cores · calibration {calib:.2f} s")
    if code:
        print("".join(line for line in log.read_text(encoding="utf-8").splitlines(keepends=True)
                      if line.startswith(("FAILED", "ERROR", "E "))))
    for i, (b, _, _) in enumerate(samples):
        print(f"{(i + 1) * EVERY:5.0f} s  {'#' * round(b * 10):<{10 * (os.cpu_count() or 1)}} {b:.1f} cores busy")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""bench/local_stack.py --quick runs to the end (CI smoke test: no timing is asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_local_stack_benchmark_runs_quickly():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "local_stack.py"), "--quick"],
        capture_output=True, text=True, timeout=180, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| devstack moto (after) | 300 |" in done.stdout
    assert "restart s" in done.stdout and "restart after kill -9" in done.stdout
    # Disk per photo about the photo's own bytes: the body once (not base64 in the log, 1.47x
    # before), plus ~5 KB of metadata (the transaction and the PUT's entry) and ~3.6 KB of
    # snapshot on a 40 KB photo.
    row = "| devstack moto (after) | 300 | "
    restarts = [line for line in done.stdout.splitlines() if line.startswith(row)]
    ratio = float(restarts[-1].split("|")[5])
    assert 1 <= ratio < 1.3, restarts

"""Every bench in bench/ still runs: each one's --quick mode, as a child process, end to end.

No timing is asserted (speed is what the benches print, on a quiet machine); these fail when a
bench breaks, as bench/upload.py and bench/gallery_page.py once did unnoticed. The quick modes
need nothing beyond requirements-dev.txt: without wrk the page bench drives the site from Python,
without pyvips the image benches leave it out (bench/thumbnails.py likewise sorl-thumbnail,
easy-thumbnails and Willow). photologue runs from a venv of its own that bench/list_peers.py makes
on first use (.local/bench-photologue); its smoke test skips until that venv exists.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHES = {
    "gallery_page.py": "| gallery, 100 photos, Query replayed | 24 (48 presigned URLs) | dynamodb 1 |",
    "direct_upload.py": "| complete to ready |",
    "upload.py": "## Peak RSS (VmHWM) of the one gunicorn worker, MB",
    "thumbnails.py": "| 2 MP JPEG | JPEG",
    "renditions.py": "Every size (400 WEBP",
    "page_weight.py": "| home | 390x844@3 |",
    "presign.py": "presigned URLs (private), from the cache",
    "s3_writes.py": "| card (30 KB) | PhotoStorage._save (one PutObject) |",
    "zip_memory.py": "## Peak memory of a streamed zip (fresh process per row)",
    "feed.py": "| follows the two below the limit | ",
    "server_calls.py": "| home page | none |",
    "worker_memory.py": "| 12 MP PNG screenshot, RGBA (4032x3024): 4032x3024, 12.19 MP | 3.9 MiB |",
}
# Benches of peers that run from a venv of their own: (the venv, a line of the report).
PEER_BENCHES = {
    "list_peers.py": (ROOT / ".local" / "bench-photologue", "| photologue PhotoListView |"),
}


def run_quick(script):
    env = {
        name: value
        for name, value in os.environ.items()
        # The bench builds its own stack (moto, SQLite, gunicorn): none of the test run's settings.
        if not name.startswith(("DJANGO_", "AWS_", "DYNAMODB_", "DATABASE_URL", "PHOTOSHARE_"))
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("script", sorted(BENCHES))
def test_bench_runs_quick(script):
    result = run_quick(script)
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{script} --quick failed:\n{output}"
    assert BENCHES[script] in result.stdout, result.stdout[-3000:]
    assert "Command: bench/" in result.stdout


@pytest.mark.parametrize("script", sorted(PEER_BENCHES))
def test_peer_bench_runs_quick(script):
    venv, expected = PEER_BENCHES[script]
    if not (venv / "bin" / "python").exists():
        pytest.skip(f"no peer venv {venv.relative_to(ROOT)}: bench/{script} makes it on its first run")
    result = run_quick(script)
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{script} --quick failed:\n{output}"
    assert expected in result.stdout, result.stdout[-3000:]


# The benches that time something: each refuses a record above bench/_common.RECORD_MAX_LOAD.
TIMING_BENCHES = ("direct_upload", "feed", "gallery_page", "list_peers", "local_stack", "page_weight",
                  "presign", "renditions", "s3_writes", "thumbnails", "upload")  # fmt: skip


@pytest.mark.parametrize("name", TIMING_BENCHES)
def test_a_timing_bench_records_nothing_on_a_busy_machine(name, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    monkeypatch.setattr(os, "environ", dict(os.environ))  # what a bench sets as it loads stays here
    bench = importlib.import_module(name)
    monkeypatch.setattr(os, "getloadavg", lambda: (4.2, 3.0, 2.0))
    with pytest.raises(SystemExit, match=r"load average 4\.2 > 1\.5: figures would be no record"):
        bench.main([])


def test_the_list_bench_records_nothing_without_wrk(monkeypatch):
    """The Python client shares the two cores with the servers it measures: a quiet machine
    without wrk gave the photo page 1.56x photologue's requests/s, 2.12x with wrk."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import list_peers

    monkeypatch.setattr(list_peers.os, "getloadavg", lambda: (0.1, 0.1, 0.1))
    monkeypatch.setattr(list_peers.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="wrk is not installed"):
        list_peers.main(["--rounds", "1"])

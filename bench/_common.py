"""Shared by the bench/ scripts: the machine they ran on, peak memory, synthetic photos, tables."""

import os
import random
import statistics
import sys
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# A timing measured above this 1-minute load average is no record: other work skews the ratios.
RECORD_MAX_LOAD = 1.5


def refuse_if_loaded(allowed):
    """Exit, saying why, when the machine is too busy for a figure worth recording, unless
    `allowed` (the bench's --quick or --force). The load now, for the bench to print."""
    load = os.getloadavg()[0]
    if load > RECORD_MAX_LOAD and not allowed:
        sys.exit(
            f"load average {load:.1f} > {RECORD_MAX_LOAD}: figures would be no record (--force runs anyway)"
        )
    return load


def machine():
    """`nproc`, the CPU model and the RAM, for the header of every result."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    usable = len(os.sched_getaffinity(0))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    memory = f"{mem_kb / 1024**2:.1f} GiB RAM"
    return f"{os.cpu_count()} CPUs ({usable} usable), {model}, {memory}; load average {load}"


def vm_hwm_mb(pid="self"):
    """Peak resident set size (VmHWM) of a process in MB. (ru_maxrss of a child is inherited across
    fork+exec on Linux, so it would report the parent's peak.)"""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def photo_like(size, seed=1, noise=8.0):
    """An RGB image with the statistics of a photo: broad shapes, texture and sensor-like noise."""
    width, height = size
    rng = random.Random(seed)
    broad = Image.frombytes("RGB", (16, 12), rng.randbytes(16 * 12 * 3)).resize(
        size, Image.Resampling.BICUBIC
    )
    texture_size = (max(1, width // 10), max(1, height // 10))
    texture = Image.frombytes("RGB", texture_size, rng.randbytes(texture_size[0] * texture_size[1] * 3))
    image = Image.blend(broad, texture.resize(size, Image.Resampling.BILINEAR), 0.2)
    if noise:
        grain = Image.effect_noise(size, noise).convert("RGB")
        image = ImageChops.add(image, grain, offset=-128)
    return image


def median_ms(samples):
    return statistics.median(samples) * 1000


def p95_ms(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def table(headers, rows):
    """A Markdown table (printed by the scripts and pasted into docs/benchmarks.md)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


class Profile:
    """py-spy sampling the given processes (e.g. gunicorn's arbiter and its workers) meanwhile."""

    def __init__(self, pid, output, seconds):
        self.pid, self.output, self.seconds = pid, Path(output), seconds

    def __enter__(self):
        import shutil
        import subprocess

        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.process = subprocess.Popen(
            [py_spy, "record", "--pid", str(self.pid), "--subprocesses", "--format", "raw", "--rate", "250",
             "--duration", str(self.seconds), "--output", str(self.output), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return self

    def __exit__(self, *exc_info):
        self.process.wait()

    def top(self, count=15):
        """[(share of in-request samples, "function (file)")] by inclusive time, plumbing left out."""
        inclusive, total = {}, 0
        for line in self.output.read_text().splitlines():
            stack, _, samples = line.rpartition(" ")
            frames = stack.split(";")
            if not any(frame.startswith("WSGIHandler.__call__") for frame in frames):
                continue  # the arbiter, or a worker between requests
            total += int(samples)
            for label in {
                frame.rpartition(":")[0] + ")" for frame in frames if not frame.startswith("process ")
            }:
                inclusive[label] = inclusive.get(label, 0) + int(samples)
        ranked = sorted(inclusive.items(), key=lambda item: -item[1])
        return [(n / total, label) for label, n in ranked if not _is_plumbing(label)][:count], total


_PLUMBING = (
    "(gunicorn/", "(<frozen", "(django/core/handlers", "(django/utils/deprecation", "(bench/instrument",
    "(django/contrib/staticfiles", "(whitenoise/", "(threading.py", "(django/views/decorators",
)  # fmt: skip


def _is_plumbing(label):
    return any(part in label for part in _PLUMBING)

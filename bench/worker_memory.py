"""Peak memory of the worker processing one upload: the real code path, in a fresh process.

    .venv/bin/python bench/worker_memory.py [--quick]

Starts its own stack (bench/_stack.py: moto, SQLite), then for each file: puts it in S3 where a
direct upload puts it, completes the upload (gallery.services.photos.complete_upload: the photo
item and its SQS job), and runs `manage.py worker --once` in a fresh child process, which downloads
the original, makes every rendition, uploads them and writes the item (photos.process_upload).
The child prints its peak RSS (VmHWM) when done; a child that only starts Django and the worker
with nothing queued gives the floor. The goal (issue 26): <= 150 MB for any upload the default
limits accept (PHOTOSHARE_MAX_UPLOAD_BYTES 20 MiB, _MAX_IMAGE_PIXELS 50 MP for JPEG,
_MAX_FULL_DECODE_PIXELS 25 MP for every format decoded whole). Memory does not depend on the load.
"""

import io
import os
import subprocess
import sys
import time

from _common import ROOT, machine, photo_like, table
from _stack import Stack
from PIL import Image

GOAL_MB = 150

# Each child: Django set up as `manage.py` does, the worker run once, its own peak printed.
CHILD = """
import os, sys
sys.path.insert(0, {root!r})
import django
django.setup()
from django.core.management import call_command
from bench._common import vm_hwm_mb
if {run!r}:
    call_command("worker", once=True)
print("VmHWM", round(vm_hwm_mb(), 1))
"""


def _smooth(size, mode="RGB"):
    """Photo-like but smooth enough that a 25 MP PNG fits the 20 MiB upload limit: decoding costs
    the same memory whatever the content, the limit bounds the file's bytes."""
    quarter = (size[0] // 4, size[1] // 4)
    image = photo_like(quarter, noise=0).resize(size, Image.Resampling.BICUBIC)
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").resize(size))
    elif mode == "I;16":
        image = image.convert("L").point(lambda value: value * 256, "I").convert("I;16")
    return image


def _file(case):
    _name, size, fmt, mode = case
    image = photo_like(size) if fmt == "JPEG" else _smooth(size, mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **{"JPEG": {"quality": 92}, "WEBP": {"quality": 90}}.get(fmt, {}))
    return buffer.getvalue()


# (name, size, Pillow format, mode): the largest of each kind the default limits accept.
CASES = [
    ("25 MP PNG, RGB (the full-decode limit)", (5000, 5000), "PNG", "RGB"),
    ("25 MP PNG, RGBA", (5000, 5000), "PNG", "RGBA"),
    ("25 MP PNG, 16-bit greyscale", (5000, 5000), "PNG", "I;16"),
    ("25 MP WebP", (5000, 5000), "WEBP", "RGB"),
    ("50 MP JPEG (the pixel limit)", (8660, 5773), "JPEG", "RGB"),
    ("24 MP JPEG (6000x4000)", (6000, 4000), "JPEG", "RGB"),
]
QUICK_CASES = [CASES[0]]


def run_child(run):
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), run=run)],
        env=dict(os.environ), cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    peak = next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("VmHWM"))
    return float(peak), time.perf_counter() - started


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    print(f"Command: bench/worker_memory.py {' '.join(argv)}".rstrip())
    print(f"Machine: {machine()}")
    with Stack() as stack:
        from gallery.domain.limits import LIMITS
        from gallery.services import photos
        from gallery.storage.dynamodb import photo_repository
        from gallery.storage.s3 import objects
        from gallery.storage.s3.keys import upload_key

        floor, _ = run_child(run=False)
        rows = [("Django + the worker, nothing queued (the floor)", "-", f"{floor:.0f}", "-", "-")]
        for case in QUICK_CASES if quick else CASES:
            data = _file(case)
            if len(data) > LIMITS.upload_bytes:
                rows.append((case[0], f"{len(data) / 1024**2:.1f} MiB", "over the upload limit", "-", "-"))
                continue
            upload_id = photos.start_upload(stack.user).upload_id
            objects.save(upload_key(stack.user.pk, upload_id), data)
            photos.complete_upload(stack.user, upload_id, title=case[0])
            peak, seconds = run_child(run=True)
            status = photo_repository().get_photo(upload_id).status
            assert status == "ready", f"{case[0]}: the worker left the photo {status}"
            verdict = "met" if peak <= GOAL_MB else "**over**"
            rows.append((case[0], f"{len(data) / 1024**2:.1f} MiB", f"{peak:.0f}", f"{seconds:.1f}", verdict))
            print(f"  {case[0]}: {peak:.0f} MB; load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print(f"\n## Worker peak RSS (VmHWM), one upload, fresh process (goal <= {GOAL_MB} MB)\n")
    print(table(["upload", "file", "peak MB", "child s", f"<= {GOAL_MB} MB"], rows))
    print(f"\nload average after: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

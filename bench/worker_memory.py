"""Peak memory of the worker processing one upload: the real code path, in a fresh process.

    .venv/bin/python bench/worker_memory.py [--quick] [--only TEXT]

Starts its own stack (bench/_stack.py: moto, SQLite), then for each file: puts it in S3 where a
direct upload puts it, completes the upload (gallery.services.photos.complete_upload: the photo
item and its SQS job), and runs `manage.py worker --once` in a fresh child process, which downloads
the original, makes every rendition, uploads them and writes the item (photos.process_upload).
The child prints its peak RSS (VmHWM) when done; a child that only starts Django and the worker
with nothing queued gives the floor. Its caches are in Redis, as every deployment has them
(deploy/instance/configure_env.py: the rate limits, media URLs and list pages; redis-py and its
connection measured 0-3 MB of the HEIC row's peak), when Redis answers at BENCH_REDIS_URL; else per
process, said under the table. The goal (issue 26): <= 150 MB for any upload the default
limits accept (PHOTOSHARE_MAX_UPLOAD_BYTES 20 MiB, _MAX_IMAGE_PIXELS 50 MP for JPEG and the PNGs
decoded in bands, _MAX_DECODE_BYTES 125 MB for every image decoded whole: its rows are the largest
4:3 image of their format and mode that gallery.imaging.policy.decode_pixel_limit accepts, and one
pixel row more, refused before anything is decoded). Memory does not depend on the load.
"""

import io
import math
import os
import subprocess
import sys
import time
import uuid

from _common import ROOT, machine, photo_like, table
from _stack import Stack
from list_peers import REDIS_URL, redis_reachable
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
    elif mode == "P":
        image = image.quantize(16)  # saved with 4 bits a pixel: a PNG decoded whole
    return image


# How each format is written: a TIFF compressed so that one at its decode limit fits the upload
# limit (a JPEG-compressed TIFF is still decoded whole); a palette PNG with 4 bits a pixel.
SAVE_OPTIONS = {
    "JPEG": {"quality": 92},
    "WEBP": {"quality": 90},
    "TIFF": {"compression": "jpeg", "quality": 90},
    ("TIFF", "RGBA"): {"compression": "tiff_adobe_deflate"},
    ("PNG", "P"): {"bits": 4},
}


def _file(case):
    size, fmt, mode = _size(case), case[2], case[3]
    image = photo_like(size) if fmt in ("JPEG", "HEIF") else _smooth(size, mode)
    buffer = io.BytesIO()
    options = case[4] if len(case) > 4 else SAVE_OPTIONS.get((fmt, mode), SAVE_OPTIONS.get(fmt, {}))
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def pixel_limit(fmt, mode, banded=False, lossless=False):
    """The most pixels the site's policy accepts of `fmt` and `mode` (a 16-bit PNG opens as I;16),
    decoded in bands or whole (gallery.imaging.png_bands.can_band), a `lossless` WebP or not."""
    from gallery.domain.limits import LIMITS
    from gallery.imaging.policy import WEBP_LOSSLESS, decode_pixel_limit
    from gallery.imaging.process import site_policy  # registers the HEIC plugin too

    info = {WEBP_LOSSLESS: True} if lossless else {}
    return decode_pixel_limit(site_policy(LIMITS), fmt, mode, info, banded=banded)


def at_limit(fmt, mode, over=False, banded=False, lossless=False):
    """The largest 4:3 size an image of `fmt` and `mode` may have at the site's limits (one row
    more with `over`): read from the policy, as every upload path does."""
    pixels = pixel_limit(fmt, mode, banded, lossless)
    width = math.isqrt(pixels * 4 // 3)
    height = pixels // width
    return (width, height + 1) if over else (width, height)


LOSSLESS = {"lossless": True}  # Pillow's save option: a WebP's own, lower limit (policy.WEBP_LOSSLESS)
# (name, size or at_limit's (format, mode, over, banded), Pillow format, mode[, save options]): the largest of
# each kind the default limits accept, and one pixel row more of some (refused).
CASES = [
    ("12 MP PNG screenshot, RGBA (4032x3024)", (4032, 3024), "PNG", "RGBA"),
    ("PNG, RGB, in bands, at the pixel limit", ("PNG", "RGB", False, True), "PNG", "RGB"),
    ("PNG, RGBA, in bands, at the pixel limit", ("PNG", "RGBA", False, True), "PNG", "RGBA"),
    ("PNG, 16-bit greyscale, in bands, at the pixel limit", ("PNG", "I;16", False, True), "PNG", "I;16"),
    ("PNG, 4-bit palette (decoded whole), at the decode limit", ("PNG", "P"), "PNG", "P"),
    ("PNG, 4-bit palette, one row over it", ("PNG", "P", True), "PNG", "P"),
    ("TIFF, RGB, at the decode limit", ("TIFF", "RGB"), "TIFF", "RGB"),
    ("TIFF, RGBA, at the decode limit", ("TIFF", "RGBA"), "TIFF", "RGBA"),
    ("WebP at the decode limit", ("WEBP", "RGB"), "WEBP", "RGB"),
    ("WebP, lossless, at its decode limit", ("WEBP", "RGB", False, False, True), "WEBP", "RGB", LOSSLESS),
    ("WebP, lossless, transparent, at it", ("WEBP", "RGBA", False, False, True), "WEBP", "RGBA", LOSSLESS),
    ("WebP, lossless, one row over it", ("WEBP", "RGB", True, False, True), "WEBP", "RGB", LOSSLESS),
    ("WebP, one row over it", ("WEBP", "RGB", True), "WEBP", "RGB"),
    ("12 MP iPhone HEIC (4032x3024)", (4032, 3024), "HEIF", "RGB"),
    ("50 MP JPEG (the pixel limit)", (8660, 5773), "JPEG", "RGB"),
    ("24 MP JPEG (6000x4000)", (6000, 4000), "JPEG", "RGB"),
]
QUICK_CASES = [CASES[0]]


def _size(case):
    size = case[1]
    return at_limit(*size) if isinstance(size[0], str) else size


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
    # --only TEXT: the rows whose name holds TEXT (case-insensitive), the floor always.
    only = argv[argv.index("--only") + 1].lower() if "--only" in argv else None
    print(f"Command: bench/worker_memory.py {' '.join(argv)}".rstrip())
    print(f"Machine: {machine()}")
    with_redis = redis_reachable(REDIS_URL)
    if with_redis:  # its keys carry a prefix of this run's own and expire by themselves
        caches = ("DJANGO_CACHE_URL", "PHOTOSHARE_MEDIA_URL_CACHE_URL", "PHOTOSHARE_LIST_CACHE_URL")
        os.environ.update(
            dict.fromkeys(caches, REDIS_URL), DJANGO_CACHE_KEY_PREFIX=f"memory-{uuid.uuid4().hex[:8]}"
        )
    with Stack() as stack:
        from gallery.domain.limits import LIMITS
        from gallery.services import photos
        from gallery.storage.dynamodb import photo_repository
        from gallery.storage.s3 import objects
        from gallery.storage.s3.keys import upload_key

        floor, _ = run_child(run=False)
        rows = [("Django + the worker, nothing queued (the floor)", "-", f"{floor:.0f}", "-", "-")]
        for case in QUICK_CASES if quick else CASES:
            if only is not None and only not in case[0].lower():
                continue
            data = _file(case)
            width, height = _size(case)
            name = f"{case[0]}: {width}x{height}, {width * height / 1e6:.2f} MP"
            if len(data) > LIMITS.upload_bytes:
                rows.append((name, f"{len(data) / 1024**2:.1f} MiB", "over the upload limit", "-", "-"))
                continue
            upload_id = photos.start_upload(stack.user).upload_id
            objects.save(upload_key(stack.user.pk, upload_id), data)
            photos.complete_upload(stack.user, upload_id, title=case[0])
            peak, seconds = run_child(run=True)
            photo = photo_repository().get_photo(upload_id)
            # One row over, or a lower budget. The bench's files are as the case says: a PNG of
            # 8 or 16 bits is decoded in bands, a 4-bit one whole (png_bands.can_band).
            banded = case[2] == "PNG" and case[3] != "P"
            lossless = len(case) > 4 and case[4].get("lossless", False)
            refused = width * height > pixel_limit(case[2], case[3], banded, lossless)
            expected = "failed" if refused else "ready"
            assert photo.status == expected, f"{name}: the worker left the photo {photo.status}"
            verdict = "met" if peak <= GOAL_MB else "**over**"
            if refused:
                verdict = f"refused: {photo.failure_reason}"
            rows.append((name, f"{len(data) / 1024**2:.1f} MiB", f"{peak:.0f}", f"{seconds:.1f}", verdict))
            print(f"  {name}: {peak:.0f} MB; load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print(f"\n## Worker peak RSS (VmHWM), one upload, fresh process (goal <= {GOAL_MB} MB)\n")
    print(table(["upload", "file", "peak MB", "child s", f"<= {GOAL_MB} MB"], rows))
    if with_redis:
        print(f"\nCaches in Redis at {REDIS_URL}, as deployed.")
    else:
        print(f"\n(no Redis at {REDIS_URL}: caches per process, not in Redis as deployed)")
    print(f"\nload average after: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

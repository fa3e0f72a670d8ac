"""Thumbnailing: gallery.images.process_image vs naive Pillow vs pyvips thumbnail_buffer.

    .venv/bin/python bench/thumbnails.py            (pyvips: pip install -r bench/requirements.txt)

On generated 12 MP and 24 MP JPEGs and a 12 MP PNG, to a 400 px JPEG (q85): ms per image (median),
peak RSS of a fresh process per method (VmHWM), images/s with 2 processes, and the output compared
with a full-resolution reference (size, PSNR). Ratios are against the same run's figures.
"""

import argparse
import concurrent.futures
import io
import math
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, median_ms, photo_like, table, vm_hwm_mb
from PIL import Image, ImageChops, ImageStat

from gallery.images import THUMBNAIL_QUALITY, process_image

SIZE = 400
MAX_PIXELS = 50_000_000
IMAGES = {
    "12 MP JPEG": ((4000, 3000), "JPEG"),
    "24 MP JPEG": ((6000, 4000), "JPEG"),
    "12 MP PNG": ((4000, 3000), "PNG"),
}


def project(data):
    # display_size=SIZE: the thumbnail's work alone (the one decode at 400 px; the "display" is
    # then the same pixels encoded once more, ~1 ms), comparable with the other methods.
    processed = process_image(io.BytesIO(data), thumbnail_size=SIZE, display_size=SIZE, max_pixels=MAX_PIXELS)
    return processed.thumbnail.data


def naive(data):
    """What one writes first: open, decode everything, LANCZOS resize, save."""
    image = Image.open(io.BytesIO(data))
    image.load()
    scale = SIZE / max(image.size)
    resized = image.resize(
        (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
    )
    buffer = io.BytesIO()
    resized.convert("RGB").save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()


def vips(data):
    import pyvips

    thumbnail = pyvips.Image.thumbnail_buffer(data, SIZE, height=SIZE, size="down")
    return thumbnail.jpegsave_buffer(Q=THUMBNAIL_QUALITY, optimize_coding=True, keep="none")


METHODS = {"gallery.images": project, "naive Pillow": naive, "pyvips": vips}


def make_images(directory):
    paths = {}
    for name, (size, image_format) in IMAGES.items():
        path = Path(directory) / f"{name.replace(' ', '-')}.{image_format.lower()}"
        options = {"quality": 90} if image_format == "JPEG" else {"compress_level": 6}
        photo_like(size, seed=len(paths) + 1).save(path, format=image_format, **options)
        paths[name] = path
    return paths


def time_method(method, data, runs):
    method(data)  # warm-up: imports, libraries, caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        method(data)
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


def _run_from_path(method_name, path):
    METHODS[method_name](Path(path).read_bytes())


def throughput(method_name, path, processes, tasks):
    """Images per second with `processes` worker processes, each image read from the file."""
    # spawn, not fork: a forked copy of a process where libvips has started its threads can hang.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=context) as pool:
        list(pool.map(_run_from_path, [method_name] * processes, [path] * processes))  # start + warm up
        start = time.perf_counter()
        list(pool.map(_run_from_path, [method_name] * tasks, [path] * tasks))
        return tasks / (time.perf_counter() - start)


def peak_rss(method_name, path):
    """VmHWM of a fresh interpreter that thumbnails the image once (imports included)."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", method_name, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.strip())


def psnr(output, reference):
    candidate = Image.open(io.BytesIO(output)).convert("RGB")
    expected = reference.resize(candidate.size, Image.Resampling.LANCZOS)
    stat = ImageStat.Stat(ImageChops.difference(candidate, expected))
    mse = sum(stat.sum2) / (3 * candidate.width * candidate.height)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per method and image")
    parser.add_argument("--tasks", type=int, default=16, help="images per throughput measurement")
    parser.add_argument("--quick", action="store_true", help="the 12 MP JPEG, 1 run, 2 tasks (< 60 s)")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.tasks = 1, 2
        for name in list(IMAGES)[1:]:
            del IMAGES[name]
    if args.child:
        method_name, path = args.child
        if method_name != "idle":
            _run_from_path(method_name, path)
        print(f"{vm_hwm_mb():.1f}")
        return

    print(f"Machine: {machine()}")
    print(f"Command: bench/thumbnails.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    print(f"Python {sys.version.split()[0]}, Pillow {Image.__version__}", end="")
    try:
        import pyvips

        libvips = ".".join(str(pyvips.version(part)) for part in range(3))
        print(f", pyvips {pyvips.__version__} (libvips {libvips})")
    except ImportError:
        if not args.quick:
            print("\npyvips is missing: pip install -r bench/requirements.txt")
            raise SystemExit(1) from None
        print("\npyvips is missing (pip install -r bench/requirements.txt): --quick goes on without it")
        del METHODS["pyvips"]

    with tempfile.TemporaryDirectory() as directory:
        paths = make_images(directory)
        idle = peak_rss("idle", "-")
        rows = []
        summary = []
        for image_name, path in paths.items():
            data = path.read_bytes()
            with Image.open(path) as full:
                full.load()
                reference = full.convert("RGB")
            figures = {}
            for method_name, method in METHODS.items():
                output = method(data)
                figures[method_name] = {
                    "ms": time_method(method, data, args.runs),
                    "rss": peak_rss(method_name, path),
                    "one": throughput(method_name, path, 1, args.tasks // 2),
                    "two": throughput(method_name, path, 2, args.tasks),
                    "size": Image.open(io.BytesIO(output)).size,
                    "bytes": len(output),
                    "psnr": psnr(output, reference),
                }
            ours, slow = (figures[name]["ms"] for name in ("gallery.images", "naive Pillow"))
            vips_ms = figures["pyvips"]["ms"] if "pyvips" in figures else math.nan
            for method_name, figure in figures.items():
                rows.append(
                    [
                        image_name if method_name == "gallery.images" else "",
                        f"{image_name.split()[-1]} {len(data) / 1e6:.1f} MB"
                        if method_name == "gallery.images"
                        else "",
                        method_name,
                        f"{figure['ms']:.0f}",
                        f"{figure['ms'] / ours:.2f}×",
                        f"{figure['rss']:.0f}",
                        f"{figure['two']:.1f}",
                        f"{figure['two'] / figure['one']:.2f}×",
                        f"{figure['size'][0]}×{figure['size'][1]}, {figure['bytes'] / 1024:.1f} KB",
                        f"{figure['psnr']:.1f}",
                    ]
                )
            summary.append((image_name, ours / vips_ms, slow / ours))

    print()
    print(
        table(
            [
                "image", "file", "method", "ms/image (median)", "× gallery.images", "peak RSS MB",
                "images/s, 2 processes", "2 vs 1 process", "output", "PSNR dB vs full-res",
            ],
            rows,
        )
    )  # fmt: skip
    print(f"\nPeak RSS of the same interpreter doing nothing but the imports: {idle:.0f} MB")
    print()
    print(
        table(
            ["image", "gallery.images ÷ pyvips (goal ≤ 1.3 on JPEG)", "naive ÷ gallery.images (goal ≥ 5)"],
            [[name, f"{to_vips:.2f}", f"{speedup:.1f}"] for name, to_vips, speedup in summary],
        )
    )


if __name__ == "__main__":
    main()

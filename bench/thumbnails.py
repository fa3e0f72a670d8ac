"""Thumbnailing: process_image (imaging) vs naive Pillow, pyvips, sorl-thumbnail, easy-thumbnails, Willow

    .venv/bin/python bench/thumbnails.py            (the peers: pip install -r bench/requirements.txt)

On generated 12 MP and 24 MP JPEGs and a 12 MP PNG, to a 400 px JPEG (q85) from the file's bytes in
memory. Each peer runs its default way, through its own image pipeline:

- pyvips: `thumbnail_buffer` + `jpegsave_buffer` (shrink-on-load);
- sorl-thumbnail: its default PIL engine (`sorl.thumbnail.engines.pil_engine.Engine`): get_image,
  create with the geometry "400x400" and sorl's default options (quality 85 instead of its 95),
  write, as `ThumbnailBackend.get_thumbnail` calls them;
- easy-thumbnails: `easy_thumbnails.engine.generate_source_image` (the default source generator),
  `process_image` through the default `THUMBNAIL_PROCESSORS`, `save_pil_image`, as
  `Thumbnailer.generate_thumbnail` calls them, with {"size": (400, 400), "quality": 85};
- Willow (Wagtail's image library): `Image.open`, `auto_orient`, `resize` to fit 400 px,
  `save_as_jpeg(quality=85)` (Willow's defaults otherwise).

We time the image pipeline of each, the part that competes with ours: sorl's storage and key-value
store, easy-thumbnails' storage and database, Wagtail's rendition models are left out of the timed
work (sorl writes into an in-memory sink, no database is touched). sorl and easy-thumbnails read
Django settings: the bench calls `django.conf.settings.configure()` with none of the project's
settings, in this process and in every child or worker process that runs them.

Columns: ms per image (median of `--runs` interleaved rounds: every method once per round, in turn,
A B C ... A B C ...), peak RSS of a fresh process per method (VmHWM), images/s with 2 processes (and
against 1, the tasks spread over interleaved rounds too), and the output compared with a
full-resolution reference (size, PSNR). Ratios are against the same run's figures. The load average
before and after, and the version of every library, are printed with the results. A peer whose
package is missing is left out with a note in `--quick` (which therefore runs with none of them);
the full bench asks for bench/requirements.txt.
"""

import argparse
import concurrent.futures
import importlib.metadata
import io
import math
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, median_ms, photo_like, refuse_if_loaded, table, vm_hwm_mb
from PIL import Image, ImageChops, ImageStat

from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, process_image
from gallery.imaging.renditions import THUMBNAIL

SIZE = 400
MAX_PIXELS = 50_000_000
POLICY = ImagePolicy(
    max_bytes=200_000_000,
    max_pixels=MAX_PIXELS,
    max_decode_bytes=16 * MAX_PIXELS,
    formats=tuple(SUPPORTED_FORMATS),
)
IMAGES = {
    "12 MP JPEG": ((4000, 3000), "JPEG"),
    "24 MP JPEG": ((6000, 4000), "JPEG"),
    "12 MP PNG": ((4000, 3000), "PNG"),
}
OURS, NAIVE = "gallery.imaging.process", "naive Pillow"


def project(data):
    # display_size=SIZE: the thumbnail's work alone (the one decode at 400 px; the "display" is
    # then the same pixels encoded once more, ~1 ms), comparable with the other methods.
    processed = process_image(io.BytesIO(data), POLICY, thumbnail_size=SIZE, display_size=SIZE)
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
    resized.convert("RGB").save(buffer, format="JPEG", quality=THUMBNAIL.quality, optimize=True)
    return buffer.getvalue()


def vips(data):
    import pyvips

    thumbnail = pyvips.Image.thumbnail_buffer(data, SIZE, height=SIZE, size="down")
    return thumbnail.jpegsave_buffer(Q=THUMBNAIL.quality, optimize_coding=True, keep="none")


def configure_django():
    """Settings for sorl-thumbnail, easy-thumbnails and Willow (whose optimizer registry reads
    WILLOW_OPTIMIZERS from Django's settings whenever Django is installed): only their defaults,
    none of the project's, no database. Once per process (main, --child, pool workers)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=False, USE_TZ=True, INSTALLED_APPS=[])


class _Sink:
    """Where sorl's engine.write() puts the thumbnail instead of an ImageFile on a storage."""

    def write(self, data):
        self.data = data


def sorl(data):
    configure_django()
    from sorl.thumbnail.base import ThumbnailBackend
    from sorl.thumbnail.engines.pil_engine import Engine
    from sorl.thumbnail.parsers import parse_geometry

    # ThumbnailBackend.get_thumbnail and _create_thumbnail, without the KV store and the storage.
    engine = Engine()
    options = dict(ThumbnailBackend.default_options, quality=THUMBNAIL.quality)
    image = engine.prepare(engine.get_image(io.BytesIO(data)), options)
    options["image_info"] = engine.get_image_info(image)
    geometry = parse_geometry(f"{SIZE}x{SIZE}", engine.get_image_ratio(image, options))
    thumbnail = engine.create(image, geometry, options)
    sink = _Sink()
    engine.write(thumbnail, options, sink)
    engine.cleanup(image)
    return sink.data


def easy(data):
    configure_django()
    from easy_thumbnails import engine, utils
    from easy_thumbnails.conf import settings
    from easy_thumbnails.options import ThumbnailOptions

    # Thumbnailer.generate_thumbnail, without the storage and the database.
    options = ThumbnailOptions({"size": (SIZE, SIZE), "quality": THUMBNAIL.quality})
    image = engine.generate_source_image(io.BytesIO(data), options, fail_silently=False)
    thumbnail = engine.process_image(image, options)  # the default THUMBNAIL_PROCESSORS
    transparent = utils.is_transparent(thumbnail)
    extension = settings.THUMBNAIL_TRANSPARENCY_EXTENSION if transparent else settings.THUMBNAIL_EXTENSION
    output = engine.save_pil_image(
        thumbnail,
        filename=f"thumbnail.{extension}",
        quality=options["quality"],
        subsampling=options["subsampling"],
    )
    return output.getvalue()


def willow(data):
    configure_django()
    from willow.image import Image as WillowImage

    image = WillowImage.open(io.BytesIO(data)).auto_orient()
    width, height = image.get_size()
    scale = min(1, SIZE / max(width, height))
    image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))))
    buffer = io.BytesIO()
    image.save_as_jpeg(buffer, quality=THUMBNAIL.quality)
    return buffer.getvalue()


METHODS = {
    OURS: project,
    NAIVE: naive,
    "pyvips": vips,
    "sorl-thumbnail": sorl,
    "easy-thumbnails": easy,
    "Willow": willow,
}
# Peer -> (module to import, distribution whose version is printed).
PEERS = {
    "pyvips": ("pyvips", "pyvips"),
    "sorl-thumbnail": ("sorl.thumbnail", "sorl-thumbnail"),
    "easy-thumbnails": ("easy_thumbnails", "easy-thumbnails"),
    "Willow": ("willow", "Willow"),
}


def versions(quick):
    """The versions line; peers that cannot be imported are left out (--quick) or stop the bench."""
    parts = [f"Python {sys.version.split()[0]}", f"Pillow {Image.__version__}"]
    missing = []
    configure_django()
    for method_name, (module, distribution) in PEERS.items():
        try:
            imported = __import__(module, fromlist=["_"])
        except ImportError:
            missing.append(method_name)
            continue
        version = f"{distribution} {importlib.metadata.version(distribution)}"
        if method_name == "pyvips":
            version += f" (libvips {'.'.join(str(imported.version(part)) for part in range(3))})"
        parts.append(version)
    if any(name in METHODS and name not in missing for name in ("sorl-thumbnail", "easy-thumbnails")):
        parts.append(f"Django {importlib.metadata.version('Django')}")
    print(", ".join(parts))
    if missing:
        if not quick:
            print(f"Missing: {', '.join(missing)}: pip install -r bench/requirements.txt")
            raise SystemExit(1)
        print(f"Missing, left out (pip install -r bench/requirements.txt): {', '.join(missing)}")
        for name in missing:
            del METHODS[name]


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def make_images(directory):
    paths = {}
    for name, (size, image_format) in IMAGES.items():
        path = Path(directory) / f"{name.replace(' ', '-')}.{image_format.lower()}"
        options = {"quality": 90} if image_format == "JPEG" else {"compress_level": 6}
        photo_like(size, seed=len(paths) + 1).save(path, format=image_format, **options)
        paths[name] = path
    return paths


def time_interleaved(data, runs):
    """{method: median ms}: `runs` rounds, each running every method once, in turn."""
    samples = {name: [] for name in METHODS}
    for _ in range(runs):
        for name, method in METHODS.items():
            start = time.perf_counter()
            method(data)
            samples[name].append(time.perf_counter() - start)
    return {name: median_ms(values) for name, values in samples.items()}


def _run_from_path(method_name, path):
    METHODS[method_name](Path(path).read_bytes())


def throughput(pool, processes, path, tasks, rounds):
    """{method: images per second} on a pool of `processes` workers, each image read from the file;
    the tasks of each method spread over `rounds` rounds that take the methods in turn."""
    names = list(METHODS)
    for name in names:  # warm up: imports, libraries, caches of every worker
        list(pool.map(_run_from_path, [name] * processes, [path] * processes))
    elapsed = dict.fromkeys(names, 0.0)
    done = dict.fromkeys(names, 0)
    for round_number in range(rounds):
        for name in names:
            count = tasks // rounds + (1 if round_number < tasks % rounds else 0)
            start = time.perf_counter()
            list(pool.map(_run_from_path, [name] * count, [path] * count))
            elapsed[name] += time.perf_counter() - start
            done[name] += count
    return {name: done[name] / elapsed[name] for name in names}


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
    parser.add_argument("--runs", type=int, default=9, help="interleaved timing rounds per image")
    parser.add_argument("--tasks", type=int, default=16, help="images per method per throughput measurement")
    parser.add_argument("--quick", action="store_true", help="a 2 MP JPEG, 1 round, 2 tasks (CI smoke run)")
    parser.add_argument("--force", action="store_true", help="run above load 1.5 (figures no record)")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        # CI's smoke run: every method and measurement once, on a small JPEG; not a figure.
        args.runs, args.tasks = 1, 2
        IMAGES.clear()
        IMAGES["2 MP JPEG"] = ((1600, 1200), "JPEG")
    if args.child:
        method_name, path = args.child
        if method_name != "idle":
            _run_from_path(method_name, path)
        print(f"{vm_hwm_mb():.1f}")
        return

    print(f"Machine: {machine()}")
    print(f"Command: bench/thumbnails.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    refuse_if_loaded(args.quick or args.force)
    versions(args.quick)
    load_before = load_average()
    rounds = 1 if args.quick else 2

    # spawn, not fork: a forked copy of a process where libvips has started its threads can hang.
    context = multiprocessing.get_context("spawn")
    pools = {n: concurrent.futures.ProcessPoolExecutor(n, mp_context=context) for n in (1, 2)}
    try:
        with tempfile.TemporaryDirectory() as directory:
            paths = make_images(directory)
            idle = peak_rss("idle", "-")
            rows, summary, loads = [], [], []
            for image_name, path in paths.items():
                data = path.read_bytes()
                with Image.open(path) as full:
                    full.load()
                    reference = full.convert("RGB")
                outputs = {name: method(data) for name, method in METHODS.items()}  # + warm-up
                load_start = os.getloadavg()[0]
                ms = time_interleaved(data, args.runs)
                loads.append(f"{image_name} {load_start:.1f} → {os.getloadavg()[0]:.1f}")
                rss = {name: peak_rss(name, path) for name in METHODS}
                one = throughput(pools[1], 1, path, max(1, args.tasks // 2), rounds)
                two = throughput(pools[2], 2, path, args.tasks, rounds)
                for name, output in outputs.items():
                    size = Image.open(io.BytesIO(output)).size
                    rows.append(
                        [
                            image_name if name == OURS else "",
                            f"{image_name.split()[-1]} {len(data) / 1e6:.1f} MB" if name == OURS else "",
                            name,
                            f"{ms[name]:.0f}",
                            f"{ms[name] / ms[OURS]:.2f}×",
                            f"{rss[name]:.0f}",
                            f"{two[name]:.1f}",
                            f"{two[name] / one[name]:.2f}×",
                            f"{size[0]}×{size[1]}, {len(output) / 1024:.1f} KB",
                            f"{psnr(output, reference):.1f}",
                        ]
                    )
                summary.append((image_name, ms))
    finally:
        for pool in pools.values():
            pool.shutdown()

    print()
    print(
        table(
            [
                "image", "file", "method", "ms/image (median)", "× gallery.imaging.process", "peak RSS MB",
                "images/s, 2 processes", "2 vs 1 process", "output", "PSNR dB vs full-res",
            ],
            rows,
        )
    )  # fmt: skip
    print(f"\nPeak RSS of the same interpreter doing nothing but the imports: {idle:.0f} MB")
    print(f"{args.runs} interleaved rounds per image; 1-minute load average over them: {'; '.join(loads)}")
    print(f"Load average (1, 5, 15 min) before: {load_before}; after: {load_average()}")
    print()
    peers = [name for name in METHODS if name not in (OURS, NAIVE, "pyvips")]
    headers = ["image", "ours ÷ pyvips (goal ≤ 1.3 on JPEG)", "naive ÷ ours (goal ≥ 5)"]
    print(table(headers + [f"{name} ÷ gallery.imaging.process" for name in peers], [
        [
            name,
            f"{ms[OURS] / ms['pyvips']:.2f}" if "pyvips" in ms else "–",
            f"{ms[NAIVE] / ms[OURS]:.1f}",
            *(f"{ms[peer] / ms[OURS]:.1f}" for peer in peers),
        ]
        for name, ms in summary
    ]))  # fmt: skip


if __name__ == "__main__":
    main()

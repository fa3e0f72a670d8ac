"""The renditions (gallery.imaging.renditions): formats compared (bytes, encode time, PSNR), the
whole upload-side image work per photo (process_image: every size and the EXIF facts) against
pyvips making the same sizes from one decode (CPU, interleaved rounds, the load printed with
every figure), and the peak memory of a fresh process at the default limits.

Run from the repository root:  .venv/bin/python bench/renditions.py [--quick] [--rounds N]
Without --quick it refuses to run above a 1-minute load of 1.5 (no record; --force runs
anyway). 7 rounds move a ratio by ~0.05 between runs on a shared 2-CPU machine; --rounds 25
holds it closer (docs/benchmarks.md, "Issue 26, seventh pass"). The photos are synthetic but
photo-like (bench/_common.photo_like and the Mandelbrot blend below).
"""

import io
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from PIL import Image, ImageChops, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common
from gallery.imaging import process
from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, _fit, process_image
from gallery.imaging.renditions import (
    DISPLAY,
    SOURCES,
    THUMBNAIL,
    VIEWER_SOURCES,
    card_box,
    sources_for,
    uncropped_long_side,
)

# Every format, 50 MP, all decoded whole if need be: the image work alone, without the site's limits.
POLICY = ImagePolicy(
    max_bytes=200_000_000,
    max_pixels=50_000_000,
    max_decode_bytes=16 * 50_000_000,
    formats=tuple(SUPPORTED_FORMATS),
)

RUNS = 7
# --quick is CI's smoke test that every path runs, not a figure: the smallest photos that still
# make every size (over 2000 px), no warm-up, one round.
QUICK = False


def photo_like(size=(4000, 3000)):
    base = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    texture = Image.effect_noise(size, 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    blended = ImageChops.add(ImageChops.multiply(base, gradient), texture, scale=1.6)
    return blended.filter(ImageFilter.GaussianBlur(1.2))


def psnr(a, b):
    diff = ImageChops.difference(a, b).convert("L")
    mse = sum(count * value**2 for value, count in enumerate(diff.histogram())) / (a.width * a.height)
    return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


def encode(image, fmt, **options):
    times, data = [], b""
    for _ in range(RUNS):
        buffer = io.BytesIO()
        start = time.perf_counter()
        image.save(buffer, format=fmt, **options)
        times.append((time.perf_counter() - start) * 1000)
        data = buffer.getvalue()
    return data, statistics.median(times)


def main(argv=None):
    global RUNS, QUICK
    argv = sys.argv[1:] if argv is None else argv
    if "--quick" in argv:
        RUNS, QUICK = 1, True
    elif "--rounds" in argv:
        RUNS = int(argv[argv.index("--rounds") + 1])
    print(f"Command: bench/renditions.py {' '.join(argv)}".rstrip())
    print(f"Machine: {common.machine()}")
    common.refuse_if_loaded("--quick" in argv or "--force" in argv)
    if "--quick" not in argv:
        compare_formats()
    two_sizes_against_pyvips()
    quality_of_every_size(quick="--quick" in argv)
    peak_memory(quick="--quick" in argv)
    return 0


def compare_formats():
    source = photo_like()
    variants = [
        ("JPEG q82 progressive (chosen)", "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
        ("WebP q80 method 4", "WEBP", {"quality": 80, "method": 4}),
        ("WebP q75 method 6", "WEBP", {"quality": 75, "method": 6}),
    ]
    for long_side in (1600, 400):
        resized = source.copy()
        resized.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        print(f"{long_side} px long side ({resized.width}x{resized.height}), median of {RUNS}:")
        baseline = None
        for label, fmt, options in variants:
            data, ms = encode(resized, fmt, **options)
            quality = psnr(resized, Image.open(io.BytesIO(data)).convert("RGB"))
            baseline = baseline or (len(data), ms)
            print(
                f"  {label:30} {len(data) / 1024:7.1f} KB ({len(data) / baseline[0]:.2f}x)"
                f"  encode {ms:6.1f} ms ({ms / baseline[1]:.2f}x)  PSNR {quality:5.2f} dB"
            )


def _ours(data, sources=SOURCES):
    processed = process_image(
        io.BytesIO(data), POLICY, thumbnail_size=400, display_size=1600, sources=sources
    )
    return [processed.display.data, processed.thumbnail.data] + [made.data for made in processed.sources]


def _ours_with_libvips_resize(data):
    """Not the site's code: what the last figure of issue 26 would take. process_image with
    libvips's vectorised cubic reduce in place of Pillow's scalar resampler for every size after
    the decode (Pillow still decodes and encodes), so a reader can weigh adding libvips to the
    worker against the ratio it buys."""
    import pyvips

    def resized(image, box):
        if image.mode != "RGB" or image.size == box:
            return pillow_resized(image, box)
        image.load()
        source = image.tobytes()
        vips = pyvips.Image.new_from_memory(source, image.width, image.height, 3, "uchar")
        vips = vips.resize(box[0] / image.width, vscale=box[1] / image.height, kernel="cubic")
        vips = vips.crop(0, 0, min(vips.width, box[0]), min(vips.height, box[1]))
        return Image.frombuffer("RGB", (vips.width, vips.height), vips.write_to_memory(), "raw", "RGB", 0, 1)

    pillow_resized = process._resized
    with mock.patch.object(process, "_resized", resized):
        return _ours(data)


def _pyvips(data):
    """pyvips's own way to the same sizes from one decode: thumbnail_buffer (shrink-on-load) to the
    largest, kept in memory, each smaller one from the next larger (as ours), a card's size cut
    from the whole one at the size its width needs (gallery.imaging.renditions.card_box); the
    same encoder settings (gallery.imaging.renditions), no metadata."""
    import pyvips

    longest = max(row.long_side for row in SOURCES)
    image = pyvips.Image.thumbnail_buffer(data, longest, height=longest, size="down").copy_memory()
    width, height = image.width, image.height  # the photo's aspect, as ours sees it
    targets = {DISPLAY.long_side: [DISPLAY], THUMBNAIL.long_side: [THUMBNAIL]}
    for row in sources_for(width, height):
        targets.setdefault(uncropped_long_side(width, height, row), []).append(row)
    outputs = []
    for long_side in sorted(targets, reverse=True):
        if max(image.width, image.height) > long_side:
            image = image.thumbnail_image(long_side, height=long_side).copy_memory()
        for row in targets[long_side]:
            if row.format == "JPEG":
                options = {"interlace": True} if row.progressive else {}
                outputs.append(
                    image.jpegsave_buffer(Q=row.quality, optimize_coding=True, keep="none", **options)
                )
                continue
            left, top, right, bottom = card_box(image.width, image.height)
            cut = image.crop(left, top, right - left, bottom - top) if row.card else image
            outputs.append(cut.webpsave_buffer(Q=row.quality, effort=row.effort, keep="none"))
    return outputs


def _samples():
    """(name, file bytes): the photos the issue names, photo-like (bench/_common.photo_like)."""
    cases = (
        (("4 MP JPEG", (2400, 1800), "JPEG"), ("4 MP PNG", (2400, 1800), "PNG"))
        if QUICK
        else (
            ("12 MP JPEG", (4000, 3000), "JPEG"),
            ("24 MP JPEG", (6000, 4000), "JPEG"),
            ("12 MP PNG", (4000, 3000), "PNG"),
        )
    )
    for name, size, fmt in cases:
        buffer = io.BytesIO()
        common.photo_like(size).save(buffer, format=fmt, **({"quality": 92} if fmt == "JPEG" else {}))
        yield name, buffer.getvalue()


def two_sizes_against_pyvips():
    """Every size (the JPEG pair and the WebP sources) + EXIF facts (process_image) against
    pyvips making the same sizes: interleaved rounds (A B C, then C B A), CPU time of the process
    (pyvips's threads included), medians, and the spread of the rounds' own ratios; the load
    printed with every figure."""
    try:
        import pyvips
    except ImportError:  # ours alone then, so the bench still runs (CI installs no bench-only package)
        pyvips = None
    peer = f"pyvips {pyvips.__version__}" if pyvips else "no pyvips (pip install -r bench/requirements.txt)"
    sizes = ", ".join(
        f"{row.long_side}{' card' if row.card else ''} {row.format}" for row in (*SOURCES, DISPLAY, THUMBNAIL)
    )
    print(f"\nEvery size ({sizes}) from one upload, {RUNS} interleaved rounds, {peer}:")
    for name, data in _samples():
        methods = {
            "gallery.imaging.process": _ours,
            # What the cards' sizes cost: the same without them (issue 26).
            "ours without card sizes": lambda data: _ours(data, VIEWER_SOURCES),
            **({"what if: libvips resizes": _ours_with_libvips_resize, "pyvips": _pyvips} if pyvips else {}),
        }
        samples = {method: [] for method in methods}
        if not QUICK:
            for function in methods.values():
                function(data)  # warm up
        for round_ in range(RUNS):
            order = list(methods.items())
            for method, function in order if round_ % 2 == 0 else reversed(order):
                samples[method].append(_timed(lambda function=function, data=data: function(data)))
        cpu = {method: statistics.median(sample[1] for sample in samples[method]) for method in methods}
        for method, function in methods.items():
            total = sum(len(out) for out in function(data))
            wall = statistics.median(sample[0] for sample in samples[method])
            ratio = f" ({cpu[method] / cpu['pyvips']:.2f}x)" if "pyvips" in cpu else ""
            print(
                f"  {name}, {method:26} {cpu[method]:5.0f} ms CPU{ratio}, {wall:5.0f} ms wall,"
                f" {total / 1024:6.0f} KB out; load {os.getloadavg()[0]:.2f}"
            )
        if "pyvips" in cpu and RUNS >= 4:
            pairs = zip(samples["gallery.imaging.process"], samples["pyvips"], strict=True)
            quartiles = statistics.quantiles([ours[1] / peer[1] for ours, peer in pairs], n=4)
            spread = " / ".join(f"{quartile:.2f}x" for quartile in quartiles)
            print(f"  {name}, ours ÷ pyvips round by round: quartiles {spread}")


def quality_of_every_size(quick=False):
    """PSNR of each size process_image makes (decoded again, so with its encoder's loss) against
    LANCZOS from the full decode at the same size, a card's cut as card_box cuts it: a cheaper
    decode or resize must keep these within ~0.3 dB (issue 26)."""
    print("\nPSNR of every size against LANCZOS from the full decode (with the encoder's loss):")
    for name, data in _samples():
        if "JPEG" not in name or (quick and "24" in name):
            continue
        full = Image.open(io.BytesIO(data)).convert("RGB")
        processed = process_image(io.BytesIO(data), POLICY, thumbnail_size=400, display_size=1600)
        cells = []
        for made in (processed.display, processed.thumbnail, *processed.sources):
            row = made.rendition
            image = Image.open(io.BytesIO(made.data)).convert("RGB")
            whole = full.resize(
                _fit(*full.size, uncropped_long_side(*full.size, row) if row.card else row.long_side),
                Image.Resampling.LANCZOS,
            )
            reference = whole.crop(card_box(*whole.size)) if row.card else whole
            if reference.size != image.size:  # a rounding apart: compare at the size made
                reference = reference.resize(image.size, Image.Resampling.LANCZOS)
            cells.append(f"{row.name} {psnr(image, reference):.2f}")
        print(f"  {name}: {', '.join(cells)} dB; load {os.getloadavg()[0]:.2f}")


def _smooth(size):
    half = (size[0] // 4, size[1] // 4)
    return common.photo_like(half, noise=0).resize(size, Image.Resampling.BICUBIC)


def peak_memory(quick=False):
    """Peak RSS (VmHWM) of a fresh process making every size of large files: a 50 MP JPEG
    (PHOTOSHARE_MAX_IMAGE_PIXELS) and a 25 MP PNG (decoded in bands, gallery.imaging.png_bands),
    as the worker reads them (a spooled temporary file)."""
    print("\nPeak RSS of a fresh process (VmHWM), every size of one upload at the default limits:")
    cases = [("4 MP PNG", (2400, 1800), "PNG")] if quick else [("25 MP PNG", (5000, 5000), "PNG")]
    cases += [] if quick else [("50 MP JPEG", (8660, 5773), "JPEG")]
    for name, size, fmt in cases:
        with tempfile.NamedTemporaryFile(suffix="." + fmt.lower()) as file:
            # Smooth enough to fit the 20 MiB upload limit as a PNG: decoding costs the same
            # memory whatever the content, the file's bytes are what the limit bounds.
            image = common.photo_like(size) if fmt == "JPEG" else _smooth(size)
            image.save(file, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
            file.flush()
            mb = os.path.getsize(file.name) / 1024**2
            code = (
                "import sys, tempfile, shutil; sys.path.insert(0, '.');"
                "from bench._common import vm_hwm_mb;"
                "from gallery.imaging.process import process_image, ImagePolicy;"
                "policy = ImagePolicy(max_bytes=20 * 1024**2, max_pixels=50_000_000,"
                " max_decode_bytes=16 * 25_000_000, formats=('JPEG', 'PNG'));"
                "spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024**2);"
                f"shutil.copyfileobj(open({file.name!r}, 'rb'), spool);"
                "process_image(spool, policy, thumbnail_size=400, display_size=1600);"
                "print(round(vm_hwm_mb()))"
            )
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=common.ROOT
            )
            print(f"  {name} ({mb:.1f} MB file): {out.stdout.strip()} MB; load {os.getloadavg()[0]:.2f}")


def _timed(function):
    """(wall ms, CPU ms of this process) of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


if __name__ == "__main__":
    sys.exit(main())

"""Display size (1600 px) and thumbnail (400 px): JPEG alone or WebP too? Encodes the same
resized pixels both ways and prints bytes, encode time and PSNR against the resized source,
with JPEG as the baseline (ratios). Also times the whole upload-side image work per photo
(gallery.imaging.process.process_image: both sizes and the EXIF facts), wall clock and CPU.

Run from the repository root:  .venv/bin/python bench/renditions.py [--quick]
The test photo is synthetic but photo-like (smooth gradients, edges, fine noise), 4000x3000.
"""

import io
import math
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, process_image

# Every format, 50 MP, all decoded whole if need be: the image work alone, without the site's limits.
POLICY = ImagePolicy(
    max_bytes=200_000_000,
    max_pixels=50_000_000,
    max_full_decode_pixels=50_000_000,
    formats=tuple(SUPPORTED_FORMATS),
)

RUNS = 7


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
    global RUNS
    argv = sys.argv[1:] if argv is None else argv
    if "--quick" in argv:
        RUNS = 1
    print(f"Command: bench/renditions.py {' '.join(argv)}".rstrip())
    if "--quick" not in argv:
        compare_formats()
    two_sizes_against_pyvips()


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


def _ours(data):
    processed = process_image(io.BytesIO(data), POLICY, thumbnail_size=400, display_size=1600)
    return processed.display.data, processed.thumbnail.data


def _pyvips(data):
    """pyvips's own way to the same two sizes from one decode: thumbnail_buffer to 1600 px kept in
    memory, the 400 px thumbnail from it; the same JPEG settings, no metadata."""
    import pyvips

    display = pyvips.Image.thumbnail_buffer(data, 1600, height=1600, size="down").copy_memory()
    thumbnail = display.thumbnail_image(400, height=400)
    return (
        display.jpegsave_buffer(Q=82, optimize_coding=True, interlace=True, keep="none"),
        thumbnail.jpegsave_buffer(Q=85, optimize_coding=True, keep="none"),
    )


def two_sizes_against_pyvips():
    """Both renditions + EXIF facts (process_image) against pyvips making the same two sizes:
    interleaved rounds (A B A B), CPU time of the process (pyvips's threads included), medians."""
    try:
        import pyvips
    except ImportError:  # ours alone then, so the bench still runs (CI installs no bench-only package)
        pyvips = None
    peer = f"pyvips {pyvips.__version__}" if pyvips else "no pyvips (pip install -r bench/requirements.txt)"
    print(f"\nBoth sizes from one upload, {RUNS} interleaved rounds, {peer}:")
    for name, size in (("12 MP JPEG", (4000, 3000)), ("24 MP JPEG", (6000, 4000))):
        buffer = io.BytesIO()
        photo_like(size).save(buffer, format="JPEG", quality=92)
        data = buffer.getvalue()
        reference = Image.open(io.BytesIO(data)).convert("RGB")
        methods = {"gallery.imaging.process.process_image": _ours, **({"pyvips": _pyvips} if pyvips else {})}
        samples = {method: [] for method in methods}
        for function in methods.values():
            function(data)  # warm up
        for _ in range(RUNS):
            for method, function in methods.items():
                samples[method].append(_timed(lambda function=function, data=data: function(data)))
        cpu = {method: statistics.median(sample[1] for sample in samples[method]) for method in methods}
        for method, function in methods.items():
            outputs = [Image.open(io.BytesIO(out)).convert("RGB") for out in function(data)]
            quality = [psnr(out, reference.resize(out.size, Image.Resampling.LANCZOS)) for out in outputs]
            wall = statistics.median(sample[0] for sample in samples[method])
            ratio = f" ({cpu[method] / cpu['pyvips']:.2f}x)" if "pyvips" in cpu else ""
            print(
                f"  {name}, {method:30} {cpu[method]:5.0f} ms CPU{ratio},"
                f" {wall:5.0f} ms wall; PSNR vs full-res LANCZOS: display {quality[0]:.1f} dB,"
                f" thumbnail {quality[1]:.1f} dB"
            )


def _timed(function):
    """(wall ms, CPU ms of this process) of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


if __name__ == "__main__":
    main()

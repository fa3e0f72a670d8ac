"""Display size (1600 px) and thumbnail (400 px): JPEG alone or WebP too? Encodes the same
resized pixels both ways and prints bytes, encode time and PSNR against the resized source,
with JPEG as the baseline (ratios). Also times the whole upload-side image work per photo
(gallery.images.process_image: both sizes and the EXIF facts), wall clock and CPU.

Run from the repository root:  .venv/bin/python bench/renditions.py
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

from gallery.images import process_image

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


def main():
    source = photo_like()
    jpeg_source = io.BytesIO()
    source.save(jpeg_source, format="JPEG", quality=92)
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
    upload = io.BytesIO(jpeg_source.getvalue())
    samples = [
        _timed(lambda: process_image(upload, thumbnail_size=400, display_size=1600, max_pixels=50_000_000))
        for _ in range(RUNS)
    ]
    wall, cpu = (statistics.median(sample[index] for sample in samples) for index in (0, 1))
    print(
        f"12 MP JPEG upload, process_image (validation, display size, thumbnail, EXIF): "
        f"{wall:.0f} ms wall, {cpu:.0f} ms CPU"
    )


def _timed(function):
    """(wall ms, CPU ms of this process) of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


if __name__ == "__main__":
    main()

"""Decompression bombs are refused from the header, within a fixed memory bound.

Each case runs in a fresh process that reads its own peak memory (VmHWM; ru_maxrss would be
inherited from the parent) before and after `process_image`. A full decode of these files
would take 144 MB to 3.6 GB; refusing them must cost almost nothing.
"""

import json
import subprocess
import sys

import pytest
from django.conf import settings

MEMORY_BOUND_MB = 20

PROBE = """
import io, json, re
from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, InvalidImage, process_image
from gallery.tests import hostile

def peak_mb():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024

data = {builder}
before = peak_mb()
try:
    policy = ImagePolicy(50_000_000, 50_000_000, 16 * 50_000_000, tuple(SUPPORTED_FORMATS))
    process_image(io.BytesIO(data), policy, thumbnail_size=400, display_size=1600)
    outcome, code = "accepted", ""
except InvalidImage as error:
    outcome, code = str(error), error.code
growth = peak_mb() - before
print(json.dumps({{"outcome": outcome, "code": code, "growth_mb": growth, "file_bytes": len(data)}}))
"""


def run_probe(builder):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(builder=builder)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "builder",
    [
        "hostile.png_bomb(12_000)",  # 144 MP: Pillow itself would only warn, and decode it
        "hostile.png_bomb(30_000)",  # 900 MP
        "hostile.jpeg_with_header_size(60_000, 60_000)",  # 3.6 GP claimed by a 1 KB JPEG
        "hostile.jpeg_with_header_size(9_000, 9_000)",  # 81 MP, under Pillow's own limit
        "hostile.tiff_with_header_size(30_000, 30_000)",  # 900 MP claimed by a 1 KB TIFF
        "hostile.tiff_with_header_size(9_000, 9_000)",
    ],
)
def test_a_bomb_is_refused_within_a_fixed_memory_bound(builder):
    measured = run_probe(builder)

    assert measured["outcome"] == "The image has too many pixels; the limit is 50 megapixels."
    assert measured["code"] == "too_many_pixels"
    assert measured["file_bytes"] < 200_000
    assert measured["growth_mb"] < MEMORY_BOUND_MB

"""Mutation fuzzing of gallery.imaging.process.process_image: no malformed file may escape as anything but
InvalidImage (a 500 for the user), and every InvalidImage carries one of the known codes.

    .venv/bin/python scripts/fuzz_images.py [--iterations 1500] [--seed 1]

Seeds are small valid JPEG (baseline and progressive, with EXIF), PNG, animated GIF and WebP
files; each iteration flips, deletes or inserts a few bytes. Prints the outcomes per format and
every exception that escaped (none is the expected result). Reproducible for a given seed; the
test suite runs a short version (gallery/tests/imaging/test_image_fuzz.py).
"""

import argparse
import collections
import io
import random
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from gallery.imaging.policy import MESSAGES
from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, InvalidImage, process_image

CODES = set(MESSAGES)
# Every format, 50 MP, all decoded whole if need be: the image work alone, without the site's limits.
POLICY = ImagePolicy(
    max_bytes=200_000_000,
    max_pixels=50_000_000,
    max_decode_bytes=16 * 50_000_000,
    formats=tuple(SUPPORTED_FORMATS),
)


def _encode(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def seed_files():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: corrupting the rest of the block must not break transposing
    exif[0x010F] = "Camera"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 30.0)})
    picture = Image.new("RGB", (120, 80), (200, 30, 30))
    picture.paste((0, 0, 0), (0, 0, 60, 40))
    frames = [Image.new("RGB", (60, 40), (index * 40, 0, 0)) for index in range(4)]
    return {
        "jpeg": _encode(picture, "JPEG", exif=exif),
        "progressive jpeg": _encode(picture, "JPEG", progressive=True, exif=exif),
        "png": _encode(picture, "PNG", exif=exif),
        "animated gif": _encode(frames[0], "GIF", save_all=True, append_images=frames[1:]),
        "animated webp": _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:]),
        "webp with exif": _encode(picture, "WEBP", exif=exif),
    }


def mutate(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(data))
        choice = rng.random()
        if choice < 0.6:
            data[position] = rng.randrange(256)
        elif choice < 0.8:
            del data[position : position + rng.randint(1, 50)]
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
    return bytes(data)


def fuzz(iterations, seed):
    """Returns (Counter of (format, outcome), {(format, exception type, message): count})."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible mutations, not secrets
    outcomes, escaped = collections.Counter(), collections.Counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, original in seed_files().items():
            for _ in range(iterations):
                try:
                    data = io.BytesIO(mutate(original, rng))
                    process_image(data, POLICY, thumbnail_size=400, display_size=1600)
                    outcomes[name, "accepted"] += 1
                except InvalidImage as error:
                    if error.code in CODES:
                        outcomes[name, "refused"] += 1
                    else:
                        escaped[name, "InvalidImage with code", repr(error.code)] += 1
                except Exception as error:
                    escaped[name, type(error).__name__, str(error)[:100]] += 1
    return outcomes, escaped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1500, help="mutations per seed file")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    outcomes, escaped = fuzz(arguments.iterations, arguments.seed)
    for (name, outcome), count in sorted(outcomes.items()):
        print(f"{name:18} {outcome:9} {count}")
    for (name, kind, message), count in sorted(escaped.items()):
        print(f"ESCAPED {name}: {kind}: {message} ({count}x)")
    print(f"{sum(outcomes.values()) + sum(escaped.values())} files, {sum(escaped.values())} escaped")
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())

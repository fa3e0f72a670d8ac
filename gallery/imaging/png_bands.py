"""A PNG decoded a band of rows at a time, each band shrunk as it comes: the full-size pixels are
never in memory at once (a worker's peak, issue 26: a 20.8 MP PNG decoded whole held 83 MB).

The image data (IDAT) is one zlib stream of filtered rows, and a row's filter may refer to the
row above. So each band is inflated here, then handed to Pillow's own PNG decoder as a small PNG
of its own whose first row is the previous band's last row, unfiltered and stored with filter 0
("none"): Pillow unfilters and converts every band exactly as it would the whole image. A band is
flattened to RGB (or L), reduced by the integer factor the sizes allow (box averaging, as
Image.reduce), and resized to the box on a window of rows (Image.resize's `box`: the same
coefficients as one resize of the whole image). Pillow only.

Banded: non-interlaced PNGs of 8 bits a sample (greyscale, RGB, palette, with or without alpha)
and 16-bit greyscale, whose last row can be read back from the decoded band exactly. Interlaced
PNGs, 16-bit colour and 1-4 bit ones are decoded whole (gallery.imaging.policy gives them a
lower limit), as other formats but JPEG are; `shrink` then flattens and reduces those a band at
a time too.
"""

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Pillow's raw mode of a PNG (its tile) -> the raw mode that packs a decoded row back to the
# file's bytes. Colour types whose decoded mode loses bits (16-bit colour) are not here.
_ROW_PACKING = {"L": "L", "LA": "LA", "RGB": "RGB", "RGBA": "RGBA", "P": "P", "I;16B": "I;16B"}
# Rows of raw data a band holds, at most (~2 MB of a 5 000 px RGB row).
BAND_BYTES = 2 * 1024 * 1024
# A band holds at least the rows of one box of the reduce (the factor): ~width / 2000 rows of a
# landscape photo, so a band's bytes grow as width squared. Wider PNGs (a 100 000 x 500 strip
# would need 20 MB bands) are decoded whole, under the budget of images decoded whole.
MAX_WIDTH = 65_536
# Chunks copied into every band's PNG: what Pillow needs to read the pixels as the whole file.
_KEPT = (b"PLTE", b"tRNS")


def can_band(image):
    """Whether `image` (a PNG opened by Pillow, not loaded) is one `decode` takes band by band."""
    if image.format != "PNG" or image.info.get("interlace") or len(image.tile) != 1:
        return False
    return image.tile[0].args in _ROW_PACKING and image.width <= MAX_WIDTH


def read_exif(image):
    """The PNG's eXIf chunk put where Pillow's getexif() reads it, without decoding the pixels
    (Pillow's PNG getexif() loads the whole image to find an eXIf after the image data)."""
    if "exif" not in image.info:
        exif = _chunks(image.fp).get(b"eXIf")
        if exif is not None:
            image.info["exif"] = b"Exif\x00\x00" + exif


def decode(image, factor, box):
    """`image` (can_band) decoded and flattened onto white (RGB, or L for greyscale without
    alpha), reduced by `factor` and resized to `box` (BICUBIC): never more than a band of its
    full-size rows at once."""
    fp, rawmode = image.fp, image.tile[0].args
    chunks = _chunks(fp)
    header = chunks[b"IHDR"]
    full_width, height = struct.unpack(">II", header[:8])
    row_bytes = 1 + len(Image.new(image.mode, (full_width, 1)).tobytes("raw", rawmode))
    rows = max(factor, BAND_BYTES // row_bytes // factor * factor)  # whole boxes of the reduce
    inflate = zlib.decompressobj()
    stream = _idat(fp, chunks[b"IDAT"])

    def bands():
        pending, previous = b"", None
        for top in range(0, height, rows):
            count = min(rows, height - top)
            band, pending = _inflate_rows(inflate, stream, pending, count * row_bytes)
            decoded = _band(header, chunks, band, count, previous, image.mode)
            previous = decoded.crop((0, count - 1, full_width, count)).tobytes("raw", rawmode)
            yield decoded

    return shrink_bands(bands(), height, factor, box)


def shrink(image, factor, box):
    """The same for an image decoded whole (any mode): flattened, reduced and resized to `box` a
    band at a time, so no full-size copy ever sits beside the decode (a transparent TIFF's
    premultiplied copy, a palette image's RGB one, a resize's intermediate)."""
    rows = band_rows(image.width, factor)
    bands = (
        image.crop((0, top, image.width, min(top + rows, image.height)))
        for top in range(0, image.height, rows)
    )
    return shrink_bands(bands, image.height, factor, box)


def band_rows(width, factor=1):
    """Rows of a band of a `width` px image held by Pillow (4 bytes a pixel): ~BAND_BYTES, whole
    boxes of the reduce by `factor`."""
    return max(factor, BAND_BYTES // (4 * width) // factor * factor)


def raw_bands(read, mode, size, stride, factor=1):
    """Pillow images of `mode`, a band of rows at a time (band_rows), of pixels that are not
    Pillow's: raw rows of `mode` `stride` bytes apart, `read(n)` giving their next n bytes in
    order (a file's read, or slices of a decoder's buffer: gallery.imaging.decoders)."""
    width, height = size
    rows = band_rows(width, factor)
    for top in range(0, height, rows):
        count = min(rows, height - top)
        data = read(count * stride)
        if len(data) < count * stride:
            raise ValueError("image data truncated")
        yield Image.frombuffer(mode, (width, count), data, "raw", mode, stride, 1)


def shrink_bands(bands, height, factor, box):
    """`bands` (Pillow images, top to bottom, whole boxes of `factor` rows but the last, of an
    image `height` rows high) flattened, reduced and resized to `box`. The resize runs on a window
    of reduced rows, each output row made once the rows its kernel reads are in (Image.resize's
    `box`: the same coefficients as one resize of the whole), so neither the reduced image nor a
    resize's intermediate is ever whole."""
    width, out_height = box
    reduced_height = -(-height // factor)
    scale = reduced_height / out_height
    reach = 2 * max(scale, 1.0) + 2  # BICUBIC's support in source rows, and a row to spare
    result, window, window_top, done = None, None, 0, 0
    for band in bands:
        part = flattened(band)
        part = part.reduce(factor) if factor > 1 else part
        if (part.width, reduced_height) == box:  # nothing to resize: the rows as they are
            result = Image.new(part.mode, box) if result is None else result
            result.paste(part, (0, window_top))
            window_top += part.height
            continue
        window = part if window is None else _stacked(window, part)
        bottom = window_top + window.height
        last = out_height if bottom >= reduced_height else max(done, int((bottom - reach) / scale))
        if last > done:
            # The last rows end at the window's end exactly (a float product could pass it).
            end = window.height if last == out_height else last * scale - window_top
            region = (0, done * scale - window_top, window.width, end)
            made = window.resize((width, last - done), Image.Resampling.BICUBIC, box=region)
            result = Image.new(made.mode, box) if result is None else result
            result.paste(made, (0, done))
            done = last
        keep = max(0, min(window.height, int(done * scale - reach) - window_top))
        if keep:
            window, window_top = window.crop((0, keep, window.width, window.height)), window_top + keep
    return result


def _stacked(top, bottom):
    both = Image.new(top.mode, (top.width, top.height + bottom.height))
    both.paste(top, (0, 0))
    both.paste(bottom, (0, top.height))
    return both


def _chunks(fp):
    """{kind: payload} of the file's chunks ("IDAT": [(offset, length)] of each)."""
    fp.seek(0)
    if fp.read(8) != SIGNATURE:
        raise ValueError("no PNG signature")
    found = {b"IDAT": []}
    while True:
        head = fp.read(8)
        if len(head) < 8:
            raise ValueError("PNG ends before IEND")
        length, kind = struct.unpack(">I", head[:4])[0], head[4:]
        if kind == b"IDAT":
            found[kind].append((fp.tell(), length))
            fp.seek(length + 4, 1)
        elif kind in (b"IHDR", b"eXIf", *_KEPT) and kind not in found:
            found[kind] = fp.read(length)
            fp.seek(4, 1)
        else:
            fp.seek(length + 4, 1)
        if kind == b"IEND":
            return found


def _idat(fp, parts, chunk=256 * 1024):
    """The image data's compressed bytes, a piece at a time."""
    for offset, length in parts:
        fp.seek(offset)
        while length > 0:
            piece = fp.read(min(chunk, length))
            if not piece:
                raise ValueError("PNG image data truncated")
            length -= len(piece)
            yield piece


def _inflate_rows(inflate, stream, pending, size):
    """`size` bytes of filtered rows (and what was inflated beyond them)."""
    out = [pending] if pending else []
    have = len(pending)
    while have < size:
        data = inflate.unconsumed_tail or next(stream, b"")
        if not data:
            raise ValueError("PNG image data truncated")
        piece = inflate.decompress(data, size - have)
        out.append(piece)
        have += len(piece)
    band = b"".join(out)
    return band[:size], band[size:]


def _band(header, chunks, band, count, previous, mode):
    """The band's rows decoded by Pillow: a PNG of its own, led by the previous band's last row."""
    rows = count
    if previous is not None:
        band = b"\x00" + previous + band
        rows += 1
    own_header = header[:4] + struct.pack(">I", rows) + header[8:12] + b"\x00"  # never interlaced
    data = [SIGNATURE, _chunk(b"IHDR", own_header)]
    data += [_chunk(kind, chunks[kind]) for kind in _KEPT if kind in chunks]
    data += [_chunk(b"IDAT", zlib.compress(band, 0)), _chunk(b"IEND", b"")]
    # The PNG plugin itself, not Image.open: nothing but our own band is ever parsed here.
    with PngImagePlugin.PngImageFile(io.BytesIO(b"".join(data))) as decoded:
        decoded.load()
        if decoded.mode != mode:
            raise ValueError("a band decoded to another mode")
        return decoded.crop((0, 1, decoded.width, rows)) if previous is not None else decoded.copy()


def _chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def flattened(band):
    """RGB onto white where there is transparency; 16- and 32-bit grey scaled to 8 bits; L stays L;
    any other mode RGB (the one rule of flattening: gallery.imaging.process._to_rgb uses it too)."""
    if band.has_transparency_data:
        rgba = band.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if band.mode.startswith("I;16") or band.mode in ("I", "F"):
        return band.point(lambda value: value / 256).convert("L")
    return band if band.mode in ("L", "RGB") else band.convert("RGB")

"""The full-size copy others may download: the original's image data without its metadata.

No Django, no Pillow decode: bytes in, bytes out. For JPEG, PNG, WebP and GIF the file is
rewritten block by block (JPEG segments, PNG and WebP chunks, GIF blocks), so the pixels are
the uploaded ones bit for bit; only what describes the photo goes. Kept: what is needed to show
it as uploaded (colour profile, transparency, animation, JPEG's Adobe marker that says how to
read CMYK) and, when the photo is not upright, a new EXIF block holding the orientation alone.
Dropped: EXIF (GPS, serial numbers, ...), XMP, IPTC/Photoshop blocks, comments, text chunks,
MPO's further pictures (depth maps and gain maps carry their own EXIF) and anything after the
end of the image (a polyglot's payload).

TIFF and HEIC have no such rewrite here; gallery.imaging.process re-encodes them (a full-size JPEG).
`strip` raises `CannotStrip` when the file's structure is not what its format says; the caller
then offers no full-size copy rather than the original.
"""

import struct
import zlib

from PIL import Image

_ORIENTATION = 0x0112

# JPEG: markers without a length field, and the APPn segments kept (by their payload's start).
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP1, _APP2, _APP14 = 0xE0, 0xE1, 0xE2, 0xEE
_KEPT_APP_PREFIXES = {_APP0: (b"JFIF\0", b"JFXX\0"), _APP2: (b"ICC_PROFILE\0",), _APP14: (b"Adobe",)}

# PNG: the chunks that draw the image (APNG's included); text, eXIf and time go.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"cLLI",
}  # fmt: skip

# WebP: RIFF chunks; VP8X flags for the chunks that go.
_WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04

# GIF: application extensions that only say how to animate.
_GIF_KEPT_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


class CannotStrip(ValueError):
    """The file's structure does not parse as its format."""


def strip(data, image_format, orientation=1):
    """`data` without metadata, for a format gallery.imaging.process accepts ("JPEG", "PNG", "WEBP",
    "GIF"); `orientation` (EXIF, 1-8) is written back when not 1, so the copy shows upright."""
    return b"".join(_pieces(data, image_format, orientation))


def strip_into(file, data, image_format, orientation=1):
    """`strip` written to `file` piece by piece: the copy is never a second `data` in memory (a
    worker's peak, 50 MP JPEG: the 20 MB copy held through the decode). Returns the bytes written."""
    return sum(file.write(piece) for piece in _pieces(data, image_format, orientation))


def _pieces(data, image_format, orientation):
    """The stripped copy as a list of pieces (views of `data` where they are kept as they are),
    all parsed before any is written: a file that does not parse writes nothing."""
    try:
        return _STRIPPERS[image_format](data, orientation)
    except CannotStrip:
        raise
    except (IndexError, ValueError, struct.error) as error:  # ran past the end of the data
        raise CannotStrip(f"{image_format}: {error}") from None


def can_strip(image_format):
    return image_format in _STRIPPERS


def orientation_exif(orientation):
    """An EXIF block (TIFF header and one IFD) holding only the orientation."""
    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    return exif.tobytes().removeprefix(b"Exif\x00\x00")


# --- JPEG -------------------------------------------------------------------------------------
def _strip_jpeg(data, orientation):
    if data[:2] != b"\xff\xd8":
        raise CannotStrip("no SOI")
    out = [b"\xff\xd8"]
    position = 2
    inserted = orientation == 1
    # Pieces as views of `data`: slices of bytes were copies too, so the file, its pieces and the
    # copy were 3x the file at once (a 9 MB JPEG's step: +19 -> +14 MB).
    view = memoryview(data)
    while True:
        marker, position = _next_marker(data, position)
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return out  # the first picture ends here: MPO's others and trailers go
        if marker in _STANDALONE:
            out.append(bytes((0xFF, marker)))
            continue
        (length,) = struct.unpack(">H", data[position : position + 2])
        if length < 2 or position + length > len(data):
            raise CannotStrip("segment past the end")
        segment = view[position - 2 : position + length]
        payload = data[position + 2 : position + length]
        position += length
        if not inserted and marker != _APP0:
            # After JFIF's APP0 when there is one (it must come first), else right after SOI.
            exif = b"Exif\x00\x00" + orientation_exif(orientation)
            out.append(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
            inserted = True
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APPn and COM: only the listed ones stay
            prefixes = _KEPT_APP_PREFIXES.get(marker)
            if not prefixes or not payload.startswith(prefixes):
                continue
        out.append(segment)
        if marker == _SOS:
            end = _entropy_end(data, position)
            out.append(view[position:end])
            position = end


def _next_marker(data, position):
    if data[position] != 0xFF:
        raise CannotStrip(f"no marker at {position}")
    while data[position] == 0xFF:  # fill bytes
        position += 1
    return data[position], position + 1


def _entropy_end(data, position):
    """Where the entropy-coded data that follows a scan header ends: at the first marker that
    is neither a stuffed 0xFF00 nor a restart marker."""
    while True:
        position = data.index(b"\xff", position)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


# --- PNG --------------------------------------------------------------------------------------
def _strip_png(data, orientation):
    if not data.startswith(_PNG_SIGNATURE):
        raise CannotStrip("no PNG signature")
    out, position = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    view = memoryview(data)  # pieces as views (as _strip_jpeg)
    while True:
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise CannotStrip("chunk past the end")
        if kind == b"IDAT" and orientation != 1:
            out.append(_png_chunk(b"eXIf", orientation_exif(orientation)))
            orientation = 1
        if kind in _PNG_KEPT:
            out.append(view[position:end])
        position = end
        if kind == b"IEND":
            return out


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


# --- WebP -------------------------------------------------------------------------------------
def _strip_webp(data, orientation):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise CannotStrip("no RIFF WEBP header")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_file = min(len(data), 8 + riff_size)
    chunks, position = [], 12
    while position + 8 <= end_of_file:
        kind = data[position : position + 4]
        (size,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + size + (size & 1)
        if position + 8 + size > end_of_file:
            raise CannotStrip("chunk past the end")
        if kind in _WEBP_KEPT:
            chunk = bytearray(data[position:end])
            if kind == b"VP8X":
                chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
                if orientation != 1:
                    chunk[8] |= _VP8X_EXIF
            chunks.append(bytes(chunk))
        position = end
    if orientation != 1 and any(chunk[:4] == b"VP8X" for chunk in chunks):
        exif = orientation_exif(orientation)
        chunks.append(b"EXIF" + struct.pack("<I", len(exif)) + exif + b"\0" * (len(exif) & 1))
    body_size = 4 + sum(len(chunk) for chunk in chunks)
    return [b"RIFF", struct.pack("<I", body_size), b"WEBP", *chunks]


# --- GIF --------------------------------------------------------------------------------------
def _strip_gif(data, orientation):
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise CannotStrip("no GIF header")
    position = 13 + _colour_table_bytes(data[10])
    out = [data[:position]]
    view = memoryview(data)  # pieces as views (as _strip_jpeg)
    while True:
        introducer = data[position]
        if introducer == 0x3B:  # trailer: anything after it goes
            out.append(b"\x3b")
            return out
        if introducer == 0x21:
            label = data[position + 1]
            end = _sub_blocks_end(data, position + 2)
            keep = label == 0xF9 or (
                label == 0xFF and data[position + 3 : position + 14] in _GIF_KEPT_APPLICATIONS
            )
            if keep:
                out.append(view[position:end])
            position = end
        elif introducer == 0x2C:
            start = position + 10 + _colour_table_bytes(data[position + 9])
            end = _sub_blocks_end(data, start + 1)  # after the LZW minimum code size
            out.append(view[position:end])
            position = end
        else:
            raise CannotStrip(f"unknown GIF block {introducer:#x}")


def _colour_table_bytes(packed):
    return 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0


def _sub_blocks_end(data, position):
    while data[position]:
        position += data[position] + 1
    return position + 1


_STRIPPERS = {"JPEG": _strip_jpeg, "PNG": _strip_png, "WEBP": _strip_webp, "GIF": _strip_gif}

"""Still WebPs and HEICs decoded by their own libraries into one buffer, without Pillow's copies
(a worker's peak, issue 26; bench/worker_memory.py, docs/benchmarks.md).

Pillow 13 decodes every WebP through libwebp's WebPAnimDecoder: two RGBA canvases, the frame
copied to bytes, then Pillow's own image (~15.5 bytes a pixel of a worker's growth). A still WebP
is decoded here by libwebp's WebPDecode (the `webp` package) into one RGB buffer (RGBA with
transparency), 3 (4) bytes a pixel. Animated WebPs stay with Pillow: their first frame, as ever.

pillow-heif's plugin copies libheif's RGB (3 bytes a pixel) into Pillow's image (4) and holds both
at once; the full-size JPEG copy of a HEIC then needed both. Here libheif's buffer is the only
full-size decode: when a full-size copy is wanted it goes to a temporary file and is released,
so the sizes are read back from disk and the Pillow image that copy is encoded from is made with
no decode beside it. libheif applies the HEIF's irot/imir itself, as the plugin does.

Both hand their pixels over a band of rows at a time (png_bands.raw_bands), flattened, reduced
and resized as png_bands does it for every image decoded whole.
"""

import importlib.util
import tempfile

from PIL import Image

from gallery.imaging import png_bands

# Bytes of a decode written to the temporary file at once.
_WRITE_BYTES = 4 * 1024 * 1024
# Found, not imported (that imports numpy): without the package (it is in requirements.txt) WebPs
# go through Pillow as before, rather than failing as "damaged" on an ImportError.
HAVE_WEBP = importlib.util.find_spec("webp") is not None


def still_webp(image):
    """Whether `image` (opened by Pillow, not loaded) is a WebP `webp_shrunk` decodes."""
    return HAVE_WEBP and image.format == "WEBP" and not getattr(image, "is_animated", False)


def webp_lossless(fileobj):
    """Whether the WebP in `fileobj` is a still, lossless one (its image chunk VP8L), read from its
    chunk headers alone (policy.decode_cost: a lossless decode costs more). False for anything
    else: a lossy or animated WebP, or a file whose chunks do not parse (its decode then fails)."""
    fileobj.seek(0)
    head = fileobj.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:] != b"WEBP":
        return False
    while len(chunk := fileobj.read(8)) == 8:
        kind, size = chunk[:4], int.from_bytes(chunk[4:], "little")
        if kind == b"VP8L":
            return True
        if kind in (b"VP8 ", b"ANIM", b"ANMF"):
            return False
        fileobj.seek(size + (size & 1), 1)  # chunks are padded to an even size
    return False


def webp_shrunk(fileobj, mode, factor, box):
    """The still WebP in `fileobj` (Pillow's `mode`: RGB, or RGBA with transparency) decoded by
    libwebp, flattened, reduced by `factor` and resized to `box` a band at a time."""
    # Imported on a WebP's first decode: the package imports numpy (12-14 MB of a worker's memory),
    # which no other format needs.
    import webp

    fileobj.seek(0)
    colour = webp.WebPColorMode.RGBA if mode == "RGBA" else webp.WebPColorMode.RGB
    pixels = webp.WebPData.from_buffer(fileobj.read()).decode(colour)  # raises WebPError when damaged
    height, width, depth = pixels.shape
    rows = png_bands.raw_bands(_reader(pixels), mode, (width, height), width * depth, factor)
    return png_bands.shrink_bands(rows, height, factor, box)


class HeifPixels:
    """The primary image of a HEIF file decoded by libheif (8 bits a channel), its rows kept in
    libheif's buffer or, after `spill`, in a temporary file. `size` and `mode` are the decode's
    (upright: libheif applied irot/imir). Close it (or use it as a context manager)."""

    def __init__(self, fileobj):
        import pillow_heif  # the plugin gallery.imaging.process registers: there whenever HEIF is

        fileobj.seek(0)
        heif = pillow_heif.open_heif(fileobj, convert_hdr_to_8bit=True)
        image = heif[heif.primary_index]
        self._buffer = image.data  # libheif decodes here
        self.size, self.mode, self.stride = image.size, image.mode, image.stride
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._buffer = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def spill(self):
        """Move the rows to a temporary file and release libheif's buffer."""
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        view = memoryview(self._buffer)
        for start in range(0, len(view), _WRITE_BYTES):
            self._file.write(view[start : start + _WRITE_BYTES])
        view.release()
        self._buffer = None

    def bands(self, factor=1):
        """Pillow images of `mode`, a band of rows at a time, top to bottom."""
        if self._file is not None:
            self._file.seek(0)
            read = self._file.read
        else:
            read = _reader(self._buffer)
        return png_bands.raw_bands(read, self.mode, self.size, self.stride, factor)

    def shrunk(self, factor, box):
        """Flattened, reduced by `factor` and resized to `box` a band at a time."""
        return png_bands.shrink_bands(self.bands(factor), self.size[1], factor, box)

    def flattened(self):
        """The whole image flattened (RGB, or L): made a band at a time, for the full-size copy."""
        whole, top = None, 0
        for band in self.bands():
            flat = png_bands.flattened(band)
            whole = Image.new(flat.mode, self.size) if whole is None else whole
            whole.paste(flat, (0, top))
            top += band.height
        return whole


def _reader(buffer):
    """read(n) over a buffer's bytes, each call its next n bytes (views: nothing copied)."""
    view = memoryview(buffer).cast("B")
    position = 0

    def read(size):
        nonlocal position
        piece = view[position : position + size]
        position += size
        return piece

    return read

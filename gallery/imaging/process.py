"""All image work for photoshare: check an uploaded file, read its header facts, make the display
size and the thumbnail. Pillow only; knows nothing of Django, HTTP or S3.

One entry point, `process_image`: a file object and the `ImagePolicy` it is held to in, a
`ProcessedImage` out. Every problem with the file is an `InvalidImage` (gallery.imaging.policy)
whose message can be shown to the person who uploaded it and whose `code` says which problem it is.

Hostile files (see docs/security.md): the upload is opened once, by the plugins of the formats
we accept only; the pixel count is checked from the header before anything is decoded; it is
decoded once, JPEGs at a reduced scale, most PNGs a band of rows at a time (png_bands), other
formats whole (still WebPs and HEICs by libwebp and libheif into one buffer: decoders) and only
while their pixels' cost stays within the policy's `max_decode_bytes`
(policy.decode_pixel_limit); animated files give their first frame; corrupt EXIF is ignored. No
rendition carries the original's metadata: no EXIF, XMP, comment or text.
"""

import contextlib
import logging
import tempfile
import warnings
from dataclasses import dataclass

from PIL import Image

from gallery.imaging import decoders, png_bands, scaled_decode, shared_copy
from gallery.imaging.encode import JPEG_CONTENT_TYPE, EncodedJpeg, encode, jpeg
from gallery.imaging.exif import ExifFacts, exif_facts, gps_position
from gallery.imaging.formats import (
    ACCEPT_ATTRIBUTE,
    SUPPORTED_FORMATS,
    accepted_format,
    open_upload,
    supported_formats_text,
)
from gallery.imaging.orientation import ORIENTATION_TRANSPOSE as _ORIENTATION_TRANSPOSE
from gallery.imaging.orientation import exif_orientation as _orientation
from gallery.imaging.orientation import turned
from gallery.imaging.policy import (
    WEBP_LOSSLESS,
    ImagePolicy,
    InvalidImage,
    decode_pixel_limit,
    has_alpha,
    too_many_pixels,
)
from gallery.imaging.renditions import DISPLAY, SOURCES, THUMBNAIL, card_box, sources_for, uncropped_long_side

__all__ = [
    "ACCEPT_ATTRIBUTE",
    "JPEG_CONTENT_TYPE",
    "SUPPORTED_FORMATS",
    "EncodedJpeg",
    "ImagePolicy",
    "InvalidImage",
    "ProcessedImage",
    "process_image",
    "site_policy",
    "supported_formats_text",
]

logger = logging.getLogger(__name__)

# Full-size copies of formats that cannot be stripped in place (TIFF, HEIC) are re-encoded.
FULL_SIZE_QUALITY = 90
# A full-size copy larger than this waits on disk for its upload (as the upload itself does in
# gallery.storage.s3.objects): up to the upload limit, it is what most held a worker's memory.
SHARED_SPOOL_IN_MEMORY = 4 * 1024 * 1024

# Orientations 5-8 rotate by 90 degrees, so the displayed width and height swap.
_ORIENTATIONS_SWAPPING_AXES = {5, 6, 7, 8}
# Formats whose plugin shows the image upright itself: Pillow's TIFF plugin reports the upright
# size and transposes while loading; pillow-heif's libheif applies the HEIF's irot/imir and
# resets the EXIF orientation to 1. Applying the EXIF orientation again would turn them twice.
_ORIENTED_BY_PLUGIN = {"TIFF", "HEIF"}


@dataclass(frozen=True)
class SharedFile:
    """The full-size file others download: the original without its metadata (gallery.imaging.shared_copy).
    `lossless`: the uploaded image data as is; else a full-size JPEG re-encoded from it. `file`
    (binary, `size` bytes) is a spooled temporary file: up to the upload limit, kept on disk past
    SHARED_SPOOL_IN_MEMORY, not in a worker's memory through the decode and the uploads."""

    file: object
    size: int
    extension: str
    content_type: str
    lossless: bool

    @property
    def data(self):
        """The whole copy as bytes (read from `file`)."""
        self.file.seek(0)
        return self.file.read()


@dataclass(frozen=True)
class ProcessedImage:
    format: str  # a key of SUPPORTED_FORMATS
    extension: str
    content_type: str
    width: int  # as displayed, EXIF orientation applied
    height: int
    thumbnail: EncodedJpeg
    display: EncodedJpeg
    exif: ExifFacts
    shared: SharedFile | None = None  # None: the file could not be stripped (others get no full size)
    # The modern-format sizes (renditions.SOURCES) up to the photo's own: never enlarged, so a
    # small photo has fewer; the viewer's largest first, then the cards' largest first.
    sources: tuple = ()
    position: tuple | None = None  # (latitude, longitude): the owner's alone (exif.gps_position)


def site_policy(limits):
    """The policy of the site from its limits (gallery.domain.limits.LIMITS, read now so that a
    test's override applies), every supported format: the one place the limits become a policy,
    for the upload form (and so the API) and the direct-upload worker alike."""
    return ImagePolicy(
        max_bytes=limits.upload_bytes,
        max_pixels=limits.image_pixels,
        max_decode_bytes=limits.decode_bytes,
        formats=tuple(SUPPORTED_FORMATS),
    )


def process_image(fileobj, policy, *, thumbnail_size, display_size, sources=SOURCES, shared=True, rotation=0):
    """Check that `fileobj` is an intact image of a format and a size `policy` (an ImagePolicy)
    accepts; return its facts, its display size (`display_size` px long side), thumbnail
    (`thumbnail_size` px) and `sources` (rows of gallery.imaging.renditions). The caller has
    checked the file's bytes against `policy.max_bytes`. `shared=False` skips the full-size copy
    (the backfill of sizes, gallery.services.renditions, has it already).

    JPEGs are decoded at a reduced scale and 8- and 16-bit PNGs a band of rows at a time
    (png_bands); every other image is decoded whole, at 6-22 bytes a pixel of the budget by format
    and mode, so `policy.max_decode_bytes` gives them a lower limit: it is what bounds a worker's
    peak memory (policy.decode_pixel_limit, bench/worker_memory.py).

    The file is decoded once, at the scale the largest size needs; each smaller size is resized
    from the next larger one (a chain: each step works on a few pixels more than it makes).

    `rotation` (0, 90, 180, 270: clockwise) turns the upright image further (the owner's rotate):
    it is folded into the orientation, so the sizes, the dimensions and the full-size copy's
    orientation tag all follow it without a second transform.
    """
    with open_upload(fileobj, policy) as image, warnings.catch_warnings():
        # Pillow warns about oddities it then handles ("Corrupt EXIF data", palette transparency).
        warnings.simplefilter("ignore")
        image_format = accepted_format(image, policy)
        _check_pixels(image, image_format, policy)
        exif = _exif(image)
        orientation = 1 if image_format in _ORIENTED_BY_PLUGIN else _orientation(exif)
        orientation = turned(orientation, rotation)
        width, height = image.size
        if orientation in _ORIENTATIONS_SWAPPING_AXES:
            width, height = height, width
        targets = _targets(width, height, thumbnail_size, display_size, sources)
        # A copy rewritten from the file's bytes is made once the decode is gone: the file's bytes
        # (up to the upload limit) then never sit in memory beside it, and the copy itself goes
        # to a spooled file (a worker's peak, 50 MP JPEG: 158 -> 137 MB). A copy re-encoded
        # (TIFF, HEIC) comes first: it needs the full-size pixels that the decode for the sizes
        # releases.
        largest = max(long_side for long_side, _ in targets)
        strip_later = shared and shared_copy.can_strip(image_format)
        shared_file, heif = None, None
        if image_format == "HEIF":
            icc_profile = image.info.get("icc_profile")
        else:
            with _damaged_if_undecodable(image_format, policy):
                shared_file, pixels = (
                    _shared_file(fileobj, image, image_format, orientation)
                    if shared and not strip_later
                    else (None, None)
                )
                decoded = _decode_upright(image if pixels is None else pixels, largest, orientation, fileobj)
    if image_format == "HEIF":
        # libheif's buffer is the only full-size decode (decoders.HeifPixels), the plugin's image
        # never loaded, and released first: its parse of the file (the file's bytes among it,
        # ~6.5 MB at 12 MP) would sit beside the decode (a worker's peak, issue 26).
        image = None
        with warnings.catch_warnings(), _damaged_if_undecodable(image_format, policy):
            warnings.simplefilter("ignore")
            heif = decoders.HeifPixels(fileobj)
            try:
                if shared:
                    heif.spill()  # the full-size copy is made after the sizes, from disk
                box = _fit(*heif.size, largest)
                decoded = _upright(heif.shrunk(_whole_factor(heif, box), box), box, orientation)
            except BaseException:
                heif.close()
                raise

    made, larger = {}, decoded
    for long_side, rows in targets:  # largest first
        larger = _resized(larger, _fit(width, height, long_side))
        for row in rows:
            whole = (0, 0, *larger.size)
            crop = card_box(*larger.size) if row.card else whole  # a 3:2 photo's card: whole, no copy
            made[row] = encode(larger if crop == whole else larger.crop(crop), row)
    decoded = larger = None  # the pixels released before the copy is made
    if heif is not None:
        with heif:
            if shared:
                shared_file = _heif_shared_file(heif, orientation, icc_profile)
    elif strip_later:
        try:
            shared_file, _ = _shared_file(fileobj, None, image_format, orientation)
        except Exception as error:  # as any failure to read the upload above: the file's
            logger.info("cannot copy %s upload: %r", image_format, error)
            raise InvalidImage("damaged") from None
    extension, content_type = SUPPORTED_FORMATS[image_format]
    return ProcessedImage(
        format=image_format,
        extension=extension,
        content_type=content_type,
        width=width,
        height=height,
        thumbnail=made[THUMBNAIL],
        display=made[DISPLAY],
        exif=exif_facts(exif),
        shared=shared_file,
        sources=tuple(
            sorted(
                (encoded for row, encoded in made.items() if row in sources),
                key=lambda encoded: (encoded.rendition.card, -encoded.rendition.long_side),
            )
        ),
        position=gps_position(exif),
    )


@contextlib.contextmanager
def _damaged_if_undecodable(image_format, policy):
    """Any failure to decode an upload is the file's: InvalidImage("damaged") (too_many_pixels for
    Pillow's decompression bomb). Pillow's decoders raise many types on malformed data (OSError,
    SyntaxError, struct.error, IndexError, ...), libheif ValueError and RuntimeError."""
    try:
        yield
    except Image.DecompressionBombError:
        raise too_many_pixels(policy.max_pixels) from None
    except Exception as error:
        logger.info("cannot decode %s upload: %r", image_format, error)
        raise InvalidImage("damaged") from None


def _targets(width, height, thumbnail_size, display_size, sources):
    """[(long side, [rows made at it])], largest first: the JPEG sizes at their settings' sides
    and the sources the photo has (renditions.sources_for), none larger than the photo."""
    own = max(width, height)
    wanted = {min(thumbnail_size, own): [THUMBNAIL]}
    wanted.setdefault(min(display_size, own), []).append(DISPLAY)
    for row in sources_for(width, height, sources):
        # A card's row is cut from the whole photo at the size that makes the crop its width.
        wanted.setdefault(min(uncropped_long_side(width, height, row), own), []).append(row)
    return sorted(wanted.items(), reverse=True)


def _check_pixels(image, image_format, policy):
    """The header's pixel count against the policy, before anything is decoded."""
    pixels = image.width * image.height
    if pixels > policy.max_pixels:
        raise too_many_pixels(policy.max_pixels)
    banded = png_bands.can_band(image)
    info = image.info
    lossless = image_format == "WEBP" and decoders.webp_lossless(image.fp)
    if lossless:
        info = {**info, WEBP_LOSSLESS: True}
    if pixels > (limit := decode_pixel_limit(policy, image_format, image.mode, info, banded=banded)):
        text, alpha = supported_formats_text(image_format), has_alpha(image.mode, image.info)
        raise too_many_pixels(limit, text, policy.max_pixels, alpha=alpha, in_bands=banded, lossless=lossless)


def _shared_file(fileobj, image, image_format, orientation):
    """(the copy without metadata, the pixels to make the sizes from if not `image`'s): the file
    rewritten without its metadata blocks when its format allows it, else (TIFF; a HEIC's is
    _heif_shared_file's) a full-size JPEG of the decoded pixels, with an EXIF block holding the
    orientation alone (as the rewritten copies): no full-size copy is rotated."""
    spool = tempfile.SpooledTemporaryFile(max_size=SHARED_SPOOL_IN_MEMORY)  # noqa: SIM115 (returned open)
    if shared_copy.can_strip(image_format):
        fileobj.seek(0)
        try:
            size = shared_copy.strip_into(spool, fileobj.read(), image_format, orientation)
        except shared_copy.CannotStrip as error:
            spool.close()
            logger.info("no full-size copy of a %s upload: %s", image_format, error)
            return None, None
        extension, content_type = SUPPORTED_FORMATS[image_format]
        return SharedFile(spool, size, extension, content_type, lossless=True), None
    image.load()
    icc_profile = image.info.get("icc_profile")
    # An RGB image is encoded as it is: no full-size copy of a 12 MP photo (36 MB) for nothing.
    # Any other is flattened a band at a time into one RGB (or grey) copy and its decode released
    # before the encode; the sizes are made from that copy (a 12.5 MP RGBA TIFF: 183 -> ~100 MB).
    pixels = None
    if image.mode != "RGB":
        pixels = png_bands.shrink(image, 1, image.size)
        image.im = None
    # The colour profile is kept (wide-gamut phone photos); nothing else of the original's.
    exif = shared_copy.orientation_exif(orientation) if orientation != 1 else b""
    rgb = image if pixels is None else pixels
    jpeg(rgb, into=spool, quality=FULL_SIZE_QUALITY, exif=exif, icc_profile=icc_profile)
    return SharedFile(spool, spool.tell(), "jpg", JPEG_CONTENT_TYPE, lossless=False), pixels


def _heif_shared_file(heif, orientation, icc_profile):
    """The full-size JPEG of a HEIC (decoders.HeifPixels, spilled): encoded from one flattened
    copy made from its rows on disk, with nothing else full-size beside it (as _shared_file's)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SHARED_SPOOL_IN_MEMORY)  # noqa: SIM115 (returned open)
    exif = shared_copy.orientation_exif(orientation) if orientation != 1 else b""
    jpeg(heif.flattened(), into=spool, quality=FULL_SIZE_QUALITY, exif=exif, icc_profile=icc_profile)
    return SharedFile(spool, spool.tell(), "jpg", JPEG_CONTENT_TYPE, lossless=False)


def _decode_upright(image, size, orientation, fileobj=None):
    """`image` decoded once, fitted in a `size` px box, flattened to RGB and upright (a still
    WebP decoded by libwebp from `fileobj`, the file `image` was opened from)."""
    box = _fit(image.width, image.height, size)
    if image.format in ("JPEG", "MPO"):
        # Lets libjpeg decode at 1/8, 1/4, 3/8 or 1/2 scale, never below the requested size. Ask for
        # the target's own box, not the square: a 4000x3000 photo then decodes at 1/8 (500x375) for
        # a 400 px box, not at 1/4 (1000x750), ~20 % faster with the same result (bench/thumbnails.py).
        scaled_decode.draft(image, box)
    elif png_bands.can_band(image):
        image = png_bands.decode(image, _whole_factor(image, box), box)
    elif fileobj is not None and decoders.still_webp(image):
        image = decoders.webp_shrunk(fileobj, image.mode, _whole_factor(image, box), box)
    else:
        image = _reduced_whole(image, box)
    return _upright(image, box, orientation)


def _upright(image, box, orientation):
    """`image` (shrunk to about `box`) resized to `box`, flattened to RGB and turned upright."""
    rgb = _to_rgb(_resized(image, box))
    # Orient after shrinking: transposing first would force a full-size decode and copy. Done
    # here rather than by ImageOps.exif_transpose, which re-serialises the whole EXIF block and
    # fails on corrupt EXIF (found by fuzzing); the outputs keep no EXIF anyway.
    if orientation in _ORIENTATION_TRANSPOSE:
        rgb = rgb.transpose(_ORIENTATION_TRANSPOSE[orientation])
    return rgb


def _reduced_whole(image, box):
    """A whole-decoded image flattened, reduced (box averaging) and resized to `box` a band of rows
    at a time (png_bands.shrink: no full-size copy beside the decode), its pixels then released."""
    image.load()
    reduced = png_bands.shrink(image, _whole_factor(image, box), box)
    image.im = None  # the file object's full-size pixels; `image` keeps only its header facts
    return reduced


def _whole_factor(image, box):
    """The largest integer factor `image` (anything with a `size`) can be reduced by and still
    cover `box` (at least 1)."""
    width, height = image.size
    return max(1, min(width // box[0], height // box[1]))


def _fit(width, height, size):
    """The size of a `width` x `height` image fitted in a `size` px square; never enlarged."""
    if width <= size and height <= size:
        return width, height
    if width >= height:
        return size, max(1, round(height * size / width))
    return max(1, round(width * size / height)), size


def _resized(image, box):
    if image.size == box:
        return image
    if image.width < 2 * box[0] and image.height < 2 * box[1]:
        # What is left after libjpeg's scaled decode (2000 -> 1600 px for a 12 MP JPEG, 3000 -> 1600
        # for 24 MP): BICUBIC gives the same PSNR against a full-resolution LANCZOS reference as
        # LANCZOS itself (44.3 vs 44.1 dB, 49.2 vs 49.3 dB) for ~27 % less CPU; its narrower kernel
        # is what costs less (bench/renditions.py prints both).
        return image.resize(box, Image.Resampling.BICUBIC)
    # Larger factors (the thumbnail from the display pixels, whole-decoded PNGs): LANCZOS, 5 dB
    # better than BICUBIC there, and as Image.thumbnail, a cheap integer reduce first.
    return image.resize(box, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _to_rgb(image):
    """Flatten any mode Pillow can give us onto an opaque RGB image (white under transparency,
    16- and 32-bit grey scaled to 8 bits): png_bands.flattened's rule, then grey made RGB."""
    if image.mode == "RGB" and not image.has_transparency_data:
        # No copy (convert() makes one even to its own mode): ~2 % of a JPEG's CPU and 4 bytes a
        # pixel of the decode less at the peak. Loaded here, while its file is still open.
        image.load()
        return image
    flat = png_bands.flattened(image)
    return flat if flat.mode == "RGB" else flat.convert("RGB")


def _exif(image):
    """The EXIF block from the header, nothing decoded (a PNG's eXIf may follow its pixels: read
    from its chunks, not by Pillow's getexif(), which decodes the whole image to find it); empty
    when missing or corrupt."""
    try:
        if image.format == "PNG":
            png_bands.read_exif(image)
            if "exif" not in image.info and "Raw profile type exif" not in image.info:
                return Image.Exif()
        return image.getexif()
    except Exception:
        return Image.Exif()

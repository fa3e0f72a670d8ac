"""A new photo's fields that come from its checked image (gallery.imaging.process.ProcessedImage):
the keys, sizes and EXIF facts that publish and the worker's job both store."""

from dataclasses import asdict

from gallery.imaging.renditions import RENDITIONS
from gallery.storage.s3.keys import original_key, rendition_key, shared_key


def rendition_fields(photo_id, processed, original_bytes):
    """The Photo fields that come from the checked image: its keys, sizes and EXIF facts."""
    return {
        "original_key": original_key(photo_id, processed.extension),
        "original_content_type": processed.content_type,
        "original_bytes": original_bytes,
        "width": processed.width,
        "height": processed.height,
        **_size_fields(photo_id, processed),
        **asdict(processed.exif),  # date, camera, lens, exposure, ...: never where
        **_shared_fields(photo_id, processed.shared),
        **_position_fields(processed.position),  # where: the owner's map only
    }


def _position_fields(position):
    if position is None:
        return {}
    latitude, longitude = position
    return {"latitude": f"{latitude:.6f}", "longitude": f"{longitude:.6f}"}


def rotated_fields(photo_id, processed, variant):
    """The fields a rotation rewrites: the dimensions, each size and the full-size copy (none
    when it could not be made), stored under keys named by `variant`. Never the original, nor
    what the file says (EXIF facts, date taken): the owner may have changed those."""
    return {
        "width": processed.width,
        "height": processed.height,
        **_size_fields(photo_id, processed, variant),
        "shared_key": "",
        "shared_content_type": "",
        "shared_bytes": 0,
        **_shared_fields(photo_id, processed.shared, variant),
    }


def _size_fields(photo_id, processed, variant=""):
    """<field>_key, _width and _height of each size (gallery.imaging.renditions)."""
    fields = {}
    for row in RENDITIONS:
        made = getattr(processed, row.field)
        fields[f"{row.field}_key"] = rendition_key(photo_id, row, variant)
        fields[f"{row.field}_width"], fields[f"{row.field}_height"] = made.width, made.height
    fields["sources"] = source_fields(photo_id, processed.sources, variant)
    return fields


def source_fields(photo_id, sources, variant=""):
    """The Photo's `sources` (gallery.domain.records.PhotoCard) from the sources process_image made."""
    return [
        {
            "key": rendition_key(photo_id, made.rendition, variant),
            "type": made.content_type,
            "width": made.width,
            "height": made.height,
            "card": made.rendition.card,  # cropped for cards (gallery.imaging.renditions.CARD_ASPECTS)
        }
        for made in sources
    ]


def _shared_fields(photo_id, shared, variant=""):
    """The full-size copy without metadata that others download (gallery/imaging/shared_copy.py)."""
    if shared is None:
        return {}
    return {
        "shared_key": shared_key(photo_id, shared.extension, variant),
        "shared_content_type": shared.content_type,
        "shared_bytes": shared.size,
    }

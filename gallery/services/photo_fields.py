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
    }


def _size_fields(photo_id, processed):
    """<field>_key, _width and _height of each size (gallery.imaging.renditions)."""
    fields = {}
    for row in RENDITIONS:
        made = getattr(processed, row.field)
        fields[f"{row.field}_key"] = rendition_key(photo_id, row)
        fields[f"{row.field}_width"], fields[f"{row.field}_height"] = made.width, made.height
    fields["sources"] = source_fields(photo_id, processed.sources)
    return fields


def source_fields(photo_id, sources):
    """The Photo's `sources` (gallery.domain.records.PhotoCard) from the sources process_image made."""
    return [
        {
            "key": rendition_key(photo_id, made.rendition),
            "type": made.content_type,
            "width": made.width,
            "height": made.height,
        }
        for made in sources
    ]


def _shared_fields(photo_id, shared):
    """The full-size copy without metadata that others download (gallery/imaging/shared_copy.py)."""
    if shared is None:
        return {}
    return {
        "shared_key": shared_key(photo_id, shared.extension),
        "shared_content_type": shared.content_type,
        "shared_bytes": len(shared.data),
    }

"""The EXIF facts a photo keeps: declared once, here. gallery.imaging.exif reads them from an
image's header; gallery.domain.records.Photo holds them as its own fields (it extends this
record), so a new fact is one line here. No Django, no Pillow: imaging imports it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExifFacts:
    """Only what the photo page shows, as it shows it ("1/250 s", "f/2.8", "35 mm"); empty (0 for
    the ISO) when the camera did not write it. GPS and every other tag stay in the original."""

    # DateTimeOriginal with its offset when written, in gallery.domain.taken's format
    # ("2024-07-01T18:30:00+09:00"); a photo without one is given its upload time instead.
    taken: str = ""
    camera: str = ""
    lens: str = ""
    exposure: str = ""
    aperture: str = ""
    focal_length: str = ""
    iso: int = 0

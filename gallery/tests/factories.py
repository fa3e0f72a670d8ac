"""Images, uploads, photo records and signed-in clients made in memory for the tests (no binaries in git)."""

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, TiffImagePlugin

from gallery.domain.records import Album, Photo

EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825
EXIF_IFD, DATE_TIME_ORIGINAL, MAKE, MODEL = 0x8769, 0x9003, 0x010F, 0x0110
OFFSET_TIME_ORIGINAL = 0x9011
EXPOSURE_TIME, F_NUMBER, ISO, FOCAL_LENGTH, LENS_MAKE, LENS_MODEL = (
    0x829A,
    0x829D,
    0x8827,
    0x920A,
    0xA433,
    0xA434,
)


def image_bytes(format="JPEG", size=(1200, 800), color=(180, 90, 40), mode="RGB", exif=None):
    image = Image.new(mode, size, color)
    if mode == "RGB":
        # A darker top-left quadrant, so orientation can be checked on the thumbnail.
        image.paste((20, 20, 20), (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def noise_image_bytes(format="PNG", size=(200, 200)):
    """An image that does not compress: its file size is about width x height x 3 bytes."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def exif_with(orientation=None, gps=False):
    exif = Image.Exif()
    if orientation:
        exif[EXIF_ORIENTATION] = orientation
    if gps:
        exif.get_ifd(EXIF_GPS_IFD).update({1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return exif


def camera_exif(
    make="Canon",
    model="Canon EOS R6",
    taken="2024:07:01 18:30:05",
    gps=True,
    orientation=None,
    offset=None,
    **shot,
):
    """EXIF as a camera writes it: make, model, date taken and (by default) where; `shot` adds
    any of exposure_time, f_number, iso, focal_length, lens_make, lens_model."""
    exif = exif_with(orientation=orientation, gps=gps)
    exif[MAKE], exif[MODEL] = make, model
    details = exif.get_ifd(EXIF_IFD)
    details[DATE_TIME_ORIGINAL] = taken
    if offset is not None:
        details[OFFSET_TIME_ORIGINAL] = offset
    tags = {
        "exposure_time": EXPOSURE_TIME,
        "f_number": F_NUMBER,
        "iso": ISO,
        "focal_length": FOCAL_LENGTH,
        "lens_make": LENS_MAKE,
        "lens_model": LENS_MODEL,
    }
    for name, value in shot.items():
        details[tags[name]] = value
    return exif


def full_camera_exif(**overrides):
    """A camera's EXIF with every fact the photo page shows (and GPS, which it never shows)."""
    shot = {
        "exposure_time": TiffImagePlugin.IFDRational(1, 250),
        "f_number": TiffImagePlugin.IFDRational(28, 10),
        "iso": 400,
        "focal_length": TiffImagePlugin.IFDRational(35, 1),
        "lens_make": "Canon",
        "lens_model": "RF35mm F1.8 MACRO IS STM",
    }
    return camera_exif(**{**shot, **overrides})


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type=content_type)


def make_photo(number, owner_id=1, tags=("sea",), title=None, **fields):
    """A Photo whose id, title ("Photo <number>" unless given) and creation time follow from
    `number`: a higher number is a newer photo."""
    photo_id = f"{number:032x}"
    return Photo(
        id=photo_id,
        title=title or f"Photo {number}",
        owner_id=owner_id,
        owner_username=f"user{owner_id}",
        tags=list(tags),
        created=f"2026-01-01T00:00:{number:02d}.000000+00:00",
        thumbnail_key=f"photos/{photo_id}/thumb.jpg",
        thumbnail_width=400,
        thumbnail_height=300,
        description="A description",
        original_key=f"photos/{photo_id}/original.jpg",
        original_content_type="image/jpeg",
        original_bytes=12345,
        width=4000,
        height=3000,
        **fields,
    )


def location_of(data):
    """Every GPS position a file holds in its EXIF (all frames: MPO, animations) or its XMP:
    [] for a file that tells nobody where it was taken."""
    found = []
    if b"GPSLatitude" in data or b"exif:GPS" in data:
        found.append("xmp")
    with Image.open(io.BytesIO(data)) as image:
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            exif = image.getexif()
            if EXIF_GPS_IFD in exif and exif.get_ifd(EXIF_GPS_IFD):
                found.append(f"exif of frame {frame}")
    return found


def assert_no_location(data):
    assert location_of(data) == []


def make_album(number, owner_id=1, visibility="private", **fields):
    """An Album whose id and creation time follow from `number` (higher is newer)."""
    return Album(
        id=f"{number:032x}",
        owner_id=owner_id,
        owner_username=f"user{owner_id}",
        title=fields.pop("title", f"Album {number}"),
        created=f"2026-02-01T00:00:{number:02d}.000000+00:00",
        visibility=visibility,
        **fields,
    )


def client_for(user, **options):
    """A test client signed in as `user` (options as Client's, e.g. enforce_csrf_checks=True)."""
    client = Client(**options)
    client.force_login(user)
    return client


def confirmed_user(username, password, **fields):
    """A user as sign-up and the mailed confirmation leave one (logging in needs a confirmed
    address): <username>@example.com, confirmed and primary."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    email = f"{username}@example.com"
    user = get_user_model().objects.create_user(username=username, email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def admin_client_for(user, **options):
    """A test client through the admin's door (accounts/staff.py): `user` has an authenticator
    app and this session passed it, as logging in with the code leaves one."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import RequestFactory

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = client_for(user, **options)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()
    return client

"""A typed Python client generated from the served /api/openapi.json, and a walk through the API
with it: sign in with a token, upload a photo straight to S3, list it, make an album, add it.

    python -m scripts.api_client generate <url or file of the document> <directory>
    PHOTOSHARE_API_TOKEN=<token> python -m scripts.api_client walk <directory> <site URL> <image file>

`generate` writes the package `photoshare_client` (openapi-python-client) into the directory:
never committed, made again from the document whenever it changes. `walk` uses it as any client
of the API would (no Django here), the file's POST to S3 with `requests` as a browser sends it.
The token comes from the environment, never the command line: there any user's `ps` would show it,
and one of the 1 in 64 that begin with "-" would be read as an option.
gallery/tests/api/test_generated_client.py runs both against a live server (docs/api.md).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PACKAGE = "photoshare_client"
READY_SECONDS = 60  # the worker makes the sizes; a loaded CI machine takes a few seconds


def generate(document, directory):
    """The client package in `directory`/photoshare_client; openapi-python-client's warnings fail it."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.json"  # YAML, as JSON
        # No formatter run on the generated code; a zip (downloads) is a file like any binary.
        binary = {"application/zip": "application/octet-stream"}
        config.write_text(json.dumps({"post_hooks": [], "content_type_overrides": binary}))
        source = ["--url", document] if document.startswith(("http://", "https://")) else ["--path", document]
        generated = subprocess.run(
            [
                sys.executable, "-m", "openapi_python_client", "generate", *source,
                "--meta", "none", "--config", str(config), "--fail-on-warning", "--overwrite",
                "--output-path", str(Path(directory) / PACKAGE),
            ],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if generated.returncode != 0:
        output = generated.stdout[-4000:] + generated.stderr[-2000:]
        raise RuntimeError(f"openapi-python-client failed (its warnings fail it):\n{output}")
    return Path(directory) / PACKAGE


def walk(directory, base_url, token, image):
    """Upload `image`, list it, put it in a new album; returns what it saw (ids, titles, counts)."""
    sys.path.insert(0, str(directory))
    from photoshare_client import AuthenticatedClient
    from photoshare_client.api.albums import add_album_photo, create_album, get_album
    from photoshare_client.api.photos import get_photo, list_photos
    from photoshare_client.api.uploads import complete_upload, start_upload
    from photoshare_client.models import (
        AlbumIn,
        AlbumPhoto,
        NewPhotoDetails,
        NewPhotoDetailsVisibility,
        UploadIn,
    )

    # An answer of a status the document does not give its operation raises (UnexpectedStatus).
    client = AuthenticatedClient(base_url, token=token, prefix="Token", raise_on_unexpected_status=True)
    data = Path(image).read_bytes()

    signed = _expect(start_upload.sync_detailed(client=client, body=UploadIn(size=len(data))), 201)
    # The browser's step: the file straight to S3, the signed fields first, the file last.
    stored = requests.post(
        signed.url, data=signed.fields.to_dict(), files={"file": (Path(image).name, data)}, timeout=60
    )
    if stored.status_code != 204:
        raise RuntimeError(f"S3 refused the file: {stored.status_code} {stored.text[:300]}")
    public = NewPhotoDetailsVisibility.PUBLIC
    details = NewPhotoDetails(title="Harbour at dawn", tags=["sea", "dawn"], visibility=public)
    photo = _expect(complete_upload.sync_detailed(signed.upload_id, client=client, body=details), 202)

    deadline = time.monotonic() + READY_SECONDS
    while photo.status == "processing" and time.monotonic() < deadline:
        time.sleep(0.5)
        photo = _expect(get_photo.sync_detailed(photo.id, client=client), 200)
    if photo.status != "ready":
        raise RuntimeError(f"photo {photo.id} is {photo.status}: {photo.reason}")

    listed = _expect(list_photos.sync_detailed(client=client, owner=photo.owner), 200)
    album = _expect(create_album.sync_detailed(client=client, body=AlbumIn(title="Harbours")), 201)
    _expect(add_album_photo.sync_detailed(album.id, client=client, body=AlbumPhoto(photo_id=photo.id)), 201)
    page = _expect(get_album.sync_detailed(album.id, client=client), 200)
    return {
        "photo": photo.id,
        "status": photo.status,
        "size": [photo.full_size.width, photo.full_size.height],
        "listed": [card.id for card in listed.results],
        "album": album.id,
        "album_photos": [card.id for card in page.photos],
    }


def _expect(response, status):
    # The typed answer of the documented status, else the API's own {"error"} in the exception.
    if response.status_code != status:
        raise RuntimeError(f"{response.status_code}: {response.content.decode(errors='replace')[:300]}")
    return response.parsed


TOKEN_VARIABLE = "PHOTOSHARE_API_TOKEN"  # noqa: S105 (the variable's name, not a token)


def parse_arguments(argv=None, environ=os.environ):
    """The command and its arguments; `walk` takes its token from TOKEN_VARIABLE."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("generate")
    made.add_argument("document")
    made.add_argument("directory", type=Path)
    walked = commands.add_parser("walk")
    walked.add_argument("directory", type=Path)
    walked.add_argument("base_url")
    walked.add_argument("image", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.command == "walk":
        arguments.token = environ.get(TOKEN_VARIABLE, "")
        if not arguments.token:
            parser.error(f"walk signs in with the API token in the environment variable {TOKEN_VARIABLE}")
    return arguments


def main():
    arguments = parse_arguments()
    if arguments.command == "generate":
        print(generate(arguments.document, arguments.directory))
    else:
        print(json.dumps(walk(arguments.directory, arguments.base_url, arguments.token, arguments.image)))


if __name__ == "__main__":
    main()

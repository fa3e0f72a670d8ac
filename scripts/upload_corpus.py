"""Push every file of a directory through the upload form; count the answers by status.

    DJANGO_SETTINGS_MODULE=photoshare.settings python -m scripts.upload_corpus <dir> [--limit N]

Runs in-process with Django's test client against the configured S3/DynamoDB (use the local
moto stack: `make run` in another shell). A 500 is a bug: its file names are printed. The tests
run a CI-sized corpus (gallery/tests/imaging/test_real_photos.py).
"""

import argparse
import collections
import sys
from pathlib import Path


def upload_all(paths, user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user)
    tally = collections.Counter()
    for path in paths:
        image = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/octet-stream")
        status = client.post("/upload/", {"title": path.name[:100], "image": image}).status_code
        tally[status] += 1
        if status >= 500:
            print(f"{status} {path}", file=sys.stderr)
    return dict(tally)


def main():
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--username", default="corpus")
    arguments = parser.parse_args()
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    settings.PHOTOSHARE_UPLOAD_QUOTA = settings.PHOTOSHARE_UPLOAD_BURST_RATE = "1000000/d"
    user, _ = get_user_model().objects.get_or_create(username=arguments.username)
    paths = sorted(path for path in arguments.directory.rglob("*") if path.is_file())[: arguments.limit]
    tally = upload_all(paths, user)
    print(" ".join(f"{status}: {count}" for status, count in sorted(tally.items())))
    return 1 if any(status >= 500 for status in tally) else 0


if __name__ == "__main__":
    sys.exit(main())

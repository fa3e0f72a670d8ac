"""The client's CPU for one S3 write: PhotoStorage._save (one PutObject from the client) against
django-storages' own S3Storage._save (upload_fileobj: s3transfer's transfer manager and a boto3
Object resource around the same PutObject), on the same storage, keys and bytes, interleaved.

Run from the repository root:  .venv/bin/python bench/s3_writes.py [--quick] [--force]
Starts its own moto server (the local S3). Prints the CPU time of this process per write (what the
web process or the worker spends; moto's own time is not counted), the wall time, and the ratio.
Refuses to record above a 1-minute load of 1.5 (--force to run anyway; --quick always runs).
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common

from devstack.local_aws import MotoServer

SIZES = {"card (30 KB)": 30_000, "display (300 KB)": 300_000}


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of 10 writes (CI's smoke test)")
    parser.add_argument("--force", action="store_true", help="run above the load limit")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--writes", type=int, default=100, help="writes per round and way")
    return parser.parse_args(argv)


def set_up(moto):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="photoshare.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        AWS_S3_ENDPOINT_URL=moto.url,
        DYNAMODB_ENDPOINT_URL=moto.url,
        SQS_ENDPOINT_URL=moto.url,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY=secrets.token_hex(16),  # moto accepts anything
        AWS_STORAGE_BUCKET_NAME="photoshare-bench",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("init_aws", verbosity=0)


def ways():
    """{name: the write}: each takes a key and a Django File, as objects.save hands them over."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    default_storage.exists("warm-up")  # the lazy storage and its client made before any timing
    storage = default_storage._wrapped
    return {
        "django-storages' _save (upload_fileobj)": lambda key, content: S3Storage._save(
            storage, key, content
        ),
        "PhotoStorage._save (one PutObject)": storage._save,
    }


def measure(write, size, writes, round_number):
    from django.core.files.base import ContentFile

    body = os.urandom(size)
    cpu, wall = time.process_time(), time.perf_counter()
    for number in range(writes):
        write(f"photos/{round_number:02d}{number:030d}/w400.webp", ContentFile(body))
    return (time.process_time() - cpu) / writes * 1000, (time.perf_counter() - wall) / writes * 1000


def main(argv=None):
    args = arguments(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.rounds, args.writes = 1, 10
    print(f"Command: bench/s3_writes.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    _common.refuse_if_loaded(args.quick or args.force)
    print(f"Machine: {_common.machine()}")
    directory = Path(tempfile.mkdtemp(prefix="photoshare-bench-"))
    moto = MotoServer(log=directory / "moto.log").start()
    try:
        set_up(moto)
        candidates = ways()
        results = {(size, name): [] for size in SIZES for name in candidates}
        for round_number in range(args.rounds):
            order = list(candidates.items())
            if round_number % 2:
                order.reverse()  # neither way always first in a round
            for size_name, size in SIZES.items():
                for name, write in order:
                    results[size_name, name].append(measure(write, size, args.writes, round_number))
        print(f"\n{args.rounds} interleaved rounds of {args.writes} writes each; load average after: "
              f"{', '.join(f'{value:.2f}' for value in os.getloadavg())}\n")  # fmt: skip
        print("| object | way | CPU ms a write (median) | wall ms a write | CPU vs django-storages |")
        print("|---|---|---|---|---|")
        for size_name in SIZES:
            baseline = None
            for name in candidates:
                samples = results[size_name, name]
                cpu = statistics.median(sample[0] for sample in samples)
                wall = statistics.median(sample[1] for sample in samples)
                baseline = baseline or cpu
                print(f"| {size_name} | {name} | {cpu:.2f} | {wall:.2f} | {cpu / baseline:.2f}x |")
    finally:
        moto.stop()


if __name__ == "__main__":
    main()

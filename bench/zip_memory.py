"""Peak memory of a zip streamed from S3 (gallery.services.zips) against the bytes it streamed.

Each case runs in a fresh Python process (a child of this script) on its own moto server: the
child reads the bucket through gallery.storage as the site does, streams the zip of N members of
M MB into a sink (a download's response) or into a multipart upload (the worker's archive), and
reports its peak RSS (VmHWM) before and after, and tracemalloc's peak of Python allocations while
streaming. The members name a few distinct objects again and again (moto keeps what it stores;
10 GB of distinct objects would not fit): every member is a GetObject of M MB all the same.

    .venv/bin/python bench/zip_memory.py [--quick] [--record]

--record appends the result to docs/benchmarks.md, and refuses when the machine's load average
(1 minute) is above 1.5: figures from a busy machine are not recorded.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc

from _common import RECORD_MAX_LOAD, ROOT, machine, table, vm_hwm_mb

DISTINCT_OBJECTS = 4
# CI's smoke run: each way once, the multipart one over two parts (streaming.PART_BYTES); no figure.
QUICK = [("response", 4, 1), ("S3 multipart", 10, 1)]
FULL = [
    ("response", 100, 10),
    ("response", 1000, 10),
    ("S3 multipart", 100, 10),
    ("S3 multipart", 300, 10),
]


def load():
    return os.getloadavg()[0]


def child(target, count, megabytes):
    """Runs in the fresh process: stream the zip, print a JSON line of figures."""
    import django

    django.setup()
    from gallery.services import zips
    from gallery.storage.s3 import streaming

    keys = [f"bench/object-{megabytes}-{index}" for index in range(DISTINCT_OBJECTS)]
    members = [
        zips.Member(name=f"사진-{number:05d}.jpg", key=keys[number % len(keys)], size=megabytes * 2**20)
        for number in range(count)
    ]
    # Warm up what every request has: imports, the S3 client and its connection pool (a tiny object).
    b"".join(zips.stream([zips.Member(name="warm-up", key="bench/warm-up")]))
    before = vm_hwm_mb()
    tracemalloc.start()
    started = time.perf_counter()
    if target == "response":
        streamed = sum(len(chunk) for chunk in zips.stream(members))
    else:
        streamed = zips.save(members, "bench/archive.zip")
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if target != "response":
        streaming.s3_client().delete_object(Bucket=streaming.bucket_name(), Key="bench/archive.zip")
    figures = {
        "before": before,
        "after": vm_hwm_mb(),
        "traced": traced_peak / 2**20,
        "streamed": streamed,
        "seconds": seconds,
    }
    print(json.dumps(figures))


def fill(megabytes_set):
    """The distinct objects every case reads (random bytes: nothing compresses)."""
    from gallery.storage.s3 import streaming

    client, bucket = streaming.s3_client(), streaming.bucket_name()
    client.put_object(Bucket=bucket, Key="bench/warm-up", Body=b"warm")
    for megabytes in megabytes_set:
        for index in range(DISTINCT_OBJECTS):
            body = os.urandom(megabytes * 2**20)
            client.put_object(Bucket=bucket, Key=f"bench/object-{megabytes}-{index}", Body=body)


def run(cases):
    from _stack import Stack

    rows, failed = [], []
    with Stack():
        fill(sorted({megabytes for _target, _count, megabytes in cases}))
        for target, count, megabytes in cases:
            load_before = load()
            result = subprocess.run(
                [sys.executable, __file__, "--child", target, str(count), str(megabytes)],
                env=dict(os.environ), capture_output=True, text=True, check=False, timeout=3600,
            )  # fmt: skip
            if result.returncode:
                # Said, and the other rows still measured (moto can time out completing GBs).
                print(f"{target} {count} × {megabytes} MB failed:\n{result.stderr[-1500:]}", file=sys.stderr)
                failed.append(target)
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            rows.append(
                (
                    target,
                    f"{count} × {megabytes} MB",
                    f"{figures['streamed'] / 2**20:,.0f} MB",
                    f"{figures['before']:.0f}",
                    f"{figures['after']:.0f}",
                    f"{figures['after'] - figures['before']:.1f}",
                    f"{figures['traced']:.1f}",
                    f"{figures['streamed'] / 2**20 / figures['seconds']:.0f}",
                    f"{load_before:.2f} → {load():.2f}",
                )
            )
            print(" | ".join(rows[-1]), flush=True)  # each row as it is measured
    headers = [
        "into", "members", "zip streamed", "peak RSS before, MB", "peak RSS after, MB",
        "growth, MB", "tracemalloc peak, MB", "MB/s", "load average (1 min)",
    ]  # fmt: skip
    if failed:
        sys.exit(f"{len(failed)} cases failed")
    return table(headers, rows)


def _case(text):
    into, count, megabytes = text.split(":")
    return ({"s3": "S3 multipart"}.get(into, into), int(count), int(megabytes))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="4 × 1 MB, 10 × 1 MB into S3 (CI smoke run)")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md (load ≤ 1.5)")
    parser.add_argument(
        "--case", action="append", metavar="INTO:N:MB", help="one case, e.g. response:1000:10 or s3:300:10"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        target, count, megabytes = arguments.child
        return child(target, int(count), int(megabytes))
    if arguments.record and load() > RECORD_MAX_LOAD:
        sys.exit(f"load average {load():.2f} > {RECORD_MAX_LOAD}: not recording figures from a busy machine")
    cases = QUICK if arguments.quick else FULL
    if arguments.case:
        cases = [_case(text) for text in arguments.case]
    command = "bench/zip_memory.py " + " ".join(argv if argv is not None else sys.argv[1:])
    header = f"Command: {command.strip()}\nMachine: {machine()}"
    print(header)
    result = run(cases)
    print("\n## Peak memory of a streamed zip (fresh process per row)\n")
    print(result)
    if arguments.record:
        if load() > RECORD_MAX_LOAD:
            sys.exit(f"load average rose to {load():.2f} > {RECORD_MAX_LOAD} during the run: not recorded")
        with (ROOT / "docs" / "benchmarks.md").open("a") as doc:
            doc.write(f"\n### Zip memory ({time.strftime('%Y-%m-%d')})\n\n{header}\n\n{result}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Gallery page (24 photos, presigned thumbnail URLs) with 100, 1 000 and 10 000 photos in the table,
under gunicorn (2 sync workers) driven by wrk on 127.0.0.1, next to a hello-world Django view.

    .venv/bin/python bench/gallery_page.py                (needs wrk: apt-get install wrk)
    .venv/bin/python bench/gallery_page.py --profile 10        (and py-spy while loading the page)
    .venv/bin/python bench/gallery_page.py --no-url-cache      (PHOTOSHARE_MEDIA_URL_CACHE_URL=dummycache://)

Besides latency and requests/s, it reports what one page costs our side: backend calls per page (from
botocore events) and the server's own time without the wait on moto, since moto's Query cost grows
with the table size (it scans) while real DynamoDB's grows with the page. Each size is measured twice:
through moto, and with moto's answer to the page's Query recorded once and replayed (botocore still
builds, signs and parses it), which is what our own code costs under load.
"""

import argparse
import http.client
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import Profile, machine, refuse_if_loaded, table
from _stack import Client, Stack, backend_calls, server_timing

LEVELS = (100, 1_000, 10_000)
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")


def seed(stack, start, stop):
    """Photos start..stop-1 as put_photo would write them (photo item + FEED, USER, TAG cards), 25 items
    per BatchWriteItem: 10 000 single transactions would take minutes on moto."""
    from gallery.domain import clock, records
    from gallery.storage import dynamodb
    from gallery.storage.dynamodb.schema import card_items, photo_item

    epoch = datetime(2026, 1, 1, tzinfo=UTC)
    with dynamodb.get_connection().table.batch_writer() as batch:
        for number in range(start, stop):
            photo = records.Photo(
                id=uuid.uuid4().hex,
                title=f"Photo {number}",
                owner_id=stack.user.pk,
                owner_username=stack.user.username,
                tags=[f"tag{number % 50}"],
                created=clock.timestamp(lambda number=number: epoch + timedelta(seconds=number)),
                thumbnail_key=f"photos/{number:032x}/thumb.jpg",
                thumbnail_width=400,
                thumbnail_height=300,
                display_key=f"photos/{number:032x}/display.jpg",
                display_width=1600,
                display_height=1200,
                original_key=f"photos/{number:032x}/original.jpg",
                original_content_type="image/jpeg",
                original_bytes=4_000_000,
                width=4000,
                height=3000,
            )
            batch.put_item(Item=photo_item(photo))
            for card in card_items(photo):
                batch.put_item(Item=card)


def driver(connections):
    """What load() drives the pages with, as the benches print it beside their figures."""
    return f"wrk: 1 thread, {connections} connections" if shutil.which("wrk") else "1 Python client"


def load(url, seconds, connections):
    """wrk when it is installed, else a bounded loop of sequential requests from Python (its own
    CPU competes with the servers on a small machine: requests/s and ratios are not wrk's)."""
    if shutil.which("wrk"):
        return wrk(url, seconds, connections)
    parsed = urllib.parse.urlsplit(url)
    latencies, deadline = [], time.monotonic() + seconds
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    start = time.monotonic()
    while time.monotonic() < deadline and len(latencies) < 10_000:
        sent = time.perf_counter()
        connection.request("GET", parsed.path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        latencies.append((time.perf_counter() - sent) * 1000)
    connection.close()
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
        "rps": len(latencies) / (time.monotonic() - start),
    }


def wrk(url, seconds, connections):
    command = [
        shutil.which("wrk"),
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
    ]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    result = json.loads(line[4:])
    assert result["errors"] == 0, f"wrk saw errors: {output}"
    if result["requests"] == 0:  # nothing completed in time: no latency to report
        return {"p50": math.nan, "p95": math.nan, "rps": 0.0}
    return {
        "p50": result["p50_us"] / 1000,
        "p95": result["p95_us"] / 1000,
        "rps": result["requests"] / (result["duration_us"] / 1e6),
    }


def server_side(client, path, samples=20):
    """Median server time, our part of it (without the wait on moto), and backend calls per page."""
    timings, calls = [], None
    for _ in range(samples):
        response, body = client.request("GET", path)
        assert response.status == 200, response.status
        timings.append(server_timing(response))
        calls = backend_calls(response)
    total = statistics.median(t["total"] for t in timings)
    ours = statistics.median(t["total"] - t.get("dynamodb-wait", 0) - t.get("s3-wait", 0) for t in timings)
    cards = body.count(b'class="card"')
    signed = len(set(re.findall(rb"X-Amz-Signature=(\w+)", body)))
    return total, ours, calls, cards, signed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per measurement")
    parser.add_argument("--connections", type=int, default=2, help="wrk's concurrent connections (bound)")
    parser.add_argument("--profile", type=int, default=0, metavar="SECONDS", help="py-spy at 100 photos")
    parser.add_argument("--no-url-cache", action="store_true", help="sign every URL on every view")
    parser.add_argument("--quick", action="store_true", help="100 photos, 1 s per row (CI smoke run)")
    parser.add_argument("--force", action="store_true", help="run above load 1.5 (figures no record)")
    args = parser.parse_args(argv)
    levels, replays, samples = LEVELS, (False, True), 20
    if args.quick:
        levels, replays, args.seconds, samples = LEVELS[:1], (True,), 1, 3
    if args.no_url_cache:
        os.environ["PHOTOSHARE_MEDIA_URL_CACHE_URL"] = "dummycache://"
    print(f"Machine: {machine()}; Python {sys.version.split()[0]}")
    print(f"Command: bench/gallery_page.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    refuse_if_loaded(args.quick or args.force)
    print(f"{driver(args.connections)}, {args.seconds} s per row; gunicorn: 2 sync workers")
    print("Presigned URL cache:", "off (--no-url-cache)" if args.no_url_cache else "as configured")

    rows, seeded, pages, top = [], 0, {}, None
    with Stack() as stack:
        site = stack.serve(workers=2)
        hello = load(f"{site.url}/hello/", args.seconds, args.connections)
        hello_total, hello_ours, *_ = server_side(Client(site), "/hello/", samples)
        rows.append(["hello-world view", "-", "-", f"{hello_total:.1f}", f"{hello_ours:.1f}", hello])
        for level in levels:
            seed(stack, seeded, level)
            seeded = level
            for replay in replays:
                os.environ["BENCH_REPLAY_DYNAMODB_QUERY"] = "1" if replay else "0"
                site = stack.serve(workers=2)
                total, ours, calls, cards, signed = server_side(Client(site), "/", samples)
                assert cards == 24, f"{cards} cards on the page"
                # A thumbnail and a display size per card (srcset), unless URLs are public.
                assert signed in (0, 48), f"{signed} presigned URLs on the page"
                result = load(f"{site.url}/", args.seconds, args.connections)
                pages[level, replay] = result
                calls_text = ", ".join(f"{name} {count}" for name, count in calls.items()) or "none"
                name = f"gallery, {level:,} photos, " + ("Query replayed" if replay else "through moto")
                cards_text = f"{cards} ({signed} presigned URLs)"
                rows.append([name, cards_text, calls_text, f"{total:.1f}", f"{ours:.1f}", result])
                if args.profile and replay and level == LEVELS[0]:
                    output = stack.directory / "gallery-profile.txt"
                    with Profile(site.process.pid, output, args.profile) as profiler:
                        wrk(f"{site.url}/", args.profile - 1, args.connections)
                    top, samples = profiler.top(25)

    base = {replay: pages[LEVELS[0], replay] for replay in replays}
    print()
    print(
        table(
            ["page", "cards", "backend calls per page", "server ms (median)", "our code ms (without moto)",
             "latency p50 ms", "p95 ms", "p50 ÷ p50 at 100", "requests/s", "÷ hello-world"],
            [
                [*row[:5], f"{r['p50']:.1f}", f"{r['p95']:.1f}",
                 "-" if row[1] == "-" else f"{r['p50'] / base['replayed' in row[0]]['p50']:.2f}",
                 f"{r['rps']:.0f}", f"{r['rps'] / hello['rps']:.2f}"]
                for row in rows
                for r in [row[5]]
            ],
        )
    )  # fmt: skip
    for replay, label in ((False, "through moto"), (True, "Query replayed")):
        if replay not in replays:
            continue
        last = pages[levels[-1], replay]
        print(
            f"\nGoals, {label}: p50 at 10 000 ÷ p50 at 100 (≤ 1.2): {last['p50'] / base[replay]['p50']:.2f}; "
            f"requests/s ÷ hello-world (≥ 0.5): {last['rps'] / hello['rps']:.2f} at 10 000, "
            f"{base[replay]['rps'] / hello['rps']:.2f} at 100"
        )
    if top:
        print(f"\n## py-spy on the workers, gallery page at 100 photos, Query replayed ({samples} samples)\n")
        print(table(["inclusive share", "function"], [[f"{share:.0%}", name] for share, name in top]))


if __name__ == "__main__":
    main()

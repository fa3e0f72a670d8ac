"""What a page costs the server, counted rather than timed: cProfile's function calls, Redis round
trips, DynamoDB calls and SQL queries a request, in one process. No load changes these figures, so
they compare runs made on a busy machine (docs/benchmarks.md, "Server time, fourth pass").

    .venv/bin/python bench/server_calls.py [--requests 50] [--quick]

The bench stack (bench/_stack.py: moto, SQLite accounts, bench.server_settings' full middleware),
100 photos seeded as bench/gallery_page.py seeds them, DynamoDB reads recorded once and replayed
(bench/instrument.py), an anonymous visitor through django.test.Client. Pages: the home page and
the newest photo's page opened from it (?from=feed). List cache modes: none, Redis (the default:
the generation asked once a request) and Redis with PHOTOSHARE_LIST_GENERATION_SECONDS=1 (Redis
at BENCH_REDIS_URL, as bench/list_peers.py; without it only the first mode). Each row: warmed, then
one request counted and `--requests` profiled.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
import uuid

from _common import machine, table
from _stack import Stack
from gallery_page import seed
from list_peers import REDIS_URL, newest_photo_id, redis_reachable

PHOTOS = 100
WARM = 5


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests profiled a row")
    parser.add_argument("--quick", action="store_true", help="10 requests a row")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests = 10
    print(f"Machine: {machine()}; Python {sys.version.split()[0]}")
    print(f"Command: bench/server_calls.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    os.environ["BENCH_REPLAY_DYNAMODB_QUERY"] = "1"
    with_redis = redis_reachable(REDIS_URL)
    if with_redis:  # its keys carry a prefix of this run's own and expire by themselves
        os.environ.update(
            PHOTOSHARE_LIST_CACHE_URL=REDIS_URL, DJANGO_CACHE_KEY_PREFIX=f"calls-{uuid.uuid4().hex[:8]}"
        )
    with Stack() as stack:
        import bench.instrument as instrument

        # Before the DynamoDB client is made, else the replay never sees its reads.
        instrument.install()
        from gallery.storage.dynamodb.connection import get_connection

        get_connection.cache_clear()
        seed(stack, 0, PHOTOS)
        rows = measure(instrument, args.requests, with_redis)
    print("\n## A request, counted (anonymous visitor)\n")
    print(table(["page", "list cache", "function calls", "Redis round trips", "DynamoDB calls", "SQL"], rows))
    if not with_redis:
        print(f"\n(no Redis at {REDIS_URL}: the list cache modes were not counted)")


def measure(instrument, requests, with_redis):
    import redis.connection
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    from gallery.storage.dynamodb import listcache

    counts = {"redis": 0, "sql": 0}
    send = redis.connection.AbstractConnection.send_packed_command

    def counted_send(self, *args, **kwargs):
        counts["redis"] += 1
        return send(self, *args, **kwargs)

    redis.connection.AbstractConnection.send_packed_command = counted_send

    def counted_sql(execute, sql, params, many, context):
        counts["sql"] += 1
        return execute(sql, params, many, context)

    settings.CACHES["off"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    modes = {"none": {"PHOTOSHARE_LIST_CACHE": "off"}}
    if with_redis:
        modes |= {"Redis": {}, "Redis, generation trusted 1 s": {"PHOTOSHARE_LIST_GENERATION_SECONDS": 1.0}}
    photo_id = newest_photo_id()
    # Past the index lag of the seed's writes: pages read from now on are kept (listcache).
    time.sleep(settings.PHOTOSHARE_LIST_INDEX_LAG_SECONDS + 0.5)
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {"home page": "/", "photo page ?from=feed": f"/photos/{photo_id}/?from=feed"}
    rows = []
    with connection.execute_wrapper(counted_sql):
        for page, path in pages.items():
            for mode, overrides in modes.items():
                with override_settings(**overrides):
                    listcache.forget_generation()
                    for _ in range(WARM):
                        assert client.get(path).status_code == 200, path
                    counts.update(redis=0, sql=0)
                    instrument.forget()
                    client.get(path)
                    backend = instrument.backend_calls().get("dynamodb", 0)
                    redis_trips, sql = counts["redis"], counts["sql"]
                    profile = cProfile.Profile()
                    profile.enable()
                    for _ in range(requests):
                        client.get(path)
                    profile.disable()
                    calls = pstats.Stats(profile).total_calls / requests
                    rows.append([page, mode, f"{calls:.0f}", str(redis_trips), str(backend), str(sql)])
    redis.connection.AbstractConnection.send_packed_command = send
    return rows


if __name__ == "__main__":
    main()

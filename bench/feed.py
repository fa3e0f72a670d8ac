"""The following feed (gallery.services.follows): what one upload writes and how long a page of
"Following" takes, for people with 10, 1 000 and 100 000 followers (docs/architecture.md, "The
following feed"; figures in docs/benchmarks.md).

    .venv/bin/python bench/feed.py [--rounds 30] [--quick] [--force]

On its own moto server (bench/_stack.py, no gunicorn: the use cases are called in-process).
Followers, follows and older feed entries are written directly (BatchWriteItem), not through the
use cases: 100 000 follows one by one would take an hour on moto. Each author then "uploads" one
public photo (put_photo), and the worker's feed_sync for it is timed and its writes counted. The
reader follows all three authors; the author over FANOUT_LIMIT is wide, so the reader's page
merges their public list. A second reader follows only the two others (one Query a page).
Refuses to record above a load average of 1.5 (--force runs anyway, --quick always runs).
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from _common import machine, refuse_if_loaded, table
from _stack import Stack

PHOTOS_EACH = 40  # public photos per author, older than the measured upload


def photo_of(owner, number):
    from gallery.domain import clock, records

    epoch = datetime(2026, 1, 1, tzinfo=UTC)
    return records.Photo(
        id=uuid.uuid4().hex,
        title=f"Photo {number} by {owner.username}",
        owner_id=owner.pk,
        owner_username=owner.username,
        tags=["sea"],
        created=clock.timestamp(lambda: epoch + timedelta(seconds=number)),
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
        status="ready",
    )


def seed_author(author, followers, readers, number):
    """`followers` follows of `author` (fake follower ids, the readers among them), their count,
    and PHOTOS_EACH public photos already in the readers' feeds (or the wide marks)."""
    from gallery.domain import follows as rules
    from gallery.storage.dynamodb import follows as stored
    from gallery.storage.dynamodb import get_connection
    from gallery.storage.dynamodb.schema import card_items, photo_item

    wide = followers > rules.FANOUT_LIMIT
    follower_ids = [reader.pk for reader in readers] + list(range(10**6, 10**6 + followers - len(readers)))
    with get_connection().table.batch_writer() as batch:
        for follower_id in follower_ids:
            batch.put_item(Item=stored.follow_item(follower_id, author.pk, "2026-01-01T00:00:00"))
        for offset in range(PHOTOS_EACH):
            photo = photo_of(author, number + offset)
            batch.put_item(Item=photo_item(photo))
            for card in card_items(photo):
                batch.put_item(Item=card)
            for reader in readers if not wide else ():
                batch.put_item(Item=stored.feed_item(reader.pk, photo))
    stored.set_counts(author.pk, followers=followers, following=0)
    if wide:
        stored.put_wide_marks([reader.pk for reader in readers], author.pk)
        stored.mark_wide(author.pk, "2026-01-01T00:00:00")


def measure_upload(author, number):
    """(items written by feed_sync, seconds it took) for one new public photo of `author`."""
    from gallery.services import follows
    from gallery.storage.dynamodb import photo_repository

    photo = photo_of(author, number)
    photo_repository().put_photo(photo)
    started = time.perf_counter()
    written = follows.sync_photo(photo.id, author.pk, photo.created)
    return written, time.perf_counter() - started


def page_times(reader, rounds):
    """(median ms, DynamoDB requests) of the reader's first and second pages."""
    from gallery.services import follows
    from gallery.storage.dynamodb import get_connection

    calls = []
    events = get_connection().client.meta.events

    def record(model, **kwargs):
        calls.append(model.name)

    rows = []
    for second in (False, True):
        cursor = follows.feed_page(reader).next_cursor if second else None
        samples = []
        for _round in range(rounds):
            calls.clear()
            events.register("before-call.dynamodb", record)
            started = time.perf_counter()
            page = follows.feed_page(reader, cursor=cursor)
            samples.append(time.perf_counter() - started)
            events.unregister("before-call.dynamodb", record)
        assert len(page.items) == 24, len(page.items)
        rows.append((statistics.median(samples) * 1000, len(calls)))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2, 10 and 1 001 followers, 1 round (CI)")
    parser.add_argument("--force", action="store_true", help="run above the load limit (not for recording)")
    arguments = parser.parse_args(argv)
    print(f"Command: bench/feed.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    print(machine(), file=sys.stderr)
    refuse_if_loaded(arguments.quick or arguments.force)
    # --quick: CI's smoke run, one author above FANOUT_LIMIT (1 000) still, to run the wide path.
    sizes = (2, 10, 1001) if arguments.quick else (10, 1000, 100_000)
    rounds = 1 if arguments.quick else arguments.rounds
    with Stack():
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        reader, narrow_reader = users.create_user("reader"), users.create_user("narrow")
        authors = [users.create_user(f"author{size}") for size in sizes]
        uploads = []
        for index, (author, size) in enumerate(zip(authors, sizes, strict=True)):
            readers = [reader] if size > sizes[1] else [reader, narrow_reader]
            seed_author(author, size, readers, number=index * 1000)
            written, seconds = measure_upload(author, number=index * 1000 + 999)
            uploads.append((f"{size:,}", written, f"{seconds * 1000:.0f}"))
        print(table(["followers", "feed items written per upload", "feed_sync ms (moto)"], uploads))
        print()
        rows = []
        for label, who in (
            ("follows the three (one wide)", reader),
            ("follows the two below the limit", narrow_reader),
        ):
            (first, first_calls), (second, second_calls) = page_times(who, rounds)
            rows.append((label, f"{first:.1f}", first_calls, f"{second:.1f}", second_calls))
        print(table(["reader", "page 1 ms", "requests", "page 2 ms", "requests"], rows))
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

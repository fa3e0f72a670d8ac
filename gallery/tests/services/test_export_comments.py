"""The data export's comments.json: every comment the owner wrote, on anyone's photo or album, read
from their COMMENTS# list (one Query a page); and reconcile lists comments written before that list."""

import io
import json
import zipfile
from datetime import timedelta

import pytest

from gallery.domain import archives
from gallery.domain.records import PUBLIC
from gallery.services import albums, comments, downloads, worker
from gallery.services.reconcile import find_orphans, remove_orphans
from gallery.storage.dynamodb import comments as stored
from gallery.storage.dynamodb import get_connection
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def exported_comments(aws, user):
    job = downloads.start_job(user, archives.EXPORT)
    worker.work(until_empty=True, wait_seconds=0)
    ready, _link = downloads.job_status(user, job.id)
    archive = zipfile.ZipFile(io.BytesIO(aws.read(ready.archive_key)))
    return json.loads(archive.read("comments.json"))


def test_the_export_holds_the_comments_the_owner_wrote_and_no_one_elses(aws, user, bob):
    mine, theirs = publish(user, title="Mine"), publish(bob, title="Bob's")
    first = comments.write(user, theirs, "Lovely <b>light</b> 좋아요")
    second = comments.write(user, mine, "Thanks!")
    comments.write(bob, mine, "Bob's own words")
    comments.hide(second)  # moderation hides it from others: still the writer's text

    exported = exported_comments(aws, user)

    assert [(c["id"], c["photo_id"], c["text"]) for c in exported] == [
        (first.id, theirs.id, "Lovely <b>light</b> 좋아요"),
        (second.id, mine.id, "Thanks!"),
    ]
    assert exported[1]["hidden"] is True and set(exported[0]) == set(
        ("id", "photo_id", "album_id", "text", "created", "edited", "hidden")
    )
    assert exported_comments(aws, bob)[0]["text"] == "Bob's own words"


def test_the_export_holds_the_owners_album_comments_with_their_album(aws, user, bob):
    theirs = albums.create(bob, title="Bob's walks", visibility=PUBLIC, comments_open=True)
    mine = albums.create(user, title="Trip", visibility=PUBLIC, comments_open=True)
    on_theirs = comments.write(user, theirs, "What a walk")
    on_mine = comments.write(user, mine, "Day one")
    comments.write(bob, mine, "Bob's own words")

    exported = exported_comments(aws, user)

    assert [(c["id"], c["photo_id"], c["album_id"], c["text"]) for c in exported] == [
        (on_theirs.id, "", theirs.id, "What a walk"),
        (on_mine.id, "", mine.id, "Day one"),
    ]


def test_the_author_list_is_one_query_a_page(aws, user):
    photo = publish(user)
    for number in range(3):
        comments.write(user, photo, f"Comment {number}")
    calls = []
    get_connection().client.meta.events.register("before-call.dynamodb.Query", lambda **kw: calls.append(1))

    assert [c.text for c in stored.author_comments(user.pk)] == ["Comment 0", "Comment 1", "Comment 2"]
    assert len(calls) == 1


def test_comments_written_before_the_author_list_are_listed_by_reconcile(aws, user, bob):
    photo = publish(user)
    old = comments.write(bob, photo, "Written by an older release")
    get_connection().table.update_item(
        Key=stored.comment_key(old.photo_id, old.key), UpdateExpression="REMOVE list_pk, list_sk"
    )
    assert list(stored.author_comments(bob.pk)) == []

    report = find_orphans(min_age=timedelta(0))
    assert report.unlisted_comments == [(old.photo_id, old.key)]
    remove_orphans(report)

    assert [c.id for c in stored.author_comments(bob.pk)] == [old.id]
    assert find_orphans(min_age=timedelta(0)).clean

"""gallery.services.erase: deleting an account removes everything of it (every kind the data
model declares), keeps everyone else's right, and can run again after a crash. Against moto over
HTTP, the worker run by hand."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import AccountLanguage, ApiToken
from gallery.domain import archives
from gallery.services import albums, comments, downloads, erase, follows, photos, trash
from gallery.services.reconcile import find_orphans
from gallery.storage import sqs
from gallery.storage.dynamodb import erase as stored
from gallery.storage.dynamodb import follows as follows_stored
from gallery.storage.dynamodb import model
from gallery.tests import erasure
from gallery.tests.direct_uploads import run_worker, upload_file
from gallery.tests.factories import client_for
from gallery.tests.follow_rules import FollowRules, other_jobs
from gallery.tests.invariants import table_by_kind
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def test_every_declared_kind_of_item_says_how_it_goes_with_its_user():
    # A kind added to the model fails here until the deletion of an account covers it.
    assert set(erase.ERASED_WITH) == {kind.name for kind in model.KINDS}


def test_the_keys_that_name_a_user_come_from_the_model():
    assert set(stored.user_keys(7)) == {
        ("sk", "FAN#7"),
        ("sk", "OWNER#7"),
        ("list_pk", "FAVS#7"),
        ("list_pk", "ALBUMS#7"),
        ("list_pk", "JOBS#7"),
        ("pk", "PERSON#7"),
        ("pk", "NOTES#7"),
        ("list_pk", "UNREAD#7"),
    }


def a_full_library(user, bob):
    """Something of every kind for `user` (and bob's things around them); returns bob's photo."""
    public = publish(user, title="Harbour", tags="sea sky")
    private = publish(user, title="Night", visibility="private")
    in_trash = publish(user, title="Old")
    album = albums.create(user, title="Trip")
    albums.add_photo(user, album, public.id)
    albums.set_cover(albums.changeable(user, album.id), public.id)
    albums.add_photo(user, albums.changeable(user, album.id), in_trash.id)
    trash.trash(user, in_trash.id)
    bobs = publish(bob, title="Bob's", tags="sea")
    bobs_album = albums.create(bob, title="Bob's album")
    albums.add_photo(bob, bobs_album, bobs.id)
    photos.favorite(user, bobs)  # the user's favourite of bob's photo
    photos.favorite(bob, public)  # bob's favourite of the user's photo
    comments.write(user, bobs, "Lovely light")  # the user's comment on bob's photo
    comments.write(bob, public, "Nice one")  # bob's comment on the user's photo: goes with it
    bobs_album = albums.edit(bobs_album, visibility="public", comments_open=True)
    comments.write(user, bobs_album, "Great trip")  # the user's comment on bob's album
    album = albums.edit(albums.changeable(user, album.id), visibility="public", comments_open=True)
    comments.write(bob, album, "Thanks for sharing")  # bob's comment on the user's album: goes with it
    downloads.start_job(user, archives.EXPORT, language="ko")
    assert run_worker() == 1  # the export is built: a job and an archive in S3
    follows_stored.add_follow(bob.pk, user.pk, "2026-01-01T00:00:00")  # no feed jobs queued
    follows_stored.add_follow(user.pk, bob.pk, "2026-01-01T00:00:00")
    follows.sync_photo(public.id, user.pk, public.created)  # into bob's feed (the job, run here)
    follows.backfill(user.pk, bob.pk)  # bob's photo into the user's feed
    follows_stored.put_wide_marks([bob.pk], user.pk)  # as if the user had many followers
    upload_file(client_for(user))  # a direct upload still processing (its job is queued)
    ApiToken.issue(user)
    return bobs, private


def test_deleting_an_account_leaves_nothing_of_it_and_keeps_everyone_else_right(aws, user, bob):
    bobs, _private = a_full_library(user, bob)
    assert set(table_by_kind()) == {kind.name for kind in model.KINDS}  # every kind is there
    photo_ids, album_ids, archive_keys = erasure.owned(user.pk)
    AccountLanguage.remember(user, "ko")

    erase.request_deletion(user, language="en")
    assert not get_user_model().objects.get(pk=user.pk).is_active  # marked first
    assert not ApiToken.objects.filter(user=user).exists()
    ran = FollowRules().run_jobs()
    # The upload's job (its photo is gone by then, or goes) and the deletion; beside them the
    # feed jobs of the photos deleted (bob follows the user).
    assert len(other_jobs(ran)) == 2, ran

    items, keys = erasure.leftovers(user.pk, photo_ids, album_ids, archive_keys, aws.object_keys())
    assert items == [] and keys == []
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email="alice@example.com").exists()
    assert photos.favorite_state(bob, bobs).count == 0  # the user's favourite of it went
    assert [card.id for card in albums.page(bob, albums_of_bob(bob)[0].id).items] == [bobs.id]
    assert find_orphans(min_age=timedelta(0)).clean
    [goodbye] = [message for message in mail.outbox if message.to == ["alice@example.com"]][-1:]
    assert "삭제" in goodbye.subject  # in the language the user chose, not the page's


def albums_of_bob(bob):
    return albums.albums_of(bob).items


def test_the_job_runs_again_after_a_crash_and_finishes(aws, user, bob, monkeypatch):
    a_full_library(user, bob)
    photo_ids, album_ids, archive_keys = erasure.owned(user.pk)
    erase.request_deletion(user)
    real = photos.delete
    calls = []

    def crash_after_one(photo_id, **kwargs):
        if calls:
            raise RuntimeError("killed")
        calls.append(photo_id)
        return real(photo_id, **kwargs)

    monkeypatch.setattr(photos, "delete", crash_after_one)
    with pytest.raises(RuntimeError):
        erase.erase_account(user.pk)
    assert get_user_model().objects.filter(pk=user.pk).exists()  # half-way: the user is still there
    monkeypatch.setattr(photos, "delete", real)
    assert erase.erase_account(user.pk) == "deleted"
    assert erase.erase_account(user.pk) == "gone"  # a redelivery
    run_worker()
    items, keys = erasure.leftovers(user.pk, photo_ids, album_ids, archive_keys, aws.object_keys())
    assert items == [] and keys == []


def test_an_active_user_is_never_deleted_by_a_job(aws, user):
    publish(user)
    assert erase.erase_account(user.pk) == "refused"
    assert get_user_model().objects.get(pk=user.pk).is_active
    assert erasure.owned(user.pk)[0]


def test_a_queue_that_cannot_be_reached_changes_nothing(aws, user, monkeypatch):
    def down(self, body):
        raise sqs.JobsUnavailable("down")

    monkeypatch.setattr(sqs.Queue, "send", down)
    with pytest.raises(sqs.JobsUnavailable):
        erase.request_deletion(user)
    assert get_user_model().objects.get(pk=user.pk).is_active


def test_the_invariant_machine_deletes_an_account_and_goes_on_with_a_new_user(aws, user, bob):
    """A given history of the machine's rule (gallery/tests/erase_rules.py), which Hypothesis
    may or may not draw in a short run: every invariant holds before, after and for the newcomer."""
    from gallery.tests.test_invariants import UseCases

    UseCases.stack = [user, bob]
    machine = UseCases()
    machine.publish(owner=0, title="Harbour", tags="sea", visibility="public")
    machine.publish(owner=1, title="Harbour", tags="sea sky", visibility="public")
    machine.create_album(owner=0, visibility="unlisted")
    machine.add_the_newest_photo(owner=0)
    mine, bobs = list(machine.expected.photos)
    machine._favourite(mine, 1, True)  # bob likes the user's photo
    machine._favourite(bobs, 0, True)  # and the user bob's
    machine.ask_for_an_archive(data=None, asker=0, export=True)
    machine.the_data_model_holds()

    machine.delete_an_account(number=0)
    machine.the_data_model_holds()
    assert list(machine.expected.photos) == [bobs] and machine.expected.photos[bobs].fans == set()
    assert machine.users[0].username.startswith("newcomer") and machine.users[1] == bob
    machine.publish(owner=0, title="Sunny sunset", tags="sky", visibility="public")
    machine.the_data_model_holds()


def test_an_archive_job_of_a_deleted_account_is_done_without_building(aws, user):
    publish(user)
    downloads.start_job(user, archives.EXPORT)  # queued, not built yet
    erase.request_deletion(user)
    assert run_worker() == 2  # both done: the export finds its job gone (or its owner), no retry
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert [key for key in aws.object_keys() if key.startswith("archives/")] == []


def test_the_command_finishes_a_marked_account_and_refuses_an_active_one(aws, user, bob):
    from io import StringIO

    from django.core.management import CommandError, call_command

    publish(user)
    erase.request_deletion(user)  # its job lost (the dead-letter queue took it, say)
    out = StringIO()
    call_command("erase_account", "alice", stdout=out)
    assert out.getvalue() == "alice: deleted\n"
    assert not erasure.owned(user.pk)[0]
    with pytest.raises(CommandError):
        call_command("erase_account", "bob", stdout=StringIO())
    assert get_user_model().objects.filter(pk=bob.pk, is_active=True).exists()

"""API tokens (accounts.models.ApiToken): any password change ends them, a login's re-hash of
the same password does not, a read-only scope, the last use written at most once a minute, and
the migration that carries every single token over."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm, SetPasswordForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import models
from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new sentence"
OLD_PASSWORD = "correct horse battery"  # the `user` fixture's


def token_client(key):
    return Client(headers={"Authorization": f"Token {key}"})


def create_album(client):
    return client.post("/api/albums/", json.dumps({"title": "Harbour"}), content_type="application/json")


def test_a_password_reset_revokes_the_tokens(aws, client, user):
    """The finding: after a reset (which ends every session) the old token still created albums."""
    key = ApiToken.issue(user)
    assert create_album(token_client(key)).status_code == 201

    user.set_password(NEW_PASSWORD)
    user.save()

    response = create_album(token_client(key))
    assert response.status_code == 401
    assert response.json()["error"] == "Invalid token."
    assert not ApiToken.objects.filter(user=user).exists()


def _reset_form(user):  # what the reset link's page saves
    form = SetPasswordForm(user, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()


def _admin_form(user):  # the admin's "change password" of a user
    form = AdminPasswordChangeForm(user, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()


def _change_page(user):
    client = Client()
    client.force_login(user)
    data = {"oldpassword": OLD_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post("/accounts/password/change/", data).status_code == 302


def _reset_page(user):
    from django.core import mail

    assert Client().post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    visitor = Client()
    form = visitor.get(link, follow=True)
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert visitor.post(form.redirect_chain[-1][0], data).status_code == 302


def _update_by_hand(user):
    # No save(), no signal: the fingerprint in the token still refuses it.
    get_user_model().objects.filter(pk=user.pk).update(password=make_password(NEW_PASSWORD))


def _unusable(user):
    user.set_unusable_password()
    user.save()


@pytest.mark.parametrize(
    "change", [_reset_form, _admin_form, _change_page, _reset_page, _update_by_hand, _unusable]
)
def test_every_way_of_changing_the_password_ends_every_token(user, change):
    keys = [ApiToken.issue(user, name="laptop"), ApiToken.issue(user, name="phone", scope=ApiToken.READ)]

    change(user)

    assert [ApiToken.user_for(key) for key in keys] == [None, None]
    assert ApiToken.of(get_user_model().objects.get(pk=user.pk)) == []


def test_a_new_token_after_the_change_works_and_may_reuse_a_name(user):
    ApiToken.issue(user, name="laptop")
    _update_by_hand(user)
    user.refresh_from_db()

    key = ApiToken.issue(user, name="laptop")

    assert ApiToken.user_for(key) == user


def test_a_login_that_rehashes_the_same_password_keeps_the_tokens(user):
    # An older Django's iteration count: the next login re-hashes (a new hash, the same password).
    user.password = PBKDF2PasswordHasher().encode(OLD_PASSWORD, "oldsalt", iterations=1000)
    user.save()
    key = ApiToken.issue(user)
    old_hash = user.password

    assert Client().login(username=user.username, password=OLD_PASSWORD)

    user.refresh_from_db()
    assert user.password != old_hash  # re-hashed
    assert ApiToken.user_for(key) == user


def test_a_rehash_does_not_bring_back_a_token_a_change_ended(user):
    stale = ApiToken.issue(user, name="old")
    _update_by_hand(user)  # ends "old" without a signal; it is still a row
    user.refresh_from_db()
    user.password = PBKDF2PasswordHasher().encode(NEW_PASSWORD, "oldsalt", iterations=1000)
    user.save(update_fields=["password"])  # ORM save of a new hash: not a re-hash of the old one
    user.refresh_from_db()

    assert user.check_password(NEW_PASSWORD)  # re-hashes now

    assert ApiToken.user_for(stale) is None


def test_a_read_only_token_reads_but_gets_a_clear_403_on_any_write(aws, user):
    client = token_client(ApiToken.issue(user, name="reader", scope=ApiToken.READ))

    assert client.get("/api/photos/").status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/albums/", "{}", content_type="application/json")
        assert response.status_code == 403, method
        assert "read only" in response.json()["error"]


def test_the_last_use_is_written_at_most_once_a_minute(user, monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(models, "clock", lambda: now)
    key = ApiToken.issue(user)
    assert ApiToken.objects.get().last_used is None

    ApiToken.authenticate(key)
    assert ApiToken.objects.get().last_used == now

    first = now
    now += timedelta(seconds=59)
    with CaptureQueriesContext(connection) as queries:
        ApiToken.authenticate(key)
    assert len(queries) == 1  # the lookup; no write
    assert ApiToken.objects.get().last_used == first

    now += timedelta(seconds=2)
    ApiToken.authenticate(key)
    assert ApiToken.objects.get().last_used == now


def test_an_inactive_users_token_is_refused(user):
    key = ApiToken.issue(user)
    user.is_active = False
    user.save()

    assert ApiToken.user_for(key) is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_each_users_single_token_over_and_back():
    executor = MigrationExecutor(connection)
    before, after = [("accounts", "0001_moved_to_accounts")], executor.loader.graph.leaf_nodes("accounts")
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_user = old_apps.get_model("auth", "User").objects.create(
        username="carol", password=make_password(OLD_PASSWORD)
    )
    key = "a-key-made-before-the-migration"
    old_apps.get_model("accounts", "ApiToken").objects.create(user=old_user, key_digest=models._digest(key))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    token = ApiToken.authenticate(key)
    assert token is not None and token.user.username == "carol"
    assert (token.name, token.scope) == ("API token", ApiToken.READ_WRITE)
    ApiToken.issue(token.user, name="second")  # the OneToOne's uniqueness is gone
    assert len(ApiToken.of(token.user)) == 2

    # Back again (a rollback of the deploy): each user keeps their newest token.
    executor.loader.build_graph()
    executor.migrate(before)
    old_tokens = executor.loader.project_state(before).apps.get_model("accounts", "ApiToken").objects
    assert old_tokens.count() == 1
    executor.loader.build_graph()
    executor.migrate(after)

"""accounts/migrations/0003-0004: the addresses of existing accounts move to allauth's
EmailAddress with their confirmation, and their languages stay: nobody signs up again."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_named_scoped_tokens")]
PASSWORD = "an old river stone"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_old_accounts_keep_their_address_confirmation_and_language():
    old = migrate(BEFORE)
    user_model = old.get_model("auth", "User")
    account_email = old.get_model("accounts", "AccountEmail")
    language = old.get_model("accounts", "AccountLanguage")
    confirmed = user_model.objects.create(
        username="carol", email="carol@example.com", password=make_password(PASSWORD)
    )
    account_email.objects.create(user=confirmed, address="carol@example.com", verified_at=timezone.now())
    language.objects.create(user=confirmed, code="ko")
    unconfirmed = user_model.objects.create(
        username="dave", email="dave@example.com", password=make_password(PASSWORD)
    )
    account_email.objects.create(user=unconfirmed, address="dave@example.com")

    migrate(latest())

    assert list(
        EmailAddress.objects.order_by("email").values_list("user__username", "email", "verified", "primary")
    ) == [
        ("carol", "carol@example.com", True, True),
        ("dave", "dave@example.com", False, True),
    ]
    carol = Client()
    response = carol.post(
        "/accounts/login/", {"login": "Carol@Example.com", "password": PASSWORD}, follow=True
    )
    assert response.context["user"].username == "carol"
    assert response.wsgi_request.LANGUAGE_CODE == "ko"  # the saved language came along
    # An address never confirmed is confirmed first, as at sign-up.
    dave = Client().post("/accounts/login/", {"login": "dave", "password": PASSWORD})
    assert dave["Location"] == "/accounts/confirm-email/"


def test_going_back_restores_one_address_per_account():
    migrate(latest())
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("erin", "erin@example.com", PASSWORD)
    EmailAddress.objects.create(user=user, email="erin@example.com", verified=True, primary=True)
    squatter = get_user_model().objects.create_user("frank", "erin@example.com", PASSWORD)
    EmailAddress.objects.create(user=squatter, email="erin@example.com", verified=False, primary=True)

    old = migrate(BEFORE)

    rows = old.get_model("accounts", "AccountEmail").objects.values_list("user__username", "address")
    assert list(rows) == [("erin", "erin@example.com")]  # the confirmed owner keeps it
    migrate(latest())

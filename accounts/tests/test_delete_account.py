"""The "Delete my account" of the account page (/accounts/delete/): the password checked, the user
marked and logged out at once, the worker deleting everything (gallery.services.erase, whose
tests check what is left), in English and Korean."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gallery.services import photos
from gallery.storage.dynamodb import PhotoNotFound
from gallery.tests.direct_uploads import run_worker
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the `user` fixture's


def test_the_account_page_has_the_section_with_its_warning(aws, logged_in_client):
    page = logged_in_client.get("/accounts/email/").content.decode()
    assert 'id="delete-account-heading">Delete my account</h2>' in page
    assert "This cannot be undone." in page
    assert 'action="/accounts/delete/"' in page and 'autocomplete="current-password"' in page


def test_the_section_in_korean(aws, logged_in_client):
    page = logged_in_client.get("/accounts/email/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "계정 삭제</h2>" in page and "되돌릴 수 없어요." in page and "계정을 영구히 삭제" in page
    assert "데이터를 다운로드</a>하세요." in page


def test_a_wrong_password_deletes_nothing(aws, logged_in_client, user):
    response = logged_in_client.post("/accounts/delete/", {"password": "not it"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert get_user_model().objects.get(pk=user.pk).is_active
    assert run_worker() == 0


def test_no_password_deletes_nothing(aws, logged_in_client, user):
    response = logged_in_client.post("/accounts/delete/", {})
    assert response.status_code == 400
    assert get_user_model().objects.get(pk=user.pk).is_active


def test_deleting_logs_out_with_a_message_and_the_worker_removes_everything(aws, logged_in_client, user):
    photo = publish(user)
    response = logged_in_client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Your account is being deleted." in response.content.decode()
    assert logged_in_client.get("/accounts/email/").status_code == 302  # logged out
    # The password no longer opens the account, even before the worker ran.
    login = Client().post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert login.status_code != 302 or login.url != "/"
    assert not get_user_model().objects.get(pk=user.pk).is_active
    assert run_worker() == 1
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    with pytest.raises(PhotoNotFound):
        photos.visible(user, photo.id)


def test_the_page_is_for_signed_in_users_only(client):
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")

"""Accounts through the site (gallery.views.accounts): sign-up, login, logout, the API token page."""

import pytest
from django.contrib.auth import get_user_model

from gallery.models import ApiToken

pytestmark = pytest.mark.django_db


def test_signup_creates_the_account_logs_in_and_opens_the_upload_form(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "bob", "password1": "a long river stone", "password2": "a long river stone"},
        follow=True,
    )

    assert response.redirect_chain == [("/upload/", 302)]
    assert get_user_model().objects.filter(username="bob").exists()
    assert response.context["user"].username == "bob"
    assert "Welcome, bob!" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [("12345678", "This password is entirely numeric."), ("abc", "This password is too short.")],
)
def test_signup_applies_djangos_password_validators(client, password, message):
    response = client.post(
        "/accounts/signup/", {"username": "bob", "password1": password, "password2": password}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="bob").exists()


def test_signup_rejects_a_taken_username(client, user):
    response = client.post(
        "/accounts/signup/",
        {"username": "alice", "password1": "a long river stone", "password2": "a long river stone"},
    )

    assert "A user with that username already exists." in response.content.decode()


def test_login_and_logout(client, user):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}, follow=True
    )
    assert response.context["user"].is_authenticated

    assert client.get("/accounts/logout/").status_code == 405  # logging out takes a POST
    response = client.post("/accounts/logout/", follow=True)

    assert not response.context["user"].is_authenticated


def test_wrong_password_shows_an_error(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    assert "Please enter a correct username and password." in response.content.decode()


def test_admin_lists_users_for_staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "a long river stone")
    client.force_login(admin)

    response = client.get("/admin/auth/user/")

    assert response.status_code == 200
    assert "root" in response.content.decode()


def test_api_token_page_issues_a_token_shown_once(aws, logged_in_client, user):
    page = logged_in_client.post("/accounts/api-token/").content.decode()
    key = page.split('<code class="token">')[1].split("</code>")[0]

    assert ApiToken.user_for(key) == user
    assert key not in logged_in_client.get("/accounts/api-token/").content.decode()
    assert ApiToken.objects.get(user=user).key_digest != key  # only a digest is stored

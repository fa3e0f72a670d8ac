"""Sessions and the admin: "log out everywhere" (allauth's sessions page, accounts.views) ends the
other browsers and every API token; the admin's login is the site's, for staff only."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the `user` fixture's


def logged_in(username="alice", password=PASSWORD, **extra):
    client = Client(**extra)
    response = client.post("/accounts/login/", {"login": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client


def test_log_out_everywhere_ends_the_other_browsers_and_every_token(user):
    laptop, phone = logged_in(HTTP_USER_AGENT="laptop"), logged_in(HTTP_USER_AGENT="phone")
    key = ApiToken.issue(user)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "laptop" in page and "phone" in page

    response = laptop.post("/accounts/sessions/", follow=True)

    assert response.context["user"].is_authenticated  # this browser stays
    assert not phone.get("/accounts/email/").wsgi_request.user.is_authenticated
    assert ApiToken.user_for(key) is None and ApiToken.of(user) == []


def test_log_out_everywhere_with_one_browser_still_ends_the_tokens(user):
    client = logged_in()
    key = ApiToken.issue(user)

    client.post("/accounts/sessions/")

    assert ApiToken.user_for(key) is None


def test_a_plain_logout_keeps_the_tokens(user):
    client = logged_in()
    key = ApiToken.issue(user)

    client.post("/accounts/logout/")

    assert ApiToken.user_for(key) == user


def test_the_admin_login_is_the_sites_and_leads_back_to_the_admin(django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    EmailAddress.objects.create(user=staff, email="root@example.com", verified=True, primary=True)
    client = Client()

    to_login = client.get("/admin/")
    assert to_login["Location"] == "/admin/login/?next=/admin/"
    site_login = client.get(to_login["Location"])
    assert site_login["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 302
    assert "_auth_user_id" not in client.session  # the admin's own form no longer logs in

    response = client.post(site_login["Location"], {"login": "root", "password": PASSWORD})

    assert response["Location"] == "/admin/"
    # Without a second factor, back to the site's login and on to set one up (test_mfa.py).
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/2fa/"


def test_the_admin_login_refuses_members_and_foreign_targets(user):
    member = logged_in()

    assert member.get("/admin/login/?next=/admin/").status_code == 403  # no loop back to the login
    assert member.get("/admin/").status_code == 302
    redirect = Client().get("/admin/login/?next=https://evil.example/")
    assert redirect["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_the_site_login_limit_covers_the_admin(settings, django_user_model):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/5m/ip,100/5m/key"}
    staff = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client = Client(REMOTE_ADDR="10.0.4.1")
    target = client.get("/admin/login/?next=/admin/")["Location"]

    for _ in range(2):
        client.post(target, {"login": "root", "password": "guess"})
    blocked = client.post(target, {"login": "root", "password": PASSWORD})

    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session and staff.is_staff

"""The API tokens page (/accounts/tokens/): labelled form and table, a new key shown once in a
`<code>` and never cached, revoking one token and only one's own."""

import re

import pytest
from django.test import Client, override_settings

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

KEY = re.compile(r'<code class="token">([^<]+)</code>')


def create(client, name="backup script", scope=ApiToken.READ):
    return client.post("/accounts/tokens/", {"name": name, "scope": scope})


def test_the_page_labels_its_fields_and_is_never_cached(logged_in_client, user):
    ApiToken.issue(user, name="laptop")
    ApiToken.authenticate(ApiToken.issue(user, name="phone"))  # used once
    response = logged_in_client.get("/accounts/tokens/")
    page = response.content.decode()

    assert "no-store" in response["Cache-Control"]
    assert '<label for="id_name">Name:</label>' in page
    assert "<legend>Access</legend>" in page
    read_only_checked = (
        r'<label for="id_scope_0"><input [^>]*value="read"[^>]*checked[^>]*>\s*Read only</label>'
    )
    assert re.search(read_only_checked, page)
    for header in ("Name", "Access", "Created", "Last used", "Revoke"):
        assert f'<th scope="col">{header}</th>' in page
    assert '<th scope="row">laptop</th>' in page
    assert 'aria-label="Revoke “laptop”"' in page
    laptop_row = page.split('<th scope="row">laptop</th>')[1].split("</tr>")[0]
    phone_row = page.split('<th scope="row">phone</th>')[1].split("</tr>")[0]
    assert "<td>Never</td>" in laptop_row
    assert "Never" not in phone_row and phone_row.count("<time datetime=") == 2


def test_a_new_token_is_shown_once_works_and_is_stored_as_a_digest(logged_in_client, user):
    response = create(logged_in_client, name="backup script", scope=ApiToken.READ_WRITE)
    (key,) = KEY.findall(response.content.decode())

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.authenticate(key)
    assert (token.user, token.name, token.scope) == (user, "backup script", ApiToken.READ_WRITE)
    assert token.key_digest != key and key not in token.key_digest
    later = logged_in_client.get("/accounts/tokens/").content.decode()
    assert key not in later and not KEY.search(later)
    assert '<th scope="row">backup script</th>' in later


def test_two_tokens_cannot_share_a_name(logged_in_client, user):
    ApiToken.issue(user, name="phone")

    response = create(logged_in_client, name="phone")

    assert response.status_code == 400
    assert "You already have a token with this name." in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


@override_settings(PHOTOSHARE_MAX_API_TOKENS=2)
def test_a_user_holds_at_most_the_limit_of_tokens(logged_in_client, user):
    ApiToken.issue(user, name="one")
    ApiToken.issue(user, name="two")

    response = create(logged_in_client, name="three")

    assert response.status_code == 400
    assert "An account holds at most 2 tokens; revoke one first." in response.content.decode()


def test_revoking_a_token_ends_that_one_only(logged_in_client, user):
    revoked, kept = ApiToken.issue(user, name="old laptop"), ApiToken.issue(user, name="phone")
    token_id = ApiToken.authenticate(revoked).pk

    response = logged_in_client.post(f"/accounts/tokens/{token_id}/revoke/", follow=True)

    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert "The token “old laptop” is revoked." in response.content.decode()
    assert ApiToken.user_for(revoked) is None
    assert ApiToken.user_for(kept) == user


def test_nobody_revokes_anothers_token_or_revokes_with_a_get(logged_in_client, django_user_model):
    bob = django_user_model.objects.create_user(username="bob", password="another long phrase")
    key = ApiToken.issue(bob)
    token_id = ApiToken.authenticate(key).pk

    assert logged_in_client.post(f"/accounts/tokens/{token_id}/revoke/").status_code == 404
    assert logged_in_client.get(f"/accounts/tokens/{token_id}/revoke/").status_code == 405
    assert Client().post(f"/accounts/tokens/{token_id}/revoke/").status_code == 302  # to the login
    assert ApiToken.user_for(key) == bob


def test_revoking_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    key = ApiToken.issue(user)

    response = client.post(f"/accounts/tokens/{ApiToken.authenticate(key).pk}/revoke/")

    assert response.status_code == 403
    assert ApiToken.user_for(key) == user


def test_the_page_in_korean(logged_in_client, user):
    ApiToken.issue(user, name="laptop")
    page = logged_in_client.get("/accounts/tokens/", headers={"accept-language": "ko"}).content.decode()

    assert "API 토큰" in page
    assert "읽기 전용" in page

"""Users in the admin (gallery.admin.users): staff see a person's profile picture on their change
page and remove an abusive one, from the page or the list's action, with the owner's own use case
(its objects go, the person's pages show the default); the admin's history records it; staff
without the change permission cannot."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.imaging.avatar import SIZES
from gallery.services import avatars
from gallery.storage.s3 import keys
from gallery.tests.api.test_avatars import avatar_keys, token_client
from gallery.tests.factories import admin_client_for, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "a long river stone")
    return admin_client_for(admin)


def with_avatar(person):
    picture = SimpleUploadedFile("me.jpg", image_bytes(), "image/jpeg")
    assert token_client(person).post("/api/users/me/avatar/", {"avatar": picture}).status_code == 200
    return keys.avatar_key(person.pk, avatars.version_of(person), SIZES[0])


@pytest.mark.parametrize(
    ("language", "shown", "removed"),
    [
        ("en", "Remove this picture", "The profile picture of bob is removed."),
        ("ko", "이 사진 지우기", "사용자 bob 님의 프로필 사진을 지웠어요."),
    ],
)
def test_staff_see_a_picture_and_remove_it_from_the_change_page(
    aws, admin_client, bob, language, shown, removed
):
    key = with_avatar(bob)
    admin_client.cookies["django_language"] = language
    page = admin_client.get(f"/admin/auth/user/{bob.pk}/change/").content.decode()
    assert re.search(rf'<img class="avatar" src="[^"]*/{re.escape(key)}\?[^"]*"', page)
    assert f'formaction="/admin/auth/user/{bob.pk}/avatar/remove/"' in page and shown in page

    answer = admin_client.post(f"/admin/auth/user/{bob.pk}/avatar/remove/", follow=True)

    assert answer.redirect_chain[-1][0] == f"/admin/auth/user/{bob.pk}/change/"
    assert removed in answer.content.decode(), re.findall(
        r"<ul class=\"messagelist\">.*?</ul>", answer.content.decode(), re.S
    )
    assert avatars.version_of(bob) == "" and avatar_keys(aws) == []
    assert "/static/img/avatar." in admin_client.get("/users/bob/").content.decode()  # the default
    entry = LogEntry.objects.get(object_id=str(bob.pk))
    assert entry.user.username == "root" and "Profile picture" in entry.change_message
    again = admin_client.post(f"/admin/auth/user/{bob.pk}/avatar/remove/", follow=True).content.decode()
    assert "has no profile picture" in again or "프로필 사진이 없어요" in again
    assert LogEntry.objects.count() == 1


def test_the_list_action_removes_the_selected_pictures(aws, admin_client, user, bob):
    with_avatar(user)
    with_avatar(bob)
    answer = admin_client.post(
        "/admin/auth/user/", {"action": "remove_profile_pictures", "_selected_action": [bob.pk]}, follow=True
    )
    assert "Profile pictures removed: 1." in answer.content.decode()
    assert avatars.version_of(bob) == "" and avatars.version_of(user) != ""


def test_staff_without_the_change_permission_cannot_remove_one(aws, bob, django_user_model):
    with_avatar(bob)
    clerk = admin_client_for(django_user_model.objects.create_user("clerk", password="x" * 12, is_staff=True))
    assert clerk.post(f"/admin/auth/user/{bob.pk}/avatar/remove/").status_code == 403
    assert clerk.get(f"/admin/auth/user/{bob.pk}/avatar/remove/").status_code in (403, 405)
    assert avatars.version_of(bob) != ""

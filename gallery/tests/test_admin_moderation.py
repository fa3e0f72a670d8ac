"""The admin's review queue: reports listed (their text escaped), and its actions: hide, delete,
suspend the author (whose content then disappears and who cannot log in), dismiss."""

import pytest
from django.test import Client

from gallery.domain.comments import NoSuchComment
from gallery.models import Report, Suspension
from gallery.services import comments
from gallery.tests.factories import admin_client_for
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def admin_client(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "a long river stone")
    return admin_client_for(admin)  # staff pass a second factor to enter the admin


@pytest.fixture
def reported(aws, user, bob):
    photo = publish(user, title="Harbour")
    comment = comments.write(bob, photo, XSS)
    report = Report.objects.create(
        reporter=user, author=bob, photo_id=photo.id, comment_id=comment.id, reason=XSS
    )
    return photo, comment, report


def act(client, action, report):
    return client.post(
        "/admin/gallery/report/", {"action": action, "_selected_action": [report.pk]}, follow=True
    )


def test_the_queue_and_a_report_escape_what_users_wrote(admin_client, reported):
    _, _, report = reported

    for url in ("/admin/gallery/report/", f"/admin/gallery/report/{report.pk}/change/"):
        html = admin_client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in admin_client.get(f"/admin/gallery/report/{report.pk}/change/").content.decode()


def test_hide_and_delete_a_comment(admin_client, reported, bob):
    photo, comment, report = reported

    act(admin_client, "hide_content", report)
    assert comments.page(bob, photo).items == []
    report.refresh_from_db()
    assert report.state == Report.HIDDEN

    act(admin_client, "delete_content", report)
    with pytest.raises(NoSuchComment):
        comments.by_id(comment.id)


def test_suspend_the_author(admin_client, reported, bob):
    photo, _, report = reported
    bobs = publish(bob, title="Bob's")

    act(admin_client, "suspend_author", report)

    assert Suspension.objects.filter(user=bob).exists()
    assert Client().get(f"/photos/{bobs.id}/").status_code == 404
    assert Client().get("/api/photos/").json()["results"][0]["id"] == photo.id
    assert not Client().login(username="bob", password="another long phrase")

"""A suspended owner's photos disappear at once, and a page asks about an owner once
(gallery.services.suspensions remembers its answers for the request)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.domain import access
from gallery.models import Suspension
from gallery.services import comments, suspensions
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def suspension_queries(queries):
    return [query for query in queries.captured_queries if Suspension._meta.db_table in query["sql"]]


def test_a_photo_page_asks_about_its_owner_once(aws, user):
    photo = publish(user, title="Harbour at dawn")
    comments.write(user, photo, "First light")
    visitor = Client()
    with CaptureQueriesContext(connection) as queries:
        page = visitor.get(f"/photos/{photo.id}/?from=feed")
    assert page.status_code == 200 and "Harbour at dawn" in page.content.decode()
    assert "First light" in page.content.decode()
    assert len(suspension_queries(queries)) == 1


def test_a_suspension_shows_on_the_next_page_at_once(aws, user):
    photo = publish(user, title="Harbour at dawn")
    visitor = Client()
    assert visitor.get(f"/photos/{photo.id}/").status_code == 200
    assert "Harbour at dawn" in visitor.get("/").content.decode()
    suspensions.suspend(user)
    assert visitor.get(f"/photos/{photo.id}/").status_code == 404
    assert "Harbour at dawn" not in visitor.get("/").content.decode()
    suspensions.unsuspend(user)
    assert "Harbour at dawn" in visitor.get("/").content.decode()


def test_outside_a_request_every_question_is_asked_anew(user):
    assert access.suspended_among({user.pk}) == set()
    Suspension.objects.create(user=user)  # not through the service: nothing is remembered anyway
    assert access.suspended_among({user.pk}) == {user.pk}

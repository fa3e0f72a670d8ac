"""Suspended accounts: staff suspend one from the admin's review queue (gallery.admin). The
account cannot log in (is_active off: Django's and allauth's logins refuse it, its sessions end)
and gallery.domain.access, which asks `suspended_among` (installed by gallery.apps), hides its
photos, comments and albums from every page and API answer at once."""

import contextvars

from django.core.signals import request_finished, request_started
from django.db import connections, router, transaction
from django.dispatch import receiver

from gallery.models import Suspension

# Answers already given during this request ({user id: suspended?}), None outside one: a photo
# page asks about its owner for the photo and again for its comments; one query is enough, and
# a suspension made by another request shows from the next page on, as it did.
_answers = contextvars.ContextVar("suspension_answers", default=None)


@receiver(request_started, dispatch_uid="photoshare-suspension-answers-start")
@receiver(request_finished, dispatch_uid="photoshare-suspension-answers-end")
def _new_request(signal, **kwargs):
    _answers.set({} if signal is request_started else None)


def suspended_among(user_ids):
    """The suspended among `user_ids`: one query, none for ids this request asked about already."""
    ids = set(user_ids)
    known = _answers.get()
    if known is None:
        return _query(ids)
    missing = ids - known.keys()
    if missing:
        found = _query(missing)
        known.update((user_id, user_id in found) for user_id in missing)
    return {user_id for user_id in ids if known[user_id]}


def _query(user_ids):
    """Suspension.objects.filter(user_id__in=...).values_list("user_id") as its SQL: the ORM builds
    and compiles the same query object on every list and photo page, ~0.25 ms, a sixth of an
    anonymous home page's server time (cProfile under bench/list_peers.py); the SQL is fixed."""
    ids = [int(user_id) for user_id in user_ids]  # owner ids read from DynamoDB may be Decimals
    if not ids:
        return set()
    database = connections[router.db_for_read(Suspension)]
    quote = database.ops.quote_name
    table, column = quote(Suspension._meta.db_table), quote(Suspension._meta.get_field("user").column)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"SELECT {column} FROM {table} WHERE {column} IN ({placeholders})"  # noqa: S608 - names from the model
    with database.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0] for row in cursor.fetchall()}


def _forget_answers():
    if _answers.get() is not None:
        _answers.set({})


def suspend(user, reason=""):
    _forget_answers()
    with transaction.atomic():
        Suspension.objects.get_or_create(user=user, defaults={"reason": reason})
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])


def unsuspend(user):
    _forget_answers()
    with transaction.atomic():
        Suspension.objects.filter(user=user).delete()
        user.is_active = True
        user.save(update_fields=["is_active"])

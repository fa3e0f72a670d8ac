"""Suspended accounts: staff suspend one from the admin's review queue (gallery.admin). The
account cannot log in (is_active off: Django's and allauth's logins refuse it, its sessions end)
and gallery.domain.access, which asks `suspended_among` (installed by gallery.apps), hides its
photos, comments and albums from every page and API answer at once."""

from django.db import transaction

from gallery.models import Suspension


def suspended_among(user_ids):
    """The suspended among `user_ids`: one query."""
    return set(Suspension.objects.filter(user_id__in=list(user_ids)).values_list("user_id", flat=True))


def suspend(user, reason=""):
    with transaction.atomic():
        Suspension.objects.get_or_create(user=user, defaults={"reason": reason})
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])


def unsuspend(user):
    with transaction.atomic():
        Suspension.objects.filter(user=user).delete()
        user.is_active = True
        user.save(update_fields=["is_active"])

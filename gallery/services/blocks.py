"""Blocks: one person blocks another. The one place the rule is read: a blocked user cannot
comment on the blocker's photos or mention them (gallery.services.comments) nor follow them (the
follows use case asks `is_blocked`), and the blocker no longer sees their comments."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Invalid, NotFound
from gallery.models import Block


class NoSuchUser(NotFound):
    code = "no_such_user"
    message = _("No such user.")


class CannotBlockYourself(Invalid):
    code = "cannot_block_yourself"
    message = _("You cannot block yourself.")


def is_blocked(owner, other):
    """Whether `owner` blocked `other` (users or their ids)."""
    owner_id, other_id = _id(owner), _id(other)
    if owner_id is None or other_id is None or owner_id == other_id:
        return False
    return Block.objects.filter(owner_id=owner_id, blocked_id=other_id).exists()


def blocked_ids(owner):
    """Ids of everyone `owner` blocked (a signed-in reader's filter of comments): one query."""
    owner_id = _id(owner)
    if owner_id is None:
        return frozenset()
    return frozenset(Block.objects.filter(owner_id=owner_id).values_list("blocked_id", flat=True))


def blockers_among(user_ids, other):
    """Of `user_ids`, those who blocked `other` (whose mentions by `other` are not made)."""
    return set(
        Block.objects.filter(owner_id__in=list(user_ids), blocked_id=_id(other)).values_list(
            "owner_id", flat=True
        )
    )


def user_named(username):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NoSuchUser(username)
    return user


def block(owner, other):
    """`owner` blocks `other` (idempotent)."""
    if owner.pk == other.pk:
        raise CannotBlockYourself()
    Block.objects.get_or_create(owner=owner, blocked=other)


def unblock(owner, other):
    Block.objects.filter(owner=owner, blocked=other).delete()


def _id(user):
    if user is None:
        return None
    if isinstance(user, int):
        return user
    return user.pk if getattr(user, "is_authenticated", True) else None

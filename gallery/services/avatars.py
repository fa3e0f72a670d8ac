"""Profile pictures: a person's avatar made by gallery.imaging.avatar, stored in S3 (django-storages)
under keys of gallery.storage.s3.keys, and named by the version on their profile row
(accounts.models.Profile.avatar). Replacing one stores the new objects first, then the row,
then deletes the old objects: a crash leaves only unnamed objects, which `manage.py reconcile`
reports (gallery.services.reconcile)."""

import logging
import secrets

from accounts.models import Profile
from gallery.imaging.avatar import SIZES
from gallery.storage.s3 import keys, media_urls, objects

logger = logging.getLogger(__name__)


def version_of(person):
    stored = Profile.objects.filter(user=person).only("avatar").first()
    return stored.avatar if stored else ""


def avatar_keys(user_id, version):
    return [keys.avatar_key(user_id, version, size) for size in SIZES]


def replace(person, avatar):
    """Store `avatar` (gallery.imaging.avatar.Avatar) as the person's; the old one's objects go."""
    old = version_of(person)
    version = secrets.token_hex(8)  # a new key each time: no cache shows the old picture
    for size in SIZES:
        objects.save(keys.avatar_key(person.pk, version, size), avatar.image(size).data)
    Profile.objects.update_or_create(user=person, defaults={"avatar": version})
    if old:
        objects.delete_quietly(avatar_keys(person.pk, old))
    logger.info("user %s has a new avatar", person.pk)
    return version


def remove(person):
    """Back to the default picture; the objects go (after the row, as any delete)."""
    old = version_of(person)
    if not old:
        return False
    Profile.objects.filter(user=person).update(avatar="")
    objects.delete_quietly(avatar_keys(person.pk, old))
    return True


def url(user_id, version, size=SIZES[0]):
    """The URL of a person's avatar at `size`, or None when they have none (pages show the default)."""
    if not version:
        return None
    return media_urls.url(keys.avatar_key(user_id, version, size))


def small_urls(user_ids):
    """{user id: URL of their small avatar, or None}: one query and one cache round trip."""
    versions = dict(
        Profile.objects.filter(user_id__in=user_ids).exclude(avatar="").values_list("user_id", "avatar")
    )
    small = {user_id: keys.avatar_key(user_id, version, SIZES[-1]) for user_id, version in versions.items()}
    found = media_urls.urls(list(small.values()))
    return {user_id: found[small[user_id]] if user_id in small else None for user_id in user_ids}


def erase(user_id):
    """An erased account's avatar objects, whatever their version (gallery.services.erase)."""
    objects.delete_objects(objects.list_objects(prefix=keys.avatar_prefix(user_id)))


def stray_objects(listed, versions):
    """Keys under avatars/ that are not a current avatar: {key: reason}. `listed` is the bucket's
    listing, `versions` {user id: version} of the existing users (their profile rows). Reported
    only: reconcile never deletes what it cannot classify."""
    stray = {}
    for key in listed:
        owner = keys.avatar_owner_of_key(key)
        if owner is None:
            stray[key] = "not an avatar key"
        elif owner[0] not in versions:
            stray[key] = f"of user {owner[0]}, who does not exist"
        elif owner[1] != versions[owner[0]]:
            stray[key] = f"an old avatar of user {owner[0]}"
    return stray

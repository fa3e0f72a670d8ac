"""photoshare keeps photos in DynamoDB (gallery.metadata); the database holds accounts only.
The one table here is the API token of a user."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored: a database leak reveals no
    usable token (the key is random and 256 bits long, so a fast hash is enough)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key_digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"API token of {self.user}"

    @classmethod
    def issue(cls, user):
        """Create or replace the user's token; returns the key, which is shown once."""
        key = secrets.token_urlsafe(32)
        cls.objects.update_or_create(user=user, defaults={"key_digest": _digest(key)})
        return key

    @classmethod
    def user_for(cls, key):
        token = cls.objects.select_related("user").filter(key_digest=_digest(key)).first()
        return token.user if token and token.user.is_active else None


class PhotoRecord(models.Model):
    """No table: photos live in DynamoDB. This unmanaged model only gives the admin a "Photos"
    entry with Django's view/change/delete permissions; gallery.admin serves its pages from
    gallery.metadata."""

    class Meta:
        managed = False
        verbose_name = "photo"
        default_permissions = ("view", "change", "delete")

    def __str__(self):
        return "photo"


class AlbumRecord(models.Model):
    """No table either: albums live in DynamoDB. Gives the admin an "Albums" entry with view
    and delete permissions; gallery.admin serves its pages from gallery.metadata."""

    class Meta:
        managed = False
        verbose_name = "album"
        default_permissions = ("view", "delete")

    def __str__(self):
        return "album"

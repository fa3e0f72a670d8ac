"""photoshare keeps photos and albums in DynamoDB (gallery.storage.dynamodb); these unmanaged models
only give the admin its "Photos" and "Albums" entries. Accounts: the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhotoRecord(models.Model):
    """No table: photos live in DynamoDB. This unmanaged model only gives the admin a "Photos"
    entry with Django's view/change/delete permissions; gallery.admin serves its pages from
    gallery.storage.dynamodb."""

    class Meta:
        managed = False
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        default_permissions = ("view", "change", "delete")

    def __str__(self):
        return "photo"


class AlbumRecord(models.Model):
    """No table either: albums live in DynamoDB. Gives the admin an "Albums" entry with view
    and delete permissions; gallery.admin serves its pages from gallery.storage.dynamodb."""

    class Meta:
        managed = False
        verbose_name = _("album")
        verbose_name_plural = _("albums")
        default_permissions = ("view", "delete")

    def __str__(self):
        return "album"

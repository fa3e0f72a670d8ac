"""photoshare keeps photos and albums in DynamoDB (gallery.storage.dynamodb); these unmanaged models
only give the admin its "Photos" and "Albums" entries. Accounts: the accounts app."""

from django.conf import settings
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


class Block(models.Model):
    """`owner` blocked `blocked`: who may not comment on the owner's photos, mention them or
    follow them, and whose comments the owner no longer sees (gallery.services.blocks)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [models.UniqueConstraint(fields=["owner", "blocked"], name="one_block_per_pair")]

    def __str__(self):
        return f"{self.owner_id} blocks {self.blocked_id}"


class Report(models.Model):
    """A photo or a comment reported to staff, with a reason: the admin's review queue."""

    OPEN, HIDDEN, DELETED, SUSPENDED, DISMISSED = "open", "hidden", "deleted", "suspended", "dismissed"
    STATES = [
        (OPEN, _("open")),
        (HIDDEN, _("hidden")),
        (DELETED, _("deleted")),
        (SUSPENDED, _("author suspended")),
        (DISMISSED, _("dismissed")),
    ]

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_sent"
    )
    # The reported content's author (the photo's owner or the comment's writer), for "suspend".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_against"
    )
    photo_id = models.CharField(_("photo"), max_length=32)
    comment_id = models.CharField(_("comment"), max_length=64, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=16, choices=STATES, default=OPEN)
    created = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created"]

    def __str__(self):
        return self.comment_id or self.photo_id


class Suspension(models.Model):
    """A suspended account: it cannot log in, and its photos, comments and albums are shown to
    nobody (gallery.domain.access, fed by gallery.services.suspensions)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspension")
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self):
        return str(self.user_id)

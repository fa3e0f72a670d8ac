"""Accounts: a user's API token, their (verified) email address and their language. The tables
were made by gallery's first migrations and keep their names (accounts/migrations/0001)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored: a database leak reveals no
    usable token (the key is random and 256 bits long, so a fast hash is enough)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key_digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "gallery_apitoken"  # created by gallery's migrations, before accounts was an app

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


class AccountEmail(models.Model):
    """A user's email address, unique across accounts (auth_user.email is not), and whether a
    mailed link verified it. Password resets go only to verified addresses."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_email"
    )
    # Stored case-folded, so "Alice@Example.com" and "alice@example.com" are one address.
    address = models.EmailField(_("address"), max_length=254, unique=True)
    verified_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        db_table = "gallery_accountemail"  # created by gallery's migrations, before accounts was an app
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")

    def __str__(self):
        return self.address

    @property
    def verified(self):
        return self.verified_at is not None


class AccountLanguage(models.Model):
    """The language a user chose (or signed up in): pages and the mail we send them use it,
    on every browser they sign in on (accounts.languages)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language")
    code = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        db_table = "gallery_accountlanguage"  # created by gallery's migrations, before accounts was an app

    def __str__(self):
        return f"{self.user}: {self.code}"

    @classmethod
    def of(cls, user, default=None):
        """The user's saved language code, or `default`."""
        code = cls.objects.filter(user_id=user.pk).values_list("code", flat=True).first()
        return code or default

    @classmethod
    def remember(cls, user, code):
        cls.objects.update_or_create(user=user, defaults={"code": code})

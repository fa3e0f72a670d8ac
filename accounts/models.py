"""Accounts: a user's API tokens and their language (their addresses are django-allauth's
EmailAddress since accounts/migrations/0003). The tables were made by gallery's first migrations
and keep their names (accounts/migrations/0001)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gallery.domain.limits import LIMITS
from gallery.domain.notifications import DIGEST_CHOICES, DIGEST_OFF


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def password_fingerprint(password_hash):
    """What a token remembers of its user's password: the SHA-256 of the stored hash (the hash
    sits in auth_user beside it, so this tells a database reader nothing new). Not keyed with
    SECRET_KEY: rotating the key must not end every token."""
    return _digest(password_hash or "")


clock = timezone.now  # replaced by tests
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored: a database leak reveals no
    usable token (the key is random and 256 bits long, so a fast hash is enough).

    A token holds the fingerprint of its user's password when it was made and works only while
    the password is the same: any change (the change and reset pages, the admin, `set_password`
    anywhere, even an UPDATE by hand) ends every token at once: the check needs no signal to
    have fired (the receivers below only tidy up, and keep tokens through a login's re-hash)."""

    READ = "read"
    READ_WRITE = "read_write"
    SCOPES = [(READ, _("Read only")), (READ_WRITE, _("Read and write"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("access"), max_length=10, choices=SCOPES)
    key_digest = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        db_table = "gallery_apitoken"  # created by gallery's migrations, before accounts was an app
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="api_token_name_per_user")]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def read_only(self):
        return self.scope == self.READ

    @classmethod
    def issue(cls, user, name="API token", scope=READ_WRITE):
        """A new token for `user` (read-write unless told); returns its key, shown once."""
        return cls.create(user, name, scope)[0]

    @classmethod
    def create(cls, user, name, scope):
        """A new token: (its key, shown once and stored nowhere, and the saved token)."""
        key = secrets.token_urlsafe(32)  # 256 random bits
        cls._forget_ended(user)  # their names are free again
        token = cls.objects.create(
            user=user,
            name=name,
            scope=scope,
            key_digest=_digest(key),
            password_fingerprint=password_fingerprint(user.password),
        )
        return key, token

    @classmethod
    def of(cls, user):
        """The user's working tokens, newest first; those a password change ended are deleted."""
        cls._forget_ended(user)
        return list(cls.objects.filter(user=user))

    @classmethod
    def end_all(cls, user):
        """Revokes every token of `user` (a password change or reset, "log out everywhere")."""
        cls.objects.filter(user=user).delete()

    @classmethod
    def _forget_ended(cls, user):
        cls.objects.filter(user=user).exclude(
            password_fingerprint=password_fingerprint(user.password)
        ).delete()

    @classmethod
    def revoke(cls, user, token_id):
        """Deletes one of `user`'s tokens; its name, or None when they have no such token."""
        token = cls.objects.filter(user=user, pk=token_id).first()
        if token is None:
            return None
        token.delete()
        return token.name

    @classmethod
    def authenticate(cls, key):
        """The working token with this key (its user loaded), or None. Marks it used."""
        token = cls.objects.select_related("user").filter(key_digest=_digest(key)).first()
        if token is None or not token.user.is_active:
            return None
        if not token._password_unchanged(token.user):
            token.delete()
            return None
        token._mark_used()
        return token

    @classmethod
    def user_for(cls, key):
        token = cls.authenticate(key)
        return token.user if token else None

    def _password_unchanged(self, user):
        return secrets.compare_digest(self.password_fingerprint, password_fingerprint(user.password))

    def _mark_used(self):
        # At most one write a minute per token: a script's every request would otherwise be a
        # database write (a row lock per call on MySQL, binlog traffic), and the page shows the
        # time to the minute. Within the minute no statement at all (the row was just read);
        # after it, the conditional UPDATE lets one of several concurrent requests write.
        now = clock()
        if self.last_used is not None and self.last_used > now - LAST_USED_PRECISION:
            return
        stale = models.Q(last_used__isnull=True) | models.Q(last_used__lte=now - LAST_USED_PRECISION)
        if ApiToken.objects.filter(stale, pk=self.pk).update(last_used=now):
            self.last_used = now


def _saves_password(update_fields):
    return update_fields is None or "password" in update_fields


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _remember_the_stored_password(sender, instance, update_fields=None, **kwargs):
    if instance.pk and _saves_password(update_fields):
        stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
        instance._password_before_save = stored


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _follow_the_password(sender, instance, update_fields=None, **kwargs):
    """A new password ends the user's tokens here and now (the fingerprint check would refuse
    them anyway; this keeps the list and the names free).

    Except when a login re-hashes the same password: Django raises the hasher's iterations with
    each release, and `check_password` then saves the password alone with `_password` cleared,
    its mark for "not a change". The working tokens follow the new hash, or every token would
    end at its user's next login after an upgrade."""
    before = getattr(instance, "_password_before_save", None)
    instance._password_before_save = None
    if before is None or before == instance.password or not _saves_password(update_fields):
        return
    rehashed = update_fields == frozenset({"password"}) and getattr(instance, "_password", None) is None
    if rehashed and instance.has_usable_password():
        ApiToken.objects.filter(user=instance, password_fingerprint=password_fingerprint(before)).update(
            password_fingerprint=password_fingerprint(instance.password)
        )
    else:
        ApiToken._forget_ended(instance)


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


class Profile(models.Model):
    """What a person says of themselves on their page: a display name and a short bio (plain
    text, autoescaped wherever shown). Limits: gallery.domain.limits."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=LIMITS.display_name_length, blank=True)
    bio = models.TextField(_("bio"), max_length=LIMITS.bio_length, blank=True)
    # The notifications' email digest (gallery.services.notifications.send_digests): opt-in, and
    # the last period mailed, claimed by a conditional UPDATE so a period is mailed once.
    digest = models.CharField(_("email digest"), max_length=10, choices=DIGEST_CHOICES, default=DIGEST_OFF)
    digest_sent = models.CharField(max_length=20, blank=True, editable=False)
    # The version in the keys of the avatar's objects (gallery.storage.s3.keys.avatar_key); empty: none.
    avatar = models.CharField(_("avatar"), max_length=16, blank=True, editable=False)

    def __str__(self):
        return self.display_name or self.user.get_username()

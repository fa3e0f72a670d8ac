"""Accounts with email: the use cases around an address (sign-up, verification, change) and the
mail they send, through Django's email API (SES in production, files under .local/mail/ in
`make run`, memory in tests).

A verification link is a signed token (Django's signing, with a timestamp) naming the user and
the address it was sent to: it needs no table, expires, and stops working once the address
changes. Resets use Django's own password-reset views and tokens, for verified addresses only.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AccountEmail, AccountLanguage

logger = logging.getLogger(__name__)

_VERIFY_SALT = "accounts.emails.verify-email"


class AddressTaken(Exception):
    """Another account uses this address (found at the database's unique constraint)."""


class BadVerificationLink(Exception):
    """The link is forged, expired, or for an address the account no longer has."""


def canonical_address(address):
    """One spelling per mailbox for uniqueness: trimmed and case-folded."""
    return address.strip().casefold()


def address_taken(address, *, except_user=None):
    taken = AccountEmail.objects.filter(address=canonical_address(address))
    if except_user is not None:
        taken = taken.exclude(user=except_user)
    return taken.exists()


def sign_up(create_user, address):
    """Create the account (`create_user()`, e.g. UserCreationForm.save) with its address, both or
    neither: a lost race for the address rolls the new user back and raises AddressTaken."""
    with transaction.atomic():
        user = create_user()
        set_address(user, address)
    return user


def set_address(user, address):
    """Give `user` this (unverified) address; raises AddressTaken when another account has it,
    even when two sign-ups race (the unique constraint decides)."""
    address = canonical_address(address)
    try:
        with transaction.atomic():
            AccountEmail.objects.update_or_create(
                user=user, defaults={"address": address, "verified_at": None}
            )
            user.email = address
            user.save(update_fields=["email"])
    except IntegrityError:
        raise AddressTaken(address) from None
    return address


def send_verification(request, user):
    """Mail `user` a link that verifies their current address. Returns False when the mail
    service refused it (logged): the account works anyway, and the link can be sent again."""
    account_email = AccountEmail.objects.get(user=user)
    token = signing.dumps({"user": user.pk, "address": account_email.address}, salt=_VERIFY_SALT)
    link = request.build_absolute_uri(reverse("verify_email", args=[token]))
    context = {"user": user, "link": link, "days": settings.PHOTOSHARE_EMAIL_VERIFY_DAYS}
    try:
        with translation.override(language_of(user)):
            send_mail(
                subject=render_to_string("registration/verify_email_subject.txt", context).strip(),
                message=render_to_string("registration/verify_email.txt", context),
                from_email=None,  # DEFAULT_FROM_EMAIL
                recipient_list=[account_email.address],
            )
    except Exception:  # SMTP, SES or a file backend: whichever is configured, it is not the user's fault
        logger.exception("could not send the verification link to user %s", user.pk)
        return False
    logger.info("sent a verification link to user %s", user.pk)
    return True


def language_of(user):
    """The language to write to `user` in: the one saved on the account, else the page's."""
    return AccountLanguage.of(user, translation.get_language())


def verify(token):
    """Mark the address the token names as verified; returns the AccountEmail."""
    try:
        claim = signing.loads(token, salt=_VERIFY_SALT, max_age=settings.PHOTOSHARE_EMAIL_VERIFY_DAYS * 86400)
    except signing.BadSignature:
        raise BadVerificationLink(token) from None
    account_email = AccountEmail.objects.filter(
        user_id=claim.get("user"), address=claim.get("address")
    ).first()
    if account_email is None:
        raise BadVerificationLink(token)
    if account_email.verified_at is None:
        account_email.verified_at = timezone.now()
        account_email.save(update_fields=["verified_at"])
    return account_email


def verified_users(address):
    """Active users whose verified address is `address` (Django's reset form asks this)."""
    return [
        account_email.user
        for account_email in AccountEmail.objects.select_related("user").filter(
            address=canonical_address(address), verified_at__isnull=False, user__is_active=True
        )
        if account_email.user.has_usable_password()
    ]

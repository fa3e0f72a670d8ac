"""What follows allauth's account events here: tokens end with the password, and a confirmed
address stops being anyone else's unconfirmed one, a browser that logged in is known to the
failed-login counters, which a new password clears."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_changed, password_reset, user_logged_in
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from accounts import devices
from accounts.models import ApiToken


@receiver(password_changed)
@receiver(password_reset)
def end_tokens(sender, request, user, **kwargs):
    """Every API token ends with a password change or reset. The tokens' password fingerprint
    would refuse them anyway (even after a change made outside these pages); this clears the
    list at once."""
    ApiToken.end_all(user)


@receiver(password_changed)
@receiver(password_reset)
def forget_failed_logins(sender, request, user, **kwargs):
    """The owner proved the account is theirs: guesses counted against it lock them out nowhere
    any more, in any browser (accounts/devices.py)."""
    devices.forget_failures(request, user)


@receiver(email_confirmed)
def release_unconfirmed_copies(sender, request, email_address, **kwargs):
    """The owner proved the mailbox is theirs: other accounts that typed the address and never
    confirmed it lose it (they can no longer log in with it nor be mailed at it)."""
    others = EmailAddress.objects.filter(email__iexact=email_address.email, verified=False).exclude(
        user_id=email_address.user_id
    )
    users = list(others.values_list("user_id", flat=True))
    others.delete()
    get_user_model().objects.filter(pk__in=users, email__iexact=email_address.email).update(email="")


@receiver(user_logged_in)
def remember_the_browser(sender, request, user, response=None, **kwargs):
    """allauth's login (password, passkey, after the second factor) gives the browser its device
    cookie; Django's own login() (the test client's force_login) has no response to carry it."""
    if response is not None:
        devices.remember(request, response, user)

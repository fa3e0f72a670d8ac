"""What photoshare changes in django-allauth's account flows (settings.ACCOUNT_ADAPTER): the
client's address as our proxies report it, one failed-login counter per look-alike username
(and per known browser: accounts/devices.py), mail in the recipient's language (a mail service
that fails fails no page), and the language an account was made in."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import devices
from accounts.models import AccountLanguage
from gallery.web.ratelimit import client_ip

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth's per-IP limits count the address our own proxies saw, never a forged header.
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth only lower-cases the login: a full-width "alice" and "alice" would count
        # apart though Django's login form reads them alike (NFKC). A browser the account
        # logged in from before counts apart from strangers (accounts/devices.py).
        login = credentials.get("email", credentials.get("username", ""))
        return devices.login_failures_key(request, login)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # The language the account was made in is its language until the user picks another.
            AccountLanguage.remember(user, translation.get_language())
        return user

    def send_mail(self, template_prefix, email, context):
        # In the recipient's language, which need not be the one of the page that sent it.
        user = context.get("user") or _owner_of(email)
        language = AccountLanguage.of(user, translation.get_language()) if user else None
        try:
            with translation.override(language or translation.get_language()):
                super().send_mail(template_prefix, email, context)
        except Exception:  # SMTP, SES or a file backend: whichever it is, it is not the user's fault
            logger.exception("could not send %s", template_prefix)
            request = allauth_context.request
            if request is not None:
                messages.warning(request, _("We could not send the mail; please try again in a while."))


def _owner_of(email):
    """Whose language a mail to `email` is written in: its confirmed owner's, else the account
    that typed it (a mail about an unconfirmed address goes to whoever holds the mailbox)."""
    addresses = EmailAddress.objects.filter(email__iexact=email).select_related("user")
    address = addresses.order_by("-verified", "id").first()
    return address.user if address else None

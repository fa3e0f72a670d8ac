from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Connects the user_logged_in receiver that brings an account's saved language along.
        # Connects allauth's signals: tokens end with the password, confirmed addresses are freed.
        from accounts import (
            languages,  # noqa: F401
            receivers,  # noqa: F401
        )

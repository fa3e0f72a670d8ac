"""Account forms: sign-up with an address no other account has, address change, and the
password reset that mails only verified addresses, in the recipient's language."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.emails import address_taken, canonical_address, language_of, verified_users


class EmailField(forms.EmailField):
    """An address no other account has (checked case-insensitively; the database's unique
    constraint settles a race between two sign-ups)."""

    def __init__(self, *, user=None, **kwargs):
        kwargs.setdefault("help_text", _("We send a link to confirm it; password resets go only there."))
        super().__init__(**kwargs)
        self.user = user

    def clean(self, value):
        address = super().clean(value)
        if address and address_taken(address, except_user=self.user):
            raise forms.ValidationError(ADDRESS_TAKEN, code="taken")
        return canonical_address(address) if address else address


ADDRESS_TAKEN = _("Another account already uses this email address.")


class SignupForm(UserCreationForm):
    email = EmailField(label=_("Email"))

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class EmailChangeForm(forms.Form):
    email = EmailField(label=_("New email address"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].user = user


class VerifiedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending only to verified addresses (an unverified one may be a typo
    or someone else's)."""

    def get_users(self, email):
        return verified_users(email)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # In the recipient's language, which need not be the one of the page asking for the reset.
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)

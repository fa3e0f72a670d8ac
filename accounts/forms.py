"""Account forms: sign-up with an address no other account has, address change, and the
password reset that mails only verified addresses, in the recipient's language."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.emails import address_taken, canonical_address, language_of, verified_users
from accounts.models import ApiToken
from gallery.domain.limits import LIMITS


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


class TokenForm(forms.Form):
    """A new API token: its name (one per user) and its scope; the page and /api/tokens/ both
    use it. Read only is offered first: a script that only reads should not be able to delete."""

    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("Where it is used, e.g. “backup script” or “phone”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiToken.SCOPES, initial=ApiToken.READ, widget=forms.RadioSelect
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @cached_property
    def tokens(self):
        return ApiToken.of(self.user)

    def clean_name(self):
        name = self.cleaned_data["name"]
        if any(token.name == name for token in self.tokens):
            raise forms.ValidationError(TOKEN_NAME_TAKEN, code="taken")
        return name

    def clean(self):
        if len(self.tokens) >= LIMITS.api_tokens:
            raise forms.ValidationError(
                _("An account holds at most %(count)s tokens; revoke one first.")
                % {"count": LIMITS.api_tokens},
                code="too_many",
            )
        return super().clean()

    def save(self):
        """(the key, shown once, and the token); a twin name saved meanwhile is a form error."""
        try:
            with transaction.atomic():
                return ApiToken.create(self.user, self.cleaned_data["name"], self.cleaned_data["scope"])
        except IntegrityError:
            self.add_error("name", forms.ValidationError(TOKEN_NAME_TAKEN, code="taken"))
            return None, None


TOKEN_NAME_TAKEN = _("You already have a token with this name.")

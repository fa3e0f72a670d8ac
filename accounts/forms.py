"""Account forms: allauth's sign-up and password reset, where an address counts only once it
is confirmed, the API token form, and the passkey form (allauth.mfa's, as a passkey)."""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts import factors
from accounts.models import ApiToken
from gallery.domain.limits import LIMITS


class SignupForm(allauth_forms.SignupForm):
    """An address is taken only once its owner confirmed it: someone who typed another's address
    and never confirmed it (a typo or a squatter) blocks nobody. A confirmed one is not refused
    either (that would tell who has an account): allauth answers as for any sign-up and mails the
    address that it already has an account."""

    def validate_unique_email(self, value):
        self.account_already_exists = EmailAddress.objects.filter(email__iexact=value, verified=True).exists()
        return get_adapter().validate_unique_email(value)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """Resets go to confirmed addresses only (an unconfirmed one may be a typo or someone
    else's); when only unconfirmed accounts use the address, the mail says so instead of nothing
    coming. The page answers alike in every case."""

    def clean_email(self):
        email = super().clean_email()
        addresses = EmailAddress.objects.filter(email__iexact=email, user__is_active=True)
        addresses = addresses.select_related("user")
        self.users = [address.user for address in addresses if address.verified]
        self.unconfirmed = not self.users and bool(addresses)
        return email

    def save(self, request, **kwargs):
        if not self.unconfirmed:
            return super().save(request, **kwargs)
        email = self.cleaned_data["email"]
        context = {
            "login_url": request.build_absolute_uri(reverse("account_login")),
            "signup_url": request.build_absolute_uri(reverse("account_signup")),
        }
        get_adapter().send_mail("account/email/unconfirmed_reset", email, context)
        return email


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


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's "add a security key" as the site offers it: a passkey, which also logs in on
    its own (resident and user-verified), unless the box is cleared for a plain second factor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
        self.fields["name"].help_text = _("So you can tell your passkeys apart, e.g. “phone”.")
        passwordless = self.fields.get("passwordless")
        if passwordless is not None:
            passwordless.initial = True
            passwordless.label = _("Also log in with it, without the password")
            passwordless.help_text = _("Your device then asks for its PIN, fingerprint or face.")


class DeleteAccountForm(forms.Form):
    """The form of "Delete my account": the password, and the second factor when the user has one
    (accounts/factors.py): a code of the authenticator app or a recovery code (allauth.mfa's own
    check), or a passkey, proved through allauth's re-authentication (`passkey_url`) shortly
    before; a factor proved that recently in this session (a passkey login too) stands."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = request.user
        has_factor = factors.has_second_factor(self.user)
        self.factor_proved = has_factor and factors.recently_passed_second_factor(request)
        self.needs_factor = has_factor and not self.factor_proved
        self.passkey_url = None
        if self.needs_factor and factors.has_passkey(self.user):
            back = urlencode({REDIRECT_FIELD_NAME: reverse("delete_account")})
            self.passkey_url = f"{reverse('mfa_reauthenticate_webauthn')}?{back}"
        if self.needs_factor and factors.has_codes(self.user):
            if factors.has_totp(self.user):
                label = _("A code from your authenticator app, or a recovery code")
            else:
                label = _("A recovery code, instead of the passkey")
            self.fields["code"] = forms.CharField(
                label=label,
                # With a passkey, the passkey may stand instead (clean() asks for one of both).
                required=self.passkey_url is None,
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password

    def clean_code(self):
        from allauth.mfa.base.forms import AuthenticateForm

        code = self.cleaned_data["code"]
        if not code:
            return code
        check = AuthenticateForm({"code": code}, user=self.user)
        if not check.is_valid():
            raise forms.ValidationError(check.errors["code"])
        return code

    def clean(self):
        cleaned = super().clean()
        if self.passkey_url and not cleaned.get("code") and "code" not in self.errors:
            raise forms.ValidationError(
                _("Confirm with your passkey first, or type a code."), code="second_factor"
            )
        return cleaned

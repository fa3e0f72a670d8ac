"""Accounts: sign-up with email, address verification and change, the rate-limited logins (site
and admin) and password reset (the API tokens page is token_views)."""

from django.contrib import admin, messages
from django.contrib.auth import login as log_in
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import emails as accounts
from accounts import languages
from accounts.forms import ADDRESS_TAKEN, EmailChangeForm, SignupForm, VerifiedPasswordResetForm
from accounts.models import AccountEmail
from gallery.web.ratelimit import LOGIN, PASSWORD_RESET, SIGNUP, VERIFY_RESEND

login = LOGIN.on_posts(auth_views.LoginView.as_view())
admin_login = LOGIN.on_posts(admin.site.login)
password_reset = PASSWORD_RESET.on_posts(
    auth_views.PasswordResetView.as_view(
        form_class=VerifiedPasswordResetForm, success_url=reverse_lazy("password_reset_done")
    )
)


@SIGNUP.on_posts
def signup(request):
    if request.user.is_authenticated:
        return redirect("gallery:upload")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.sign_up(form.save, form.cleaned_data["email"])
        except accounts.AddressTaken:  # another sign-up took it since the form was checked
            form.add_error("email", ADDRESS_TAKEN)
        else:
            log_in(request, user)
            # The language the account was made in is its language until the user picks another.
            languages.remember(request, get_language())
            messages.success(
                request, _("Welcome, %(name)s! Upload your first photo.") % {"name": user.username}
            )
            _send_verification(request, user)
            return redirect("gallery:upload")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def verify_email(request, token):
    try:
        account_email = accounts.verify(token)
    except accounts.BadVerificationLink:
        return render(request, "registration/verify_email_failed.html", status=400)
    messages.success(request, _("%(address)s is confirmed.") % {"address": account_email.address})
    return redirect("account" if request.user.is_authenticated else "login")


@login_required
def account(request):
    """The account page: the address and whether it is confirmed, changing it, resending the link."""
    account_email = AccountEmail.objects.filter(user=request.user).first()
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.set_address(request.user, form.cleaned_data["email"])
        except accounts.AddressTaken:
            form.add_error("email", ADDRESS_TAKEN)
        else:
            messages.success(request, _("Your address is changed."))
            _send_verification(request, request.user)
            return redirect("account")
    context = {"account_email": account_email, "form": form}
    return render(request, "registration/account.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
@VERIFY_RESEND.on_posts
def resend_verification(request):
    if AccountEmail.objects.filter(user=request.user, verified_at__isnull=True).exists():
        _send_verification(request, request.user)
    return redirect("account")


def _send_verification(request, user):
    if accounts.send_verification(request, user):
        messages.info(request, _("We sent a link to %(address)s to confirm it.") % {"address": user.email})
    else:
        messages.warning(
            request, _("We could not send the confirmation mail; try again from your account page.")
        )

"""Accounts: sign-up, the rate-limited logins (site and admin) and the API token page."""

from django.contrib import admin, messages
from django.contrib.auth import login as log_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render

from gallery import ratelimit
from gallery.forms import SignupForm
from gallery.models import ApiToken

_limit_logins = ratelimit.limit_posts("login", "PHOTOSHARE_LOGIN_RATE", ratelimit.login_keys)
login = _limit_logins(LoginView.as_view())
admin_login = _limit_logins(admin.site.login)


@ratelimit.limit_posts("signup", "PHOTOSHARE_SIGNUP_RATE", ratelimit.ip_keys)
def signup(request):
    if request.user.is_authenticated:
        return redirect("gallery:upload")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        log_in(request, user)
        messages.success(request, f"Welcome, {user.username}! Upload your first photo.")
        return redirect("gallery:upload")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def password_reset_unavailable(request, **kwargs):
    """Accounts have no e-mail address yet: resetting a password by mail is not offered (each
    POST would otherwise try to send mail, with no limit). Answers 404 until they do."""
    raise Http404("Password reset by e-mail is not available.")


@login_required
def api_token(request):
    """Shows whether the user has an API token; a POST issues a new one (replacing the old),
    displayed this once only."""
    key = ApiToken.issue(request.user) if request.method == "POST" else None
    has_token = key is not None or ApiToken.objects.filter(user=request.user).exists()
    return render(request, "gallery/api_token.html", {"key": key, "has_token": has_token})

"""The account pages allauth has no equivalent for, or that do more here: "log out everywhere"
(allauth's sessions page, which also ends the API tokens), "delete my account", and the admin's
login, which is the site's (tokens: token_views; languages: language_views)."""

from urllib.parse import urlencode

from allauth.account.views import EmailView
from allauth.core import ratelimit
from allauth.usersessions.forms import ManageUserSessionsForm
from allauth.usersessions.views import ListUserSessionsView
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import factors, staff
from accounts.forms import DeleteAccountForm
from accounts.models import ApiToken
from gallery.services import erase


class EndOtherSessionsForm(ManageUserSessionsForm):
    def save(self, request):
        super().save(request)
        if request.user.is_authenticated:
            # A stolen token is as good as a stolen session: "everywhere" includes scripts.
            ApiToken.end_all(request.user)


class SessionsView(ListUserSessionsView):
    form_class = EndOtherSessionsForm


sessions = SessionsView.as_view()


@never_cache
def admin_login(request):
    """/admin/login/: the site's login (allauth's, with its rate limits) and back to the admin.
    The admin stays for staff: a signed-in user who is not staff gets a 403, not a loop. Staff
    without a second factor are sent to set one up; with one, to prove it in this session."""
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    target = target or reverse("admin:index")
    back = urlencode({REDIRECT_FIELD_NAME: target})
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{back}")
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    if not factors.has_second_factor(request.user):
        messages.warning(
            request, _("The admin needs a second factor: add a passkey or an authenticator app first.")
        )
        return redirect("mfa_index")
    if not factors.passed_second_factor(request):
        return redirect(f"{staff.second_factor_url(request)}?{back}")
    return redirect(target)


class AccountPageView(EmailView):
    """allauth's address page, the account page: with the "Delete my account" form below."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "delete_form": DeleteAccountForm(request=self.request)}


account_page = AccountPageView.as_view()


@never_cache
@login_required
def delete_account(request):
    """/accounts/delete/: the account page's "Delete my account" (its form posts here; a refused
    form is shown again here). The password (and second factor) checked, the user is marked and
    logged out, and the worker deletes everything (gallery.services.erase)."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST":
        # allauth's limit on password re-checks: a stolen session cannot guess the password here.
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
        if limited:
            return limited
        if form.is_valid():
            erase.request_deletion(request.user, language=get_language())
            logout(request)
            messages.success(
                request, _("Your account is being deleted. We will email you once everything is gone.")
            )
            return redirect("gallery:home")
    return render(request, "account/delete.html", {"form": form}, status=400 if form.errors else 200)

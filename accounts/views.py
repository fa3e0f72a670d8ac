"""The account pages allauth has no equivalent for, or that do more here: "log out everywhere"
(allauth's sessions page, which also ends the API tokens), and the admin's login, which is the
site's (tokens: token_views; languages: language_views)."""

from urllib.parse import urlencode

from allauth.usersessions.forms import ManageUserSessionsForm
from allauth.usersessions.views import ListUserSessionsView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from accounts.models import ApiToken


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
    The admin stays for staff: a signed-in user who is not staff gets a 403, not a loop."""
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied
        return redirect(target)
    return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")

"""Staff enter the admin with a second factor (accounts.admin_site applies it to every admin page,
accounts.views.admin_login sends staff where they can satisfy it); what counts as one is
accounts/factors.py's rule."""

from allauth.account.adapter import get_adapter as get_account_adapter

from accounts.factors import has_second_factor, passed_second_factor


def may_enter_admin(request):
    user = request.user
    return user.is_active and user.is_staff and has_second_factor(user) and passed_second_factor(request)


def second_factor_url(request):
    """Where a staff member who has a second factor proves it in this session (allauth's
    re-authentication with a code, else with a passkey)."""
    methods = get_account_adapter(request).get_reauthentication_methods(request.user)
    return next(method["url"] for method in methods if method["id"].startswith("mfa_reauthenticate"))

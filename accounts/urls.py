"""The account pages, under /accounts/ (photoshare/urls.py): allauth's (sign-up, login, logout,
confirmation, password reset and change, address) and ours beside them, listed first so that a
page we extend answers at allauth's address and name."""

from django.urls import include, path
from django.views.generic import RedirectView

from accounts import profile_views, token_views, views
from gallery.web.views.downloads import export_data

urlpatterns = [
    path("tokens/", token_views.tokens, name="tokens"),
    path("profile/", profile_views.profile, name="profile"),
    path("tokens/<int:token_id>/revoke/", token_views.revoke_token, name="revoke_token"),
    path("api-token/", token_views.api_token, name="api_token"),
    # allauth's sessions page, whose "log out everywhere" also ends the API tokens.
    path("sessions/", views.sessions, name="usersessions_list"),
    # The old account page and reset address, for bookmarks: the address page is the account's.
    path("", RedirectView.as_view(pattern_name="account_email", permanent=True), name="account"),
    path("password_reset/", RedirectView.as_view(pattern_name="account_reset_password", permanent=True)),
    # The user's data as a zip (gallery.web.views.downloads; the account page shows its link).
    path("export/", export_data, name="export"),
    # allauth's address page, which is the account page, with the "Delete my account" form.
    path("email/", views.account_page, name="account_email"),
    # "Delete my account" (gallery.services.erase; the account page shows its form).
    path("delete/", views.delete_account, name="delete_account"),
    path("", include("allauth.urls")),
]

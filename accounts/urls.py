"""The account pages, under /accounts/ (photoshare/urls.py); the rate-limited views come before
django.contrib.auth.urls so that theirs are the routes that answer."""

from django.urls import include, path

from accounts import token_views, views
from gallery.web.views.downloads import export_data

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login, name="login"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", token_views.revoke_token, name="revoke_token"),
    path("api-token/", token_views.api_token, name="api_token"),
    path("", views.account, name="account"),
    path("export/", export_data, name="export"),
    path("email/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    # Verified addresses only, rate limited.
    path("password_reset/", views.password_reset, name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]

from django.contrib import admin
from django.urls import include, path

from gallery.views import accounts, health, languages

urlpatterns = [
    # Before admin.site.urls: the admin's login form gets the same rate limit as the site's.
    path("admin/login/", accounts.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/signup/", accounts.signup, name="signup"),
    # Before django.contrib.auth.urls, so that its login route is the rate-limited one.
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/api-token/", accounts.api_token, name="api_token"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/email/resend/", accounts.resend_verification, name="resend_verification"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify_email"),
    # Before django.contrib.auth.urls: verified addresses only, rate limited.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before django.conf.urls.i18n: the same view, which also saves a signed-in user's choice.
    path("i18n/setlang/", languages.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/<str:language>/", languages.javascript_catalog, name="javascript-catalog"),
    path("api/", include("gallery.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("", include("gallery.urls")),
]

handler400 = "gallery.errors.bad_request"
handler403 = "gallery.errors.permission_denied"
handler404 = "gallery.errors.page_not_found"
handler500 = "gallery.errors.server_error"

from django.contrib import admin
from django.urls import include, path

from accounts import language_views, views
from gallery.web.views import health

urlpatterns = [
    # Before admin.site.urls: the admin's login is the site's, with its rate limits.
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # Before django.conf.urls.i18n: the same view, which also saves a signed-in user's choice.
    path("i18n/setlang/", language_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/<str:language>/", language_views.javascript_catalog, name="javascript-catalog"),
    path("api/", include("gallery.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("", include("gallery.web.urls")),
]

handler400 = handler403 = handler404 = "gallery.web.errors.refused_by_django"
handler429 = "gallery.web.errors.too_many_requests"  # allauth's rate limits answer through it
handler500 = "gallery.web.errors.server_error"

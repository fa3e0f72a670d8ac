from django.contrib import admin
from django.urls import include, path

from gallery import views as gallery_views
from gallery import views_token

urlpatterns = [
    # Before admin.site.urls: the admin's login form gets the same rate limit as the site's.
    path("admin/login/", gallery_views.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/signup/", gallery_views.signup, name="signup"),
    # Before django.contrib.auth.urls, so that its login route is the rate-limited one.
    path("accounts/login/", gallery_views.login, name="login"),
    path("accounts/api-token/", views_token.api_token, name="api_token"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("gallery.api_urls")),
    path("healthz", gallery_views.healthz, name="healthz"),
    path("", include("gallery.urls")),
]

handler500 = "gallery.views.server_error"

from django.contrib import admin
from django.urls import include, path

from gallery import views as gallery_views
from gallery import views_token

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", gallery_views.signup, name="signup"),
    path("accounts/api-token/", views_token.api_token, name="api_token"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("gallery.api_urls")),
    path("healthz", gallery_views.healthz, name="healthz"),
    path("", include("gallery.urls")),
]

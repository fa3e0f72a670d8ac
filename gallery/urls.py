from django.urls import path, re_path

from gallery import views

app_name = "gallery"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^photos/(?P<photo_id>[0-9a-f]{32})/$", views.photo_detail, name="photo"),
    path("upload/", views.upload, name="upload"),
]

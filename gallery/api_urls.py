from django.urls import path, re_path

from gallery import api

app_name = "api"

urlpatterns = [
    path("photos/", api.photo_collection, name="photos"),
    re_path(r"^photos/(?P<photo_id>[0-9a-f]{32})/$", api.photo_resource, name="photo"),
]

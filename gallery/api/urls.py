from django.urls import path, re_path

from gallery.api import photos, uploads

app_name = "api"

urlpatterns = [
    path("photos/", photos.photo_collection, name="photos"),
    re_path(r"^photos/(?P<photo_id>[0-9a-f]{32})/$", photos.photo_resource, name="photo"),
    re_path(r"^photos/(?P<photo_id>[0-9a-f]{32})/favorite/$", photos.favorite_resource, name="favorite"),
    path("uploads/", uploads.upload_collection, name="uploads"),
    re_path(
        r"^uploads/(?P<upload_id>[0-9a-f]{32})/complete/$", uploads.upload_complete, name="upload-complete"
    ),
]

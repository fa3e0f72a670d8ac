from django.urls import path, re_path

from gallery.api import albums, photos, tokens, uploads

app_name = "api"

ALBUM_ID = r"(?P<album_id>[0-9a-f]{32})"

urlpatterns = [
    path("photos/", photos.photo_collection, name="photos"),
    re_path(r"^photos/(?P<photo_id>[0-9a-f]{32})/$", photos.photo_resource, name="photo"),
    re_path(r"^photos/(?P<photo_id>[0-9a-f]{32})/favorite/$", photos.favorite_resource, name="favorite"),
    path("albums/", albums.album_collection, name="albums"),
    re_path(rf"^albums/{ALBUM_ID}/$", albums.album_resource, name="album"),
    re_path(rf"^albums/{ALBUM_ID}/photos/$", albums.album_photos, name="album_photos"),
    re_path(
        rf"^albums/{ALBUM_ID}/photos/(?P<photo_id>[0-9a-f]{{32}})/$", albums.album_photo, name="album_photo"
    ),
    re_path(rf"^albums/{ALBUM_ID}/share/$", albums.album_share, name="album_share"),
    path("tokens/", tokens.token_collection, name="tokens"),
    path("tokens/<int:token_id>/", tokens.token_resource, name="token"),
    path("uploads/", uploads.upload_collection, name="uploads"),
    re_path(
        r"^uploads/(?P<upload_id>[0-9a-f]{32})/complete/$", uploads.upload_complete, name="upload-complete"
    ),
]

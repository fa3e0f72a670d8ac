from django.urls import path

from gallery.api import albums, library, photos, tokens, uploads

app_name = "api"

# <id:...> is gallery.domain.ids.IdConverter, registered by gallery.apps.
urlpatterns = [
    path("photos/", photos.photo_collection, name="photos"),
    path("photos/<id:photo_id>/", photos.photo_resource, name="photo"),
    path("photos/<id:photo_id>/favorite/", photos.favorite_resource, name="favorite"),
    path("photos/<id:photo_id>/rotate/", library.rotate_resource, name="rotate"),
    path("map/", library.map_collection, name="map"),
    path("albums/", albums.album_collection, name="albums"),
    path("albums/<id:album_id>/", albums.album_resource, name="album"),
    path("albums/<id:album_id>/photos/", albums.album_photos, name="album_photos"),
    path("albums/<id:album_id>/photos/<id:photo_id>/", albums.album_photo, name="album_photo"),
    path("albums/<id:album_id>/share/", albums.album_share, name="album_share"),
    path("tokens/", tokens.token_collection, name="tokens"),
    path("tokens/<int:token_id>/", tokens.token_resource, name="token"),
    path("uploads/", uploads.upload_collection, name="uploads"),
    path("uploads/<id:upload_id>/complete/", uploads.upload_complete, name="upload-complete"),
]

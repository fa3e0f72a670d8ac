from django.urls import path, re_path

from gallery.web.views import albums, browse, photos

app_name = "gallery"

PHOTO_ID = r"(?P<photo_id>[0-9a-f]{32})"
ALBUM = r"albums/(?P<album_id>[0-9a-f]{32})"
SHARED = rf"{ALBUM}/s/(?P<token>[A-Za-z0-9_-]{{20,100}})"

urlpatterns = [
    path("", browse.home, name="home"),
    re_path(rf"^photos/{PHOTO_ID}/$", photos.photo_detail, name="photo"),
    re_path(rf"^photos/{PHOTO_ID}/edit/$", photos.edit_photo, name="edit"),
    re_path(rf"^photos/{PHOTO_ID}/delete/$", photos.delete_photo, name="delete"),
    re_path(rf"^photos/{PHOTO_ID}/favorite/$", photos.favorite, name="favorite"),
    path("favorites/", browse.favorites, name="favorites"),
    path("upload/", photos.upload, name="upload"),
    path("tags/", browse.tag_cloud, name="tags"),
    path("tags/<str:tag>/", browse.tag_page, name="tag"),
    path("users/<str:username>/", browse.user_page, name="user"),
    path("search/", browse.search, name="search"),
    re_path(rf"^photos/{PHOTO_ID}/albums/$", albums.photo_albums, name="photo_albums"),
    path("albums/", albums.my_albums, name="albums"),
    path("albums/new/", albums.create_album, name="album_create"),
    re_path(rf"^{ALBUM}/$", albums.album_detail, name="album"),
    re_path(rf"^{ALBUM}/edit/$", albums.edit_album, name="album_edit"),
    re_path(rf"^{ALBUM}/delete/$", albums.delete_album, name="album_delete"),
    re_path(rf"^{ALBUM}/add/$", albums.add_photos, name="album_add"),
    re_path(rf"^{ALBUM}/cover/$", albums.set_cover, name="album_cover"),
    re_path(rf"^{ALBUM}/share/$", albums.new_share_link, name="album_share"),
    re_path(rf"^{ALBUM}/photos/{PHOTO_ID}/remove/$", albums.remove_photo, name="album_remove"),
    re_path(rf"^{ALBUM}/photos/{PHOTO_ID}/move/$", albums.move_photo, name="album_move"),
    re_path(rf"^{SHARED}/$", albums.shared_album, name="album_shared"),
    re_path(rf"^{SHARED}/photos/{PHOTO_ID}/$", albums.shared_photo, name="album_shared_photo"),
]

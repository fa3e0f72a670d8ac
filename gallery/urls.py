from django.urls import path, re_path

from gallery.views import browse, photos

app_name = "gallery"

PHOTO_ID = r"(?P<photo_id>[0-9a-f]{32})"

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
]

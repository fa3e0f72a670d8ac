from django.urls import path, re_path

from gallery import views, views_browse, views_edit

app_name = "gallery"

PHOTO_ID = r"(?P<photo_id>[0-9a-f]{32})"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(rf"^photos/{PHOTO_ID}/$", views.photo_detail, name="photo"),
    re_path(rf"^photos/{PHOTO_ID}/edit/$", views_edit.edit_photo, name="edit"),
    re_path(rf"^photos/{PHOTO_ID}/delete/$", views_edit.delete_photo, name="delete"),
    path("upload/", views.upload, name="upload"),
    path("tags/", views_browse.tag_cloud, name="tags"),
    path("tags/<str:tag>/", views_browse.tag_page, name="tag"),
    path("users/<str:username>/", views_browse.user_page, name="user"),
    path("search/", views_browse.search, name="search"),
]

from django.urls import path, re_path

from gallery.domain.ids import PATTERN as ID
from gallery.web.views import (
    albums,
    batch,
    browse,
    comments,
    downloads,
    follows,
    library,
    notifications,
    photos,
    trash,
)

app_name = "gallery"

# <id:...> is gallery.domain.ids.IdConverter (registered by gallery.apps); a share link's
# token has its own pattern, so those routes spell the id pattern out.
SHARED = rf"albums/(?P<album_id>{ID})/s/(?P<token>[A-Za-z0-9_-]{{20,100}})"

urlpatterns = [
    path("", browse.home, name="home"),
    path("photos/batch/", batch.batch_photos, name="photos_batch"),
    path("photos/<id:photo_id>/", photos.photo_detail, name="photo"),
    path("photos/<id:photo_id>/edit/", photos.edit_photo, name="edit"),
    path("photos/<id:photo_id>/delete/", photos.delete_photo, name="delete"),
    path("photos/<id:photo_id>/favorite/", photos.favorite, name="favorite"),
    path("photos/<id:photo_id>/rotate/", photos.rotate_photo, name="rotate"),
    path("photos/<id:photo_id>/comments/", comments.write, name="comment_write"),
    path("albums/<id:album_id>/comments/", comments.album_write, name="album_comment_write"),
    path("comments/<str:comment_id>/edit/", comments.edit, name="comment_edit"),
    path("comments/<str:comment_id>/delete/", comments.delete, name="comment_delete"),
    path("reports/", comments.report, name="report"),
    path("users/<str:username>/block/", comments.block, name="block"),
    path("favorites/", browse.favorites, name="favorites"),
    path("trash/", trash.trash_list, name="trash"),
    path("trash/empty/", trash.empty, name="trash_empty"),
    path("trash/<id:photo_id>/restore/", trash.restore, name="trash_restore"),
    path("trash/<id:photo_id>/delete/", trash.delete_forever, name="trash_delete"),
    path("me/timeline/", library.timeline_page, name="timeline"),
    path("me/map/", library.map_page, name="map"),
    path("upload/", photos.upload, name="upload"),
    path("tags/", browse.tag_cloud, name="tags"),
    path("tags/<str:tag>/", browse.tag_page, name="tag"),
    path("users/<str:username>/", browse.user_page, name="user"),
    path("users/<str:username>/follow/", follows.follow, name="follow"),
    path("following/", follows.following, name="following"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.mark_read, name="notifications_read"),
    path("notifications/digest/", notifications.digest, name="notifications_digest"),
    path("search/", browse.search, name="search"),
    path("photos/<id:photo_id>/albums/", albums.photo_albums, name="photo_albums"),
    path("downloads/", downloads.download_photos, name="download"),
    path("downloads/<id:job_id>/", downloads.download_status, name="download_status"),
    path("albums/<id:album_id>/download/", downloads.download_album, name="album_download"),
    path("albums/", albums.my_albums, name="albums"),
    path("albums/new/", albums.create_album, name="album_create"),
    path("albums/<id:album_id>/", albums.album_detail, name="album"),
    path("albums/<id:album_id>/edit/", albums.edit_album, name="album_edit"),
    path("albums/<id:album_id>/delete/", albums.delete_album, name="album_delete"),
    path("albums/<id:album_id>/add/", albums.add_photos, name="album_add"),
    path("albums/<id:album_id>/cover/", albums.set_cover, name="album_cover"),
    path("albums/<id:album_id>/share/", albums.new_share_link, name="album_share"),
    path("albums/<id:album_id>/photos/<id:photo_id>/remove/", albums.remove_photo, name="album_remove"),
    path("albums/<id:album_id>/photos/<id:photo_id>/move/", albums.move_photo, name="album_move"),
    re_path(rf"^{SHARED}/$", albums.shared_album, name="album_shared"),
    re_path(rf"^{SHARED}/photos/(?P<photo_id>{ID})/$", albums.shared_photo, name="album_shared_photo"),
]

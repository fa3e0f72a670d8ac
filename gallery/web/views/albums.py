"""Albums on the site: the owner's list, create, the album page (and its share link's pages),
edit, add, remove and reorder photos, cover, a new share link, delete. Only the owner changes an
album; anyone else gets 404 for an album they may not see (gallery.domain.access decides).

Forms post and redirect, so everything works without JavaScript. A refused change (already in
the album, changed meanwhile, ...) comes back as a message on the page it was made from, in the
words the error carries (gallery.domain.errors).
"""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gallery.domain import records
from gallery.domain.limits import LIMITS
from gallery.services import album_places, albums, comments, navigation, photos
from gallery.storage.dynamodb import AlbumChanged, AlreadyInAlbum, NotInAlbum, PhotoChanged
from gallery.web.forms import AlbumEditForm, AlbumForm, over_newer_save
from gallery.web.paging import page_context, page_of
from gallery.web.views.comments import CommentForm

# What a change answers with a message and a redirect rather than an error page.
_REFUSALS = (albums.AlbumRefused, AlbumChanged, AlreadyInAlbum, NotInAlbum, PhotoChanged)
STALE_EDIT_MESSAGE = gettext_lazy(
    "This album was changed since you opened it (in another tab or window). Your edit is not "
    "saved yet: what you typed is kept below. Save to replace the newer version with it."
)


def share_url(request, album):
    """The absolute share link of an unlisted album, or None."""
    if album.visibility != records.UNLISTED or not album.share_token:
        return None
    return request.build_absolute_uri(reverse("gallery:album_shared", args=[album.id, album.share_token]))


def _refusals_as_messages(back="gallery:album"):
    """A refused change becomes an error message on the album's page named `back`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, album_id, *args, **kwargs):
            try:
                return view(request, album_id, *args, **kwargs)
            except _REFUSALS as error:
                messages.error(request, error.message)
                return redirect(back, album_id=album_id)

        return wrapper

    return decorator


@login_required
@require_GET
def my_albums(request):
    page = page_of(request, albums.albums_of, request.user)
    return render(request, "gallery/albums/list.html", {"page": page})


@login_required
def create_album(request):
    form = AlbumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        album = albums.create(request.user, **form.cleaned_data)
        made = _("The album “%(title)s” is made. Add photos to it.") % {"title": album.title}
        messages.success(request, made)
        return redirect("gallery:album", album_id=album.id)
    return render(request, "gallery/albums/form.html", {"form": form}, status=400 if form.errors else 200)


def _render_album(request, album_id, token=None):
    album_page = page_of(request, albums.page, request.user, album_id, token=token)
    album = album_page.album
    is_owner = request.user.pk == album.owner_id and token is None
    context = page_context(
        request,
        album_page,
        album=album,
        is_owner=is_owner,
        share_url=share_url(request, album),
        share_base=reverse("gallery:album_shared", args=[album.id, token]) if token else None,
        token=token,
        # The album's own page opens its photos' pages within it (gallery.services.album_places).
        from_query="" if token else navigation.from_query(navigation.token(navigation.ALBUM, album.id)),
    )
    if comments.shown(request.user, album, token):  # open, and this viewer's to see
        context |= {
            "comments": comments.page(
                request.user, album, token=token, cursor=request.GET.get("comments"), limit=LIMITS.page_size
            ),
            "comment_form": CommentForm(),
            "comment_query": "?" + urlencode({"token": token}) if token else "",
        }
    response = render(request, "gallery/albums/detail.html", context)
    if is_owner and context["share_url"]:
        add_never_cache_headers(response)  # the share link is a secret: no cache may keep it
    return response


@require_GET
def album_detail(request, album_id):
    return _render_album(request, album_id)


@require_GET
def shared_album(request, album_id, token):
    return _render_album(request, album_id, token)


@require_GET
def shared_photo(request, album_id, token, photo_id):
    album, photo, place = album_places.shared_photo(request.user, album_id, token, photo_id)
    share_base = reverse("gallery:album_shared", args=[album.id, token])
    return render(
        request,
        "gallery/albums/shared_photo.html",
        {"album": album, "photo": photo, "share_base": share_base, "place": place},
    )


@login_required
def edit_album(request, album_id):
    album = albums.changeable(request.user, album_id)
    form = AlbumEditForm.for_album(album, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        try:
            albums.edit(album, revision=changes.pop("revision"), **changes)
        except AlbumChanged:
            # Saved from a stale tab: what was typed comes back, beside what is saved now.
            current = albums.changeable(request.user, album_id)
            form = over_newer_save(AlbumEditForm.for_album, current, request.POST)
            context = {"form": form, "album": current, "stale_message": STALE_EDIT_MESSAGE}
            return render(request, "gallery/albums/form.html", context, status=409)
        messages.success(request, _("Your changes are saved."))
        return redirect("gallery:album", album_id=album.id)
    status = 400 if form.errors else 200
    return render(request, "gallery/albums/form.html", {"form": form, "album": album}, status=status)


@login_required
def delete_album(request, album_id):
    album = albums.changeable(request.user, album_id)
    if request.method != "POST":
        return render(request, "gallery/albums/delete.html", {"album": album})
    albums.delete(album)
    messages.success(
        request, _("The album “%(title)s” is deleted; its photos are kept.") % {"title": album.title}
    )
    return redirect("gallery:albums")


@login_required
@_refusals_as_messages(back="gallery:album_add")
def add_photos(request, album_id):
    """GET: the owner's photos, a page at a time, each with an "Add" button (or "In this album");
    POST adds one."""
    album = albums.changeable(request.user, album_id)
    if request.method == "POST":
        photo = albums.add_photo(request.user, album, request.POST.get("photo_id", ""))
        messages.success(request, _("“%(title)s” is added to the album.") % {"title": photo.title})
        return redirect(request.get_full_path())
    page, in_album = page_of(request, albums.photos_to_add, request.user, album)
    context = page_context(request, page, album=album, in_album=in_album)
    return render(request, "gallery/albums/add_photos.html", context)


@login_required
def photo_albums(request, photo_id):
    """From a photo's page: the owner's albums, each with an "Add" button."""
    photo = photos.changeable(request.user, photo_id)
    if request.method == "POST":
        try:
            album = albums.changeable(request.user, request.POST.get("album_id", ""))
            albums.add_photo(request.user, album, photo.id)
        except _REFUSALS as error:
            messages.error(request, error.message)
            return redirect(request.get_full_path())
        messages.success(
            request,
            _("“%(title)s” is added to “%(album)s”.") % {"title": photo.title, "album": album.title},
        )
        return redirect("gallery:album", album_id=album.id)
    page = page_of(request, albums.albums_of, request.user)
    return render(request, "gallery/albums/add_to_album.html", {"photo": photo, "page": page})


@login_required
@require_POST
@_refusals_as_messages()
def remove_photo(request, album_id, photo_id):
    album = albums.changeable(request.user, album_id)
    albums.remove_photo(album, photo_id)
    messages.success(request, _("The photo is out of the album (it is still on your page)."))
    return redirect("gallery:album", album_id=album.id)


@login_required
@require_POST
@_refusals_as_messages()
def move_photo(request, album_id, photo_id):
    album = albums.changeable(request.user, album_id)
    albums.move(album, photo_id, up=request.POST.get("direction") == "up")
    return redirect("gallery:album", album_id=album.id)


@login_required
@require_POST
@_refusals_as_messages()
def set_cover(request, album_id):
    album = albums.changeable(request.user, album_id)
    albums.set_cover(album, request.POST.get("photo_id", ""))
    messages.success(request, _("The album has a new cover."))
    return redirect("gallery:album", album_id=album.id)


@login_required
@require_POST
@_refusals_as_messages()
def new_share_link(request, album_id):
    album = albums.new_share_link(albums.changeable(request.user, album_id))
    messages.success(request, _("A new share link is made; the old one no longer works."))
    return redirect("gallery:album", album_id=album.id)

"""Photos and albums in the Django admin, although they are DynamoDB items and not ORM rows.

PhotoRecord is an unmanaged model with no table: registering it gives the admin index its
"Photos" entry and Django's view/change/delete permissions. PhotoAdmin replaces the model
admin's URLs with views that read through gallery.storage.dynamodb and edit and delete through
gallery.services.photos, the owner's own use cases. AlbumAdmin lists every album (one Query a page) and
deletes through gallery.services.albums (the photos stay). Users (gallery.admin.users) get a
photo count column and their profile picture, which staff may remove.
"""

import contextlib

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gallery.admin import users  # noqa: F401 - registers the users' admin
from gallery.domain import lists
from gallery.domain.comments import NoSuchComment
from gallery.domain.tags import parse_tags
from gallery.models import AlbumRecord, Block, PhotoRecord, Report, Suspension
from gallery.services import albums, comments, photos, suspensions
from gallery.storage.dynamodb import (
    AlbumChanged,
    AlbumNotFound,
    InvalidCursor,
    PhotoChanged,
    PhotoNotFound,
    album_repository,
    photo_repository,
)
from gallery.web.comment_text import comment_html
from gallery.web.forms import PhotoEditForm
from gallery.web.paging import page_of

PAGE_SIZE = 50
ADMIN_WIDGET_CLASSES = {"title": "vTextField", "tags": "vTextField", "description": "vLargeTextField"}


@admin.register(PhotoRecord)
class PhotoAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False  # photos are uploaded on the site or through the API

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="gallery_photorecord_changelist"),
            path("<id:photo_id>/change/", view(self.change_view), name="gallery_photorecord_change"),
            path("<id:photo_id>/delete/", view(self.delete_view), name="gallery_photorecord_delete"),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def changelist_view(self, request, extra_context=None):
        """Newest first; filter by owner (username) or tag. One Query per page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":  # the bulk action
            return self._confirm_delete(request, request.POST.getlist("selected"))
        owner, tag = request.GET.get("owner", "").strip(), request.GET.get("tag", "").strip()
        list_name, note = lists.ALL, ""
        if owner:
            person = get_user_model().objects.filter(username=owner).first()
            if person is None:
                raise Http404(_("No such user."))
            list_name = lists.owner_list(person.pk)
        elif tag:
            list_name = lists.tag_list((parse_tags(tag) or [""])[0])
            note = _("Tag lists hold public photos only; private photos are listed by owner.")
        try:
            page = page_of(request, photo_repository().list_page, list_name, limit=PAGE_SIZE)
        except InvalidCursor:
            return redirect(request.path)
        context = self._context(
            request,
            title=_("Photos"),
            page=page,
            owner=owner,
            tag=tag,
            note=note,
            can_delete=self.has_delete_permission(request),
        )
        return render(request, "admin/gallery/photo_list.html", context)

    def change_view(self, request, photo_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = photo_repository().get_photo(photo_id)  # a missing one: gallery.web.errors answers 404
        form = PhotoEditForm.for_photo(photo, request.POST or None)
        for name, css_class in ADMIN_WIDGET_CLASSES.items():  # the admin stylesheet's field widths
            form.fields[name].widget.attrs["class"] = css_class
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if form.is_valid():
                try:
                    photos.edit(photo, revision=form.cleaned_data["revision"], **form.changes())
                except PhotoChanged:
                    messages.error(request, _("The photo was changed meanwhile; please try again."))
                    return redirect(request.path)
                title = form.cleaned_data["title"]
                messages.success(request, _("“%(title)s” was changed.") % {"title": title})
                return redirect("admin:gallery_photorecord_changelist")
        context = self._context(
            request,
            title=_("Change photo “%(title)s”") % {"title": photo.title},
            photo=photo,
            favorite_count=photo_repository().favorite_state(photo.id).count,
            form=form,
            can_change=self.has_change_permission(request),
            can_delete=self.has_delete_permission(request),
        )
        return render(request, "admin/gallery/photo_change.html", context)

    def delete_view(self, request, photo_id, extra_context=None):
        return self._confirm_delete(request, [photo_id])

    def _confirm_delete(self, request, photo_ids):
        """Asks first; on "confirm", deletes each photo as its owner would (items, then objects)."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        chosen = []
        for photo_id in photo_ids:
            try:
                chosen.append(photo_repository().get_photo(photo_id))
            except PhotoNotFound:
                continue  # deleted meanwhile
        if not chosen:
            messages.warning(request, _("No photos were selected."))
            return redirect("admin:gallery_photorecord_changelist")
        if request.POST.get("confirm") == "yes":
            deleted = 0
            for photo in chosen:
                try:
                    photos.delete(photo.id)
                    deleted += 1
                except (PhotoNotFound, PhotoChanged):
                    messages.warning(
                        request, _("“%(title)s” changed meanwhile and was kept.") % {"title": photo.title}
                    )
            messages.success(
                request,
                ngettext("Deleted %(count)d photo.", "Deleted %(count)d photos.", deleted)
                % {"count": deleted},
            )
            return redirect("admin:gallery_photorecord_changelist")
        context = self._context(request, title=_("Delete photos?"), photos=chosen)
        return render(request, "admin/gallery/photo_delete.html", context)


@admin.register(AlbumRecord)
class AlbumAdmin(admin.ModelAdmin):
    """Every album, newest first, private ones included (staff moderate); delete only: the
    owner edits an album on the site."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="gallery_albumrecord_changelist"),
            path("<id:album_id>/delete/", view(self.delete_view), name="gallery_albumrecord_delete"),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            page = page_of(request, album_repository().albums_page, lists.ALL_ALBUMS, limit=PAGE_SIZE)
        except InvalidCursor:
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Albums"),
            "page": page,
            "can_delete": self.has_delete_permission(request),
        }
        return render(request, "admin/gallery/album_list.html", context)

    def delete_view(self, request, album_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        album = album_repository().get_album(album_id)  # a missing one: gallery.web.errors answers 404
        if request.method == "POST":
            try:
                albums.delete(album)
            except (AlbumChanged, AlbumNotFound):
                messages.warning(
                    request, _("“%(title)s” changed meanwhile; look again.") % {"title": album.title}
                )
            else:
                messages.success(
                    request, _("Deleted the album “%(title)s”; its photos are kept.") % {"title": album.title}
                )
            return redirect("admin:gallery_albumrecord_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Delete album?"),
            "album": album,
        }
        return render(request, "admin/gallery/album_delete.html", context)


# --- moderation: the review queue of reports, blocks, suspensions ------------------------------
@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports, newest first; open ones on top of the filter. Actions: hide the content (a comment
    is hidden, a photo turned private), delete it, suspend its author, or dismiss the report."""

    list_display = ("created", "state", "kind", "reporter", "author", "short_reason")
    list_filter = ("state",)
    readonly_fields = ("reporter", "author", "photo_id", "comment_id", "reason", "created", "content")
    fields = ("state", *readonly_fields)
    actions = ("hide_content", "delete_content", "suspend_author", "dismiss")

    def has_add_permission(self, request):
        return False

    @admin.display(description=gettext_lazy("kind"))
    def kind(self, report):
        return _("comment") if report.comment_id else _("photo")

    @admin.display(description=gettext_lazy("reason"))
    def short_reason(self, report):
        return report.reason[:80]  # escaped by the admin, like every value

    @admin.display(description=gettext_lazy("content"))
    def content(self, report):
        """The reported comment as the pages show it (escaped, gallery.web.comment_text), or a
        link to the photo."""
        if report.comment_id:
            try:
                return comment_html(comments.by_id(report.comment_id))
            except NoSuchComment:
                return _("(deleted)")
        return format_html(
            '<a href="{}">{}</a>', reverse("gallery:photo", args=[report.photo_id]), report.photo_id
        )

    @admin.action(description=gettext_lazy("Hide the reported content"))
    def hide_content(self, request, queryset):
        self._act(request, queryset, Report.HIDDEN, _hide)

    @admin.action(description=gettext_lazy("Delete the reported content"))
    def delete_content(self, request, queryset):
        self._act(request, queryset, Report.DELETED, _delete)

    @admin.action(description=gettext_lazy("Suspend the author"))
    def suspend_author(self, request, queryset):
        self._act(
            request,
            queryset,
            Report.SUSPENDED,
            lambda report: report.author and suspensions.suspend(report.author),
        )

    @admin.action(description=gettext_lazy("Dismiss"))
    def dismiss(self, request, queryset):
        self._act(request, queryset, Report.DISMISSED, lambda report: None)

    def _act(self, request, queryset, state, act):
        for report in queryset:
            # Gone already: the report is settled all the same.
            with contextlib.suppress(NoSuchComment, PhotoNotFound):
                act(report)
            report.state = state
            report.save(update_fields=["state"])
        messages.success(request, _("%(count)d reports done.") % {"count": len(queryset)})


def _hide(report):
    if report.comment_id:
        comments.hide(comments.by_id(report.comment_id))
    else:
        photo = photo_repository().get_photo(report.photo_id)
        photos.edit(photo, visibility="private")


def _suspend(report):
    if report.author is not None:
        suspensions.suspend(report.author, reason=report.reason)


def _delete(report):
    if report.comment_id:
        comments.delete_any(comments.by_id(report.comment_id))
    else:
        photos.delete(report.photo_id)


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "reason")

    def delete_model(self, request, obj):
        suspensions.unsuspend(obj.user)

    def delete_queryset(self, request, queryset):
        for suspension in queryset:
            suspensions.unsuspend(suspension.user)


admin.site.register(Block, list_display=("owner", "blocked", "created"))

"""Users in the admin: their allauth addresses, a photo count column (one BatchGetItem a page),
and their profile picture on the change page, which staff may remove (an abusive one) with the
same use case as DELETE /api/users/me/avatar/ (gallery.services.avatars.remove), from the page's
button or the list's action; each removal is in the user's admin history (LogEntry), as the
admin's other changes."""

from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from gallery.imaging.avatar import SIZES
from gallery.services import avatars
from gallery.storage.dynamodb import MetadataUnavailable, photo_repository

User = get_user_model()
admin.site.unregister(User)


class EmailAddressInline(admin.TabularInline):
    """allauth's addresses of the user (allauth's own admin lists them all too)."""

    model = EmailAddress
    extra = 0


@admin.register(User)
class UserWithPhotosAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "photos")
    inlines = (EmailAddressInline,)
    readonly_fields = ("profile_picture",)
    fieldsets = (*UserAdmin.fieldsets, (gettext_lazy("Profile picture"), {"fields": ("profile_picture",)}))
    actions = ("remove_profile_pictures",)

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.remove_avatar_view))
        remove = path("<int:user_id>/avatar/remove/", view, name="auth_user_remove_avatar")
        return [remove, *super().get_urls()]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # One BatchGetItem for the whole page instead of a request per row.
        try:
            counts = photo_repository().photo_counts([user.pk for user in changelist.result_list])
        except MetadataUnavailable:
            counts = {}  # the user list still works while DynamoDB is away; counts show "?"
        for user in changelist.result_list:
            user.photo_count = counts.get(user.pk)
        return changelist

    @admin.display(description=gettext_lazy("photos"))
    def photos(self, user):
        count = getattr(user, "photo_count", None)
        if count is None:
            return "?"
        url = (
            reverse("admin:gallery_photorecord_changelist") + "?" + urlencode({"owner": user.get_username()})
        )
        label = ngettext("%(count)d photo", "%(count)d photos", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=gettext_lazy("Profile picture"))
    def profile_picture(self, user):
        """The picture as the person's page shows it, and the button that removes it: a button of
        the change form itself (formaction), so the form's CSRF token goes with it."""
        url = avatars.url(user.pk, avatars.version_of(user), SIZES[0]) if user.pk else None
        if url is None:
            return _("None: the default picture is shown.")
        remove = reverse("admin:auth_user_remove_avatar", args=[user.pk])
        return format_html(
            '<img class="avatar" src="{}" width="128" height="128" alt="{}"><br>'
            '<button type="submit" class="button" formaction="{}" formnovalidate>{}</button>',
            url,
            _("Profile picture of %(name)s") % {"name": user.get_username()},
            remove,
            _("Remove this picture"),
        )

    def remove_avatar_view(self, request, user_id):
        person = get_object_or_404(User, pk=user_id)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        if self._remove_avatar(request, person):
            messages.success(
                request, _("The profile picture of %(name)s is removed.") % {"name": person.get_username()}
            )
        else:
            messages.info(request, _("%(name)s has no profile picture.") % {"name": person.get_username()})
        return redirect("admin:auth_user_change", person.pk)

    @admin.action(description=gettext_lazy("Remove their profile pictures"), permissions=["change"])
    def remove_profile_pictures(self, request, queryset):
        removed = sum(self._remove_avatar(request, person) for person in queryset)
        messages.success(request, _("Profile pictures removed: %(count)d.") % {"count": removed})

    def _remove_avatar(self, request, person):
        """The owner's own use case; the admin's history records who removed it."""
        if not avatars.remove(person):
            return False
        self.log_change(request, person, [{"changed": {"fields": ["Profile picture"]}}])
        return True

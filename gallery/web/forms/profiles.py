"""A person's profile as the account page and `PATCH /api/users/me/` take it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.limits import LIMITS
from gallery.imaging.avatar import make_avatar
from gallery.web.forms.photos import PhotoFileField


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), required=False, max_length=LIMITS.display_name_length
    )
    bio = forms.CharField(
        label=_("Bio"), required=False, max_length=LIMITS.bio_length, widget=forms.Textarea(attrs={"rows": 3})
    )


class AvatarField(PhotoFileField):
    """A picture checked as any photo upload is (the site's one ImagePolicy and decoder, the same
    error codes), made into an Avatar (gallery.imaging.avatar)."""

    def made(self, upload, policy):
        return make_avatar(upload, policy)


class AvatarForm(forms.Form):
    """The profile picture: a new one, or back to the default (the account page, the API)."""

    avatar = AvatarField(
        label=_("Profile picture"),
        required=False,
        help_text=_("Cut to a square; its location and camera data are not kept."),
    )
    remove_avatar = forms.BooleanField(label=_("Use the default picture"), required=False)

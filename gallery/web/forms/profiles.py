"""A person's profile as the account page and `PATCH /api/users/me/` take it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.limits import LIMITS
from gallery.imaging.avatar import make_avatar
from gallery.imaging.policy import InvalidImage
from gallery.imaging.process import ACCEPT_ATTRIBUTE, site_policy
from gallery.web.forms.photos import image_error_message


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), required=False, max_length=LIMITS.display_name_length
    )
    bio = forms.CharField(
        label=_("Bio"), required=False, max_length=LIMITS.bio_length, widget=forms.Textarea(attrs={"rows": 3})
    )


class AvatarField(forms.FileField):
    """A picture checked and made as any photo upload is (the site's one ImagePolicy and decoder,
    gallery.imaging.avatar); cleans to an Avatar. Errors carry the image module's codes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        policy = site_policy(LIMITS)
        if upload.size > policy.max_bytes:
            raise forms.ValidationError(LIMITS.file_too_large_message(upload.size), code="too_large")
        try:
            return make_avatar(upload, policy)
        except InvalidImage as error:
            raise forms.ValidationError(image_error_message(error), code=error.code) from None


class AvatarForm(forms.Form):
    """The profile picture: a new one, or back to the default (the account page, the API)."""

    avatar = AvatarField(
        label=_("Profile picture"),
        required=False,
        help_text=_("Cut to a square; its location and camera data are not kept."),
    )
    remove_avatar = forms.BooleanField(label=_("Use the default picture"), required=False)

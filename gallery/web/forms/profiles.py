"""A person's profile as the account page and `PATCH /api/users/me/` take it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.limits import LIMITS


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), required=False, max_length=LIMITS.display_name_length
    )
    bio = forms.CharField(
        label=_("Bio"), required=False, max_length=LIMITS.bio_length, widget=forms.Textarea(attrs={"rows": 3})
    )

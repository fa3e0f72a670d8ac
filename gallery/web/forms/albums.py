"""An album's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.catalog import ALBUM_VISIBILITY_CHOICES, PRIVATE
from gallery.domain.limits import LIMITS


class AlbumForm(forms.Form):
    """An album's details, for creating and editing it (site and API). Django's CharField
    strips the text; visibility defaults to "only me" (a new album is nobody else's yet)."""

    title = forms.CharField(label=_("Title"), max_length=LIMITS.title_length)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LIMITS.description_length,
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=ALBUM_VISIBILITY_CHOICES,
        required=False,
        initial=PRIVATE,
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_album(cls, album, data=None):
        initial = {"title": album.title, "description": album.description, "visibility": album.visibility}
        return cls(data, initial=initial)

    def clean_visibility(self):
        return self.cleaned_data["visibility"] or PRIVATE

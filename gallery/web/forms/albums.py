"""An album's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.records import ALBUM_VISIBILITY_CHOICES, PRIVATE
from gallery.web.forms.fields import description_field, title_field, visibility_field
from gallery.web.forms.photos import RevisionedForm


class AlbumForm(forms.Form):
    """An album's details, for creating and editing it (site and API). Django's CharField
    strips the text; visibility defaults to "only me" (a new album is nobody else's yet)."""

    title = title_field()
    description = description_field(rows=3)
    visibility = visibility_field(ALBUM_VISIBILITY_CHOICES, PRIVATE)
    comments_open = forms.BooleanField(
        required=False,
        label=_("Let people comment"),
        help_text=_(
            "Signed-in people who can see the album (with its share link, if unlisted) can read and "
            "write comments on it. Turned off, the comments are hidden, not deleted."
        ),
    )

    @classmethod
    def for_album(cls, album, data=None):
        initial = {
            "title": album.title,
            "description": album.description,
            "visibility": album.visibility,
            "comments_open": album.comments_open,
            "revision": album.revision,
        }
        return cls(data, initial=initial)

    def clean_visibility(self):
        return self.cleaned_data["visibility"] or PRIVATE


class AlbumEditForm(AlbumForm, RevisionedForm):
    """The site's album edit form (gallery.services.albums.edit checks its revision)."""

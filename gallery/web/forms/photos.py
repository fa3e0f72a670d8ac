"""A photo's forms: its file (PhotoFileField), its details (upload and edit). They validate and
hand over cleaned data; gallery.services.photos does the work."""

from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gallery.domain import taken as taken_time
from gallery.domain.limits import LIMITS
from gallery.domain.records import PUBLIC, VISIBILITY_CHOICES
from gallery.domain.tags import parse_tags
from gallery.imaging.policy import message_of
from gallery.imaging.process import (
    ACCEPT_ATTRIBUTE,
    InvalidImage,
    ProcessedImage,
    process_image,
    site_policy,
    supported_formats_text,
)
from gallery.web.forms.fields import description_field, title_field, visibility_field


@dataclass(frozen=True)
class ValidatedPhoto:
    """An upload that passed every check: the file as sent and what gallery.imaging.process made of it."""

    file: UploadedFile
    processed: ProcessedImage


def image_error_message(error):
    """An InvalidImage's message (its words are gallery.imaging.policy's) in the reader's language."""
    return gettext(error.message_id) % error.params


def failure_reason_message(reason):
    """A failed photo's reason, stored in English (gallery.services.photos), in the reader's
    language: an image refusal read back into its message and values, else a message of its own."""
    if not reason:
        return ""
    if found := message_of(reason):
        message_id, params = found
        return gettext(message_id) % params
    return gettext(reason)


class PhotoFileField(forms.FileField):
    """A file that is a supported, intact image within the limits; cleans to a ValidatedPhoto.

    Never trusts the file name or the browser's content type: gallery.imaging.process decides. Errors
    carry the image module's codes ("too_large", "too_many_pixels", ...), which the API maps.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        policy = site_policy(LIMITS)  # the worker's own (gallery.services.photos.process_upload)
        if upload.size > policy.max_bytes:
            raise forms.ValidationError(LIMITS.file_too_large_message(upload.size), code="too_large")
        try:
            return self.made(upload, policy)
        except InvalidImage as error:
            raise forms.ValidationError(image_error_message(error), code=error.code) from None

    def made(self, upload, policy):
        """What the field cleans to, from the checked upload (a subclass makes something else of it)."""
        processed = process_image(
            upload, policy, thumbnail_size=LIMITS.thumbnail_size, display_size=LIMITS.display_size
        )
        return ValidatedPhoto(file=upload, processed=processed)


class PhotoDetailsForm(forms.Form):
    """What the owner says about a photo: used for uploads and for edits."""

    title = title_field()
    description = description_field(rows=4)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas or spaces, e.g. “beach, sunset”."),
        max_length=LIMITS.tags_text_length,
    )
    visibility = visibility_field(
        VISIBILITY_CHOICES,
        PUBLIC,
        help_text=_("“Only me” keeps the photo out of every list, search and tag count."),
    )
    share_original = forms.BooleanField(
        required=False,
        label=_("Share the original file"),
        help_text=_(
            "Others then download the file as you uploaded it, with its location (GPS) and "
            "camera data. Unticked, they get a full-size copy without them."
        ),
    )

    @classmethod
    def for_photo(cls, photo, data=None, *, partial=False):
        """The form for editing `photo`, filled with its current details. `partial` (the API's
        PATCH, which sends only what changes) keeps the current value of every field left out;
        a visibility left out always keeps its value (nothing widens it by default)."""
        initial = {
            "title": photo.title,
            "description": photo.description,
            "tags": ", ".join(photo.tags),
            "visibility": photo.visibility,
            "share_original": photo.share_original,
            "taken": photo.taken,
            "revision": photo.revision,
        }
        if data is not None:
            kept = initial if partial else {"visibility": photo.visibility}
            data = _with_defaults(data, kept)
        return cls(data, initial=initial)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def clean_tags(self):
        tags = parse_tags(self.cleaned_data["tags"])
        if error := LIMITS.tags_error(tags):
            raise forms.ValidationError(error)
        return tags

    def clean_visibility(self):
        # Empty: the current value when editing, "public" (the field's initial) for a new photo.
        return self.cleaned_data["visibility"] or self.initial.get("visibility") or PUBLIC

    def changes(self):
        """The cleaned details, without the form's own bookkeeping (the revision)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class RevisionedForm(forms.Form):
    """An edit form that carries the revision its record had when the form was loaded, so that
    a save from a stale tab is refused instead of undoing a newer save; when it is, the form
    comes back with what was typed (over_newer_save) and the saved values beside it."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def saved_values(self):
        """[(label, value as saved)] of each field whose saved value (the form's initial: the
        record as it is now) differs from the typed one. Both are cleaned by the same fields,
        so "sea,dawn" equals "sea, dawn"."""
        saved = type(self)(self.initial)
        saved.is_valid()
        return [
            (field.label, _shown(field, saved.cleaned_data.get(name)))
            for name, field in self.fields.items()
            if not field.widget.is_hidden and saved.cleaned_data.get(name) != self.cleaned_data.get(name)
        ]


def over_newer_save(form_for, record, data):
    """After a save from a stale tab was refused: the edit form of `record` as it is now, bound
    to what the person typed (`data`) with the current revision, so saving it again replaces
    the newer save knowingly. `form_for(record, data)` makes the form (for_photo, for_album)."""
    data = data.copy()
    data["revision"] = record.revision
    form = form_for(record, data)
    form.is_valid()  # it was, against the older revision
    return form


class PhotoChangeForm(PhotoDetailsForm):
    """The details of a photo that exists: those of an upload and when it was taken (an upload's
    comes from its file: gallery.imaging.exif, or the upload time)."""

    taken = forms.CharField(
        label=_("Taken"),
        required=False,
        max_length=40,
        help_text=_(
            "Date and time as YYYY-MM-DD HH:MM, optionally with the offset from UTC: "
            "“2024-07-01 18:30” or “2024-07-01 18:30+09:00”."
        ),
    )

    def clean_taken(self):
        text = self.cleaned_data["taken"].strip()
        if not text:  # left empty: as it is
            return self.initial.get("taken", "")
        try:
            return taken_time.normalized(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a date and time such as “2024-07-01 18:30” or “2024-07-01T18:30:00+09:00”."),
                code="invalid_taken",
            ) from None


class PhotoEditForm(PhotoChangeForm, RevisionedForm):
    """The site's edit form (gallery.services.photos.edit checks its revision)."""


def _shown(field, value):
    """A cleaned value as the form's page names it."""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ChoiceField):
        return dict(field.choices).get(value, value)
    if isinstance(value, list):
        return ", ".join(value)
    return value


def _with_defaults(data, defaults):
    """`data` (a QueryDict or a dict) with `defaults` for the names it lacks."""
    merged = data.copy()
    for name, value in defaults.items():
        if name not in merged:
            merged[name] = value
    return merged


def _upload_help():
    return _("%(formats)s, up to %(size)s.") % {
        "formats": supported_formats_text(),
        "size": LIMITS.upload_size_text,
    }


class UploadForm(PhotoDetailsForm):
    field_order = ["image", "title", "description", "tags", "visibility", "share_original"]

    image = PhotoFileField(label=_("Image"), help_text=lazy(_upload_help, str)())

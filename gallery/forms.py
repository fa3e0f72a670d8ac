import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.template.defaultfilters import filesizeformat

from gallery.catalog import PUBLIC, VISIBILITY_CHOICES
from gallery.images import ACCEPT_ATTRIBUTE, InvalidImage, process_image, supported_formats_text
from gallery.photos import publish_photo

_TAG_SEPARATORS = re.compile(r"[,\s]+")
# Letters and digits of any script, "_" and "-": a tag is safe in a URL path, a DynamoDB key
# and a page without any escaping (no "/", "..", "<", "#", "?", "%").
_TAG = re.compile(r"[\w-]+")


def parse_tags(text):
    """Split on commas and white space; trim, drop a hashtag's "#", lower-case and de-duplicate,
    keeping first-seen order."""
    tags = []
    for raw in _TAG_SEPARATORS.split(text or ""):
        tag = raw.strip().lstrip("#").lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def invalid_tags(tags):
    """The tags that hold characters other than letters, digits, "_" and "-"."""
    return [tag for tag in tags if not _TAG.fullmatch(tag)]


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class PhotoDetailsForm(forms.Form):
    """What the owner says about a photo: used for uploads and for edits."""

    title = forms.CharField(max_length=settings.PHOTOSHARE_MAX_TITLE_LENGTH)
    description = forms.CharField(
        required=False,
        max_length=settings.PHOTOSHARE_MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(
        required=False,
        help_text="Separated by commas or spaces, e.g. “beach, sunset”.",
        max_length=settings.PHOTOSHARE_MAX_TAGS * (settings.PHOTOSHARE_MAX_TAG_LENGTH + 2),
    )
    visibility = forms.ChoiceField(
        choices=VISIBILITY_CHOICES,
        required=False,
        initial=PUBLIC,
        widget=forms.RadioSelect,
        help_text="“Only me” keeps the photo out of every list, search and tag count.",
    )

    @classmethod
    def for_photo(cls, photo, data=None):
        """The form for editing `photo`, filled with its current details."""
        initial = {
            "title": photo.title,
            "description": photo.description,
            "tags": ", ".join(photo.tags),
            "visibility": photo.visibility,
        }
        return cls(data, initial=initial)

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def clean_tags(self):
        tags = parse_tags(self.cleaned_data["tags"])
        if len(tags) > settings.PHOTOSHARE_MAX_TAGS:
            raise forms.ValidationError(f"At most {settings.PHOTOSHARE_MAX_TAGS} tags, please.")
        if invalid := invalid_tags(tags):
            raise forms.ValidationError(
                f"Tags can hold only letters, digits, “-” and “_”; not “{invalid[0]}”."
            )
        too_long = [tag for tag in tags if len(tag) > settings.PHOTOSHARE_MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Tags can be at most {settings.PHOTOSHARE_MAX_TAG_LENGTH} characters long."
            )
        return tags

    def clean_visibility(self):
        return self.cleaned_data["visibility"] or PUBLIC


class UploadForm(PhotoDetailsForm):
    field_order = ["image", "title", "description", "tags", "visibility"]

    image = forms.FileField(
        help_text=(
            f"{supported_formats_text()}, up to {filesizeformat(settings.PHOTOSHARE_MAX_UPLOAD_BYTES)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        limit = settings.PHOTOSHARE_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
            )
        try:
            # Never trust the file name or the browser's content type: Pillow decides.
            self.processed = process_image(
                upload,
                thumbnail_size=settings.PHOTOSHARE_THUMBNAIL_SIZE,
                display_size=settings.PHOTOSHARE_DISPLAY_SIZE,
                max_pixels=settings.PHOTOSHARE_MAX_IMAGE_PIXELS,
            )
        except InvalidImage as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def publish(self, owner):
        """Store the validated upload for `owner` (gallery.photos.publish_photo); returns the Photo."""
        return publish_photo(
            owner=owner,
            title=self.cleaned_data["title"],
            description=self.cleaned_data["description"],
            tags=self.cleaned_data["tags"],
            upload=self.cleaned_data["image"],
            processed=self.processed,
            visibility=self.cleaned_data["visibility"],
        )

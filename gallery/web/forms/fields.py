"""The fields photos and albums share: a title, a description and a visibility, within LIMITS."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.limits import LIMITS


def title_field():
    return forms.CharField(label=_("Title"), max_length=LIMITS.title_length)


def description_field(rows):
    return forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LIMITS.description_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def visibility_field(choices, initial, **kwargs):
    """Radio buttons of `choices`; empty is allowed (the form's clean_visibility picks the default)."""
    return forms.ChoiceField(
        label=_("Visibility"),
        choices=choices,
        required=False,
        initial=initial,
        widget=forms.RadioSelect,
        **kwargs,
    )

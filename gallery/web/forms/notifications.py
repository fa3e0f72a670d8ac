"""The notifications' email digest, chosen on the profile page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gallery.domain.notifications import DIGEST_CHOICES


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Email digest of your notifications"), choices=DIGEST_CHOICES, widget=forms.RadioSelect
    )

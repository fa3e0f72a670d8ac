"""gallery.templatetags.gallery_tags: the link filters give exactly what `{% url %}` gives."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from gallery.templatetags.gallery_tags import photo_url, tag_url, user_url

VALUES = ["sunset", "été", "new york", "a+b", "50%", "what?", "#hash", "x&y", "o'neil", "<b>", "ü~:@!$"]


@pytest.mark.parametrize("value", VALUES)
def test_tag_and_user_links_are_what_reverse_gives(value):
    assert tag_url(value) == reverse("gallery:tag", args=[value])
    assert user_url(value) == reverse("gallery:user", args=[value])


def test_photo_link_is_what_reverse_gives():
    photo_id = "0123456789abcdef0123456789abcdef"
    assert photo_url(photo_id) == reverse("gallery:photo", args=[photo_id]) == f"/photos/{photo_id}/"


def test_values_the_patterns_refuse_fail_as_reverse_does():
    for call, value in ((photo_url, "not-a-photo-id"), (tag_url, "a/b"), (user_url, "")):
        with pytest.raises(NoReverseMatch):
            call(value)


def test_links_follow_the_script_prefix():
    """A site served under a path (SCRIPT_NAME) gets it in every link, per request."""
    set_script_prefix("/gallery-app/")
    try:
        assert tag_url("sunset") == "/gallery-app/tags/sunset/" == reverse("gallery:tag", args=["sunset"])
    finally:
        clear_script_prefix()
    assert tag_url("sunset") == "/tags/sunset/"

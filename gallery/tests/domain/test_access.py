"""Who may see and change a photo, as plain rules (no HTTP, no storage)."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from gallery.domain import access
from gallery.domain.records import FAILED, PRIVATE, PROCESSING, PUBLIC, READY, Page
from gallery.tests.factories import make_album, make_photo


@dataclass
class Viewer:
    pk: int | None
    is_staff: bool = False

    @property
    def is_authenticated(self):
        return self.pk is not None


@dataclass
class Item:
    visibility: str
    owner_id: int = 1
    id: str = "p1"
    status: str = READY


OWNER, OTHER, STAFF, ANONYMOUS = Viewer(1), Viewer(2), Viewer(3, is_staff=True), Viewer(None)


@pytest.mark.parametrize(
    ("viewer", "visibility", "sees", "changes"),
    [
        (OWNER, PUBLIC, True, True),
        (OWNER, PRIVATE, True, True),
        (OTHER, PUBLIC, True, False),
        (OTHER, PRIVATE, False, False),
        (ANONYMOUS, PUBLIC, True, False),
        (ANONYMOUS, PRIVATE, False, False),
        (STAFF, PUBLIC, True, True),
        (STAFF, PRIVATE, False, True),  # staff see private photos in the admin, not on the site
    ],
)
def test_who_sees_and_who_changes(viewer, visibility, sees, changes):
    photo = Item(visibility)
    assert access.can_view(viewer, photo) is sees
    assert access.can_change(viewer, photo) is changes


def test_a_hidden_photo_is_hidden_even_from_the_change_check():
    with pytest.raises(access.PhotoHidden):
        access.require_change(OTHER, Item(PRIVATE))
    with pytest.raises(access.PhotoHidden):
        access.require_view(ANONYMOUS, Item(PRIVATE))


def test_someone_elses_public_photo_can_be_seen_but_not_changed():
    photo = Item(PUBLIC)
    assert access.require_view(OTHER, photo) is photo
    with pytest.raises(access.ChangeNotAllowed):
        access.require_change(OTHER, photo)
    assert access.require_change(OWNER, photo) is photo


# --- albums -------------------------------------------------------------------------------------
def _album(visibility, token=""):
    return make_album(1, owner_id=1, visibility=visibility, share_token=token)


@pytest.mark.parametrize(
    ("visibility", "owner", "other", "anonymous"),
    [("public", True, True, True), ("unlisted", True, False, False), ("private", True, False, False)],
)
def test_who_sees_an_album_at_its_own_url(visibility, owner, other, anonymous):
    album = _album(visibility, token="t" * 43 if visibility == "unlisted" else "")
    assert access.can_view_album(Viewer(1), album) is owner
    assert access.can_view_album(Viewer(2), album) is other
    assert access.can_view_album(Viewer(None), album) is anonymous


def test_a_share_token_opens_only_an_unlisted_album_and_only_the_current_one():
    token = "t" * 43
    assert access.can_view_album(Viewer(None), _album("unlisted", token), token)
    assert not access.can_view_album(Viewer(None), _album("unlisted", token), "u" * 43)
    assert not access.can_view_album(Viewer(None), _album("unlisted", ""), "")
    assert not access.can_view_album(Viewer(None), _album("private", token), token)  # no longer unlisted


@pytest.mark.parametrize("token", ["", "u" * 43, "t" * 43])
def test_a_public_album_opens_for_everyone_whatever_link_they_came_by(token):
    # A link kept from when it was unlisted, a wrong one, an empty ?t=: once hidden (AlbumHidden).
    for viewer in (Viewer(None), Viewer(2)):
        assert access.can_view_album(viewer, _album("public", ""), token)


@pytest.mark.parametrize("token", ["é" * 43, "한", "\ud800", "t" * 42 + "é"])
def test_a_share_token_of_any_characters_is_simply_not_the_album_s(token):
    # It once raised TypeError (compare_digest and non-ASCII str): a 500 for the caller.
    assert not access.can_view_album(Viewer(None), _album("unlisted", "t" * 43), token)


@pytest.mark.parametrize("status", [PROCESSING, FAILED])
def test_a_photo_not_ready_is_its_owners_only_even_if_public(status):
    photo = Item(PUBLIC, status=status)
    assert access.can_view(OWNER, photo)
    assert not access.can_view(OTHER, photo) and not access.can_view(ANONYMOUS, photo)
    assert not access.can_view(STAFF, photo)  # staff use the admin


def test_a_suspended_owners_photos_and_albums_are_nobodys_to_see(monkeypatch):
    monkeypatch.setattr(access, "_suspended_among", lambda ids: {1} & set(ids))
    photo, album = (
        make_photo(1, owner_id=1, visibility="public"),
        make_album(1, owner_id=1, visibility="public"),
    )

    assert not access.visible_to(photo, None) and not access.visible_to(photo, 1)
    assert not access.can_view_album(AnonymousUser(), album)
    page = Page(items=[photo, make_photo(2, owner_id=2, visibility="public")])
    assert [card.owner_id for card in access.without_suspended(page).items] == [2]

"""Profiles: a person's display name and bio (accounts.models.Profile), and what their page and
`GET /api/users/<username>/` show of them with their follow counts."""

from dataclasses import dataclass

from accounts.models import Profile
from gallery.services import avatars, follows


@dataclass(frozen=True)
class PersonProfile:
    username: str
    display_name: str
    bio: str
    followers: int
    following: int
    avatar_url: str | None = None  # the large one (gallery.services.avatars); None: the default


def profile_of(person):
    stored = Profile.objects.filter(user=person).first()
    followers, following = follows.counts(person)
    return PersonProfile(
        username=person.get_username(),
        display_name=stored.display_name if stored else "",
        bio=stored.bio if stored else "",
        followers=followers,
        following=following,
        avatar_url=avatars.url(person.pk, stored.avatar if stored else ""),
    )


def update(person, **fields):
    """Store the fields given (display_name, bio), already validated (web.forms.ProfileForm)."""
    Profile.objects.update_or_create(user=person, defaults=fields)
    return profile_of(person)

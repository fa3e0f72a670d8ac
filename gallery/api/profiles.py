"""/api/users/me/ and /api/users/<username>/: a person's profile (gallery.services.profiles),
their follow counts and public albums; the caller changes their own display name and bio."""

from django.http import JsonResponse
from ninja import Router

from gallery.api import form_errors, schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, require_strings
from gallery.api.openapi import extra, responses
from gallery.api.serializers import album_json
from gallery.services import albums, follows, profiles
from gallery.web.forms.profiles import ProfileForm

router = Router(tags=["profiles"])
FIELDS = tuple(ProfileForm.base_fields)


# Before /users/{username}/, which "me" would match too.
@router.patch(
    "/users/me/",
    url_name="me",
    response=responses({200: schemas.Profile}, 400, 401),
    openapi_extra=extra(body=schemas.ProfileChange),
)
def change_profile(request):
    """Change the fields sent (`display_name`, `bio`); plain text, shown escaped everywhere."""
    require_login(request)
    data = json_object(request, FIELDS)
    require_strings(data)
    current = profiles.profile_of(request.api_user)
    form = ProfileForm({name: data.get(name, getattr(current, name)) for name in FIELDS})
    if not form.is_valid():
        raise form_errors.invalid(form)
    profiles.update(request.api_user, **{name: form.cleaned_data[name] for name in data})
    return _profile(request, request.api_user)


@router.get(
    "/users/{username}/",
    url_name="person",
    response=responses({200: schemas.Profile}, 404),
    openapi_extra=extra(public=True),
)
def get_profile(request, username: str):
    """A person's profile, follow counts and newest public albums."""
    return _profile(request, follows.person(username))


def _profile(request, person):
    profile = profiles.profile_of(person)
    page = albums.public_albums_of(person)
    return JsonResponse(
        {
            "username": profile.username,
            "display_name": profile.display_name,
            "bio": profile.bio,
            "avatar_url": None,
            "followers": profile.followers,
            "following": profile.following,
            "albums": [album_json(request, album) for album in page.items],
        }
    )

"""/api/users/me/ and /api/users/<username>/: a person's profile (gallery.services.profiles),
their follow counts and public albums; the caller changes their own display name and bio, and
their picture (`POST|DELETE /api/users/me/avatar/`: POST, not PUT, because a multipart body is
parsed by Django for POST only, as the photo upload)."""

from django import forms
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from gallery.api import form_errors, people_schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, require_strings
from gallery.api.openapi import extra, responses
from gallery.api.serializers import album_json
from gallery.domain.limits import LIMITS, FileTooLarge
from gallery.services import albums, avatars, follows, profiles
from gallery.web.body_limits import file_stopped
from gallery.web.forms.profiles import AvatarForm, ProfileForm

router = Router(tags=["profiles"])
FIELDS = tuple(ProfileForm.base_fields)


# Before /users/{username}/, which "me" would match too.
@router.patch(
    "/users/me/",
    url_name="me",
    response=responses({200: people_schemas.Profile}, 400, 401),
    openapi_extra=extra(body=people_schemas.ProfileChange),
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


@router.post(
    "/users/me/avatar/",
    url_name="my_avatar",
    response=responses({200: people_schemas.Profile}, 400, 401, 413),
    openapi_extra=extra(body=people_schemas.AvatarUpload, content_type="multipart/form-data"),
)
def change_avatar(request):
    """A new profile picture (multipart/form-data, the file as `avatar`): checked as a photo upload
    is, cut to a square, without its metadata; the old one is deleted."""
    require_login(request)
    if int(request.META.get("CONTENT_LENGTH") or 0) > LIMITS.upload_request_bytes:
        raise FileTooLarge()
    try:
        form = AvatarForm(request.POST, request.FILES)
    except RequestDataTooBig:
        raise FileTooLarge() from None
    if file_stopped(request):
        raise FileTooLarge()
    if not form.is_valid() or not form.cleaned_data["avatar"]:
        if form.has_error("avatar", code="too_large"):
            raise FileTooLarge(request.FILES["avatar"].size)
        if form.is_valid():
            form.add_error("avatar", forms.ValidationError(_("Choose a picture."), code="required"))
        raise form_errors.invalid(form)
    avatars.replace(request.api_user, form.cleaned_data["avatar"])
    return _profile(request, request.api_user)


@router.delete(
    "/users/me/avatar/",
    url_name="my_avatar_delete",
    response=responses({200: people_schemas.Profile}, 401),
)
def remove_avatar(request):
    """Back to the default picture (idempotent)."""
    require_login(request)
    avatars.remove(request.api_user)
    return _profile(request, request.api_user)


@router.get(
    "/users/{username}/",
    url_name="person",
    response=responses({200: people_schemas.Profile}, 404),
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
            "avatar_url": profile.avatar_url,
            "followers": profile.followers,
            "following": profile.following,
            "albums": [album_json(request, album) for album in page.items],
        }
    )

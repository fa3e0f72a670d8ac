"""/api/users/<username>/follow/ and /api/feed/: follow or unfollow a person, and the caller's
"Following" feed (gallery.services.follows), a page at a time."""

from django.http import JsonResponse
from ninja import Router

from gallery.api import schemas
from gallery.api.auth import require_login
from gallery.api.openapi import responses
from gallery.api.serializers import card_json
from gallery.services import follows
from gallery.web.paging import next_url, page_of

router = Router(tags=["follows"])
FOLLOW = responses({200: schemas.Follow}, 400, 401, 404)


@router.post("/users/{username}/follow/", url_name="follow", response=FOLLOW)
def follow(request, username: str):
    """Follow the person (idempotent): their public photos join the caller's feed."""
    require_login(request)
    person = follows.person(username)
    follows.follow(request.api_user, person)
    return _state(request, person)


@router.delete("/users/{username}/follow/", response=FOLLOW)
def unfollow(request, username: str):
    """Stop following the person (idempotent)."""
    require_login(request)
    person = follows.person(username)
    follows.unfollow(request.api_user, person)
    return _state(request, person)


def _state(request, person):
    followers, _following = follows.counts(person)
    return JsonResponse(
        {
            "username": person.get_username(),
            "following": follows.is_following(request.api_user, person),
            "followers": followers,
        }
    )


@router.get("/feed/", url_name="feed", response=responses({200: schemas.PhotoList}, 400, 401))
def feed(request, cursor: str | None = None):
    """The newest public photos of the people the caller follows, newest first (`next`)."""
    require_login(request)
    page = page_of(request, follows.feed_page, request.api_user)
    results = [card_json(request, card) for card in page.items]
    return JsonResponse({"results": results, "next": next_url(request, page.next_cursor)})

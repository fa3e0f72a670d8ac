"""/api/photos/<id>/comments/, /api/albums/<id>/comments/ and /api/comments/<id>/: read, write,
edit and delete comments (docs/api.md). The rules are gallery.services.comments'; the JSON is
data, never HTML. An unlisted album's comments are read and written with its share link's
`token` (what its share page's visitors have)."""

from django.http import HttpResponse, JsonResponse
from ninja import Router

from gallery.api import people_schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, require_strings
from gallery.api.openapi import extra, responses
from gallery.services import albums, comments, photos
from gallery.web.paging import next_url, page_of
from gallery.web.ratelimit import COMMENT_RATE

router = Router(tags=["comments"])
COMMENT = responses({200: people_schemas.CommentOut}, 400, 401, 403, 404, 429)


def comment_json(comment):
    return {
        "id": comment.id,
        "text": comment.text,
        "author": comment.author,
        "created": comment.created,
        "edited": comment.edited or None,
        "mentions": list(comment.mentions),
    }


@router.get(
    "/photos/{id:photo_id}/comments/",
    url_name="comments",
    response=responses({200: people_schemas.CommentList}, 400, 404),
    openapi_extra=extra(public=True),
)
def list_comments(request, photo_id: str, cursor: str | None = None):
    """The photo's comments, oldest first, a page at a time (`next`)."""
    return _page(request, photos.visible(request.api_user, photo_id))


@router.post(
    "/photos/{id:photo_id}/comments/",
    response=responses({201: people_schemas.CommentOut}, 400, 401, 403, 404, 429),
    openapi_extra=extra(body=people_schemas.CommentText),
)
def write_comment(request, photo_id: str):
    """A new comment on the photo."""
    return _write(request, photos.visible(request.api_user, photo_id))


@router.get(
    "/albums/{id:album_id}/comments/",
    url_name="album_comments",
    response=responses({200: people_schemas.CommentList}, 400, 403, 404),
    openapi_extra=extra(public=True),
)
def list_album_comments(request, album_id: str, cursor: str | None = None, token: str | None = None):
    """The album's comments, oldest first, a page at a time (`next`), while its owner keeps
    them open (403 `comments_closed` otherwise)."""
    return _page(request, albums.visible(request.api_user, album_id, token), token=token)


@router.post(
    "/albums/{id:album_id}/comments/",
    response=responses({201: people_schemas.CommentOut}, 400, 401, 403, 404, 429),
    openapi_extra=extra(body=people_schemas.CommentText),
)
def write_album_comment(request, album_id: str, token: str | None = None):
    """A new comment on the album, if its owner lets people comment."""
    return _write(request, albums.visible(request.api_user, album_id, token), token=token)


@router.patch(
    "/comments/{comment_id}/", response=COMMENT, openapi_extra=extra(body=people_schemas.CommentText)
)
def edit_comment(request, comment_id: str, token: str | None = None):
    """Change your comment's text; it is marked edited (an unlisted album's: with its `token`)."""
    require_login(request)
    comment, photo = comments.find_any(request.api_user, comment_id, token=token)
    text = _text(request)
    COMMENT_RATE.check(request)
    return JsonResponse(comment_json(comments.edit(request.api_user, comment, photo, text)))


@router.delete("/comments/{comment_id}/", response=responses({204: None}, 401, 403, 404))
def delete_comment(request, comment_id: str, token: str | None = None):
    """Delete your comment, or any comment on your photo or album."""
    require_login(request)
    comment, photo = comments.find_any(request.api_user, comment_id, token=token)
    comments.delete(request.api_user, comment, photo)
    return HttpResponse(status=204)


def _page(request, target, **token):
    """A page of the photo's or album's comments, as JSON."""
    page = page_of(request, comments.page, request.api_user, target, **token)
    return JsonResponse(
        {"results": [comment_json(c) for c in page.items], "next": next_url(request, page.next_cursor)}
    )


def _write(request, target, **token):
    """A new comment on the photo or album (which the caller may see): 201 and its JSON."""
    require_login(request)
    text = _text(request)
    COMMENT_RATE.check(request)
    comment = comments.write(request.api_user, target, text, **token)
    return JsonResponse(comment_json(comment), status=201)


def _text(request):
    data = require_strings(json_object(request, ("text",)))
    return data.get("text", "")

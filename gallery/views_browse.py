"""Browsing: tag pages, the tag cloud, people's pages and search. Each page is one or two
DynamoDB requests whatever the number of photos (see docs/architecture.md)."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from gallery import catalog, metadata
from gallery.catalog import TITLE_KEY_LENGTH
from gallery.forms import parse_tags
from gallery.views import UNAVAILABLE_MESSAGE

# The tag cloud shows this many tags, most used first.
TAG_CLOUD_SIZE = 100
_CLOUD_STEPS = 5


def metadata_page(view):
    """A bad cursor is the client's mistake (400); DynamoDB down is a "try again" page (503)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except metadata.InvalidCursor:
            raise BadRequest("That page link is not valid.") from None
        except metadata.MetadataUnavailable:
            return render(request, "gallery/unavailable.html", {"message": UNAVAILABLE_MESSAGE}, status=503)

    return wrapper


def _list_page(request, list_name):
    return metadata.photo_table().list_page(
        list_name, cursor=request.GET.get("cursor"), limit=settings.PHOTOSHARE_PAGE_SIZE
    )


@require_GET
@metadata_page
def tag_page(request, tag):
    if parse_tags(tag) != [tag]:  # only the canonical form has a page: lower case, no separators
        raise Http404("No such tag.")
    page = _list_page(request, catalog.tag_list(tag))
    context = {"tag": tag, "page": page, "is_first_page": "cursor" not in request.GET}
    return render(request, "gallery/tag.html", context)


@require_GET
@metadata_page
def tag_cloud(request):
    counts = metadata.photo_table().tag_counts()[:TAG_CLOUD_SIZE]
    most = max((tag_count.count for tag_count in counts), default=1)
    cloud = [
        # Sizes 1..5 grow with the share of the most used tag's count.
        {"tag": item.tag, "count": item.count, "size": 1 + (_CLOUD_STEPS - 1) * item.count // most}
        for item in sorted(counts, key=lambda item: item.tag)
    ]
    return render(request, "gallery/tags.html", {"cloud": cloud})


@require_GET
@metadata_page
def user_page(request, username):
    person = get_object_or_404(get_user_model(), username=username)
    is_owner = request.user.pk == person.pk
    # The owner sees their private photos too; everyone else only the public ones.
    list_name = catalog.owner_list(person.pk) if is_owner else catalog.user_list(person.pk)
    context = {
        "person": person,
        "is_owner": is_owner,
        "page": _list_page(request, list_name),
        "is_first_page": "cursor" not in request.GET,
    }
    return render(request, "gallery/user.html", context)


@require_GET
@metadata_page
def search(request):
    """By tag and by title prefix: the tag's count (one GetItem) and a page of titles (one Query)."""
    query = request.GET.get("q", "").strip()[: settings.PHOTOSHARE_MAX_TITLE_LENGTH]
    table = metadata.photo_table()
    tags = parse_tags(query.lstrip("#"))
    tag = tags[0] if len(tags) == 1 else None
    context = {"query": query, "tag": tag, "tag_count": table.tag_count(tag) if tag else 0}
    try:
        context["page"] = table.search_titles(
            query, cursor=request.GET.get("cursor"), limit=settings.PHOTOSHARE_PAGE_SIZE
        )
    except ValueError:
        context["too_short"] = bool(query)
        context["min_length"] = TITLE_KEY_LENGTH
    context["is_first_page"] = "cursor" not in request.GET
    return render(request, "gallery/search.html", context)

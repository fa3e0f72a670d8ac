"""Browsing: the home feed, tag pages, the tag cloud, people's pages and search. Each page is
one or two DynamoDB requests whatever the number of photos (see docs/architecture.md)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gallery.domain import lists
from gallery.domain.limits import LIMITS
from gallery.domain.tags import has_tag_page, parse_tags
from gallery.services import albums, blocks, follows, navigation, profiles
from gallery.storage.dynamodb import photo_repository
from gallery.web.paging import page_context, page_of

# The tag cloud shows this many tags, most used first.
TAG_CLOUD_SIZE = 100
_CLOUD_STEPS = 5


def _list_context(request, list_name, source, **context):
    """One page of a list (the cursor from the query string) and what the templates need of it;
    `source` is the token its cards hand to the photo page (?from=, gallery.services.navigation)."""
    return page_context(
        request, page_of(request, photo_repository().list_page, list_name), source=source, **context
    )


@require_GET
def home(request):
    return render(
        request, "gallery/home.html", _list_context(request, lists.FEED, navigation.token(navigation.FEED))
    )


@require_GET
def tag_page(request, tag):
    if not has_tag_page(tag):  # only one spelling has a page (and old-rule spellings)
        raise Http404(_("No such tag."))
    context = _list_context(request, lists.tag_list_for(tag), navigation.token(navigation.TAG, tag), tag=tag)
    return render(request, "gallery/tag.html", context)


@require_GET
@login_required
def favorites(request):
    """The photos one favourited, newest favourite first: one Query."""
    page = page_of(request, photo_repository().favorites_page, request.user.pk)
    context = page_context(request, page, source=navigation.token(navigation.FAVORITES))
    return render(request, "gallery/favorites.html", context)


@require_GET
def tag_cloud(request):
    counts = photo_repository().tag_counts()[:TAG_CLOUD_SIZE]
    most = max((tag_count.count for tag_count in counts), default=1)
    cloud = [
        # Sizes 1..5 grow with the share of the most used tag's count.
        {"tag": item.tag, "count": item.count, "size": 1 + (_CLOUD_STEPS - 1) * item.count // most}
        for item in sorted(counts, key=lambda item: item.tag)
    ]
    return render(request, "gallery/tags.html", {"cloud": cloud})


@require_GET
def user_page(request, username):
    person = get_object_or_404(get_user_model(), username=username)
    list_name = lists.person_list(request.user.pk, person.pk)
    context = _list_context(
        request,
        list_name,
        navigation.token(navigation.USER, username),
        person=person,
        is_owner=request.user.pk == person.pk,
        profile=profiles.profile_of(person),
        is_following=follows.is_following(request.user, person),
        is_blocked=blocks.is_blocked(request.user, person) if request.user.is_authenticated else False,
    )
    if context["is_first_page"]:  # their albums above the first page of their photos
        context["albums"] = albums.public_albums_of(person, cursor=request.GET.get("album_cursor"))
    return render(request, "gallery/user.html", context)


@require_GET
def search(request):
    """By tag and by words of titles: the tag's count (one GetItem) and a page of titles (one
    Query, gallery.storage.dynamodb.search)."""
    query = request.GET.get("q", "").strip()[: LIMITS.title_length]
    table = photo_repository()
    tags = parse_tags(query)
    tag = tags[0] if len(tags) == 1 else None
    context = {"query": query, "tag": tag, "tag_count": table.tag_count(tag) if tag else 0}
    try:
        page = page_of(request, table.search_titles, query)
    except ValueError:
        page = None
        context |= {"too_short": bool(query), "min_length": lists.SEARCH_MIN_LENGTH}
    context = page_context(request, page, source=navigation.token(navigation.SEARCH, query), **context)
    return render(request, "gallery/search.html", context)

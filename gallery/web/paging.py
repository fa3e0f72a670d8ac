"""Pages of a list, for the site and the API alike: the cursor comes from the query string, the
size from LIMITS.page_size, and a page knows whether it is the first and where the next is."""

from gallery.domain.limits import LIMITS

CURSOR = "cursor"  # the query parameter


def page_of(request, fetch, *args, limit=None, **kwargs):
    """The page of a list this request asks for: `fetch(*args, cursor=..., limit=..., **kwargs)`
    (a repository's or a use case's page method), LIMITS.page_size long unless `limit` says."""
    return fetch(*args, cursor=request.GET.get(CURSOR), limit=limit or LIMITS.page_size, **kwargs)


def page_context(request, page, **context):
    """What a list's templates need of a page (gallery/_lists.html's partials)."""
    return {"page": page, "is_first_page": CURSOR not in request.GET, **context}


def next_url(request, cursor):
    """This request's absolute URL with `cursor` in place of its own, or None on the last page."""
    if not cursor:
        return None
    query = request.GET.copy()
    query[CURSOR] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

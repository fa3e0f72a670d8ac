"""The owner's own library: their photos by date taken (the timeline) and on a map. Each page is
theirs alone (login required; no one else's photos are ever read)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gallery.services import navigation, timeline
from gallery.web.paging import page_context, page_of

MONTH = "month"  # the query parameter of the jump


@require_GET
@login_required
def timeline_page(request):
    """A page of the owner's photos, newest taken first, under month headers: one Query."""
    month = request.GET.get(MONTH, "").strip() or None
    page = page_of(request, timeline.page, request.user.pk, month=month)
    context = page_context(
        request,
        page,
        source=navigation.token(navigation.TIMELINE),
        months=timeline.months(page.items),
        jump_years=timeline.jump_years(request.user.pk),
        month=month or "",
    )
    return render(request, "gallery/library/timeline.html", context)


@require_GET
@login_required
def map_page(request):
    """The owner's geotagged photos on a map: the page; its markers come from GET /api/map/."""
    context = {
        "tile_url": settings.PHOTOSHARE_MAP_TILE_URL,
        "attribution": settings.PHOTOSHARE_MAP_ATTRIBUTION,
    }
    return render(request, "gallery/library/map.html", context)

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gallery.storage.health import check_backends


@never_cache
@require_GET
def healthz(request):
    """The deep check of every backend, for operators and alarms: 503 if one is down."""
    results = check_backends()
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse(results, status=200 if healthy else 503)


@never_cache
@require_GET
def live(request):
    """The load balancer's check: 200 while this process serves requests, and nothing else.

    It calls no backend, on purpose: when the database or AWS is slow, every instance would fail
    a deep check at once and the load balancer would take them all out, turning a slow page into
    no site at all. /healthz is the deep check, for operators and alarms.
    """
    return HttpResponse("ok\n", content_type="text/plain")

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gallery.health import check_backends


@never_cache
@require_GET
def healthz(request):
    """The deep check of every backend, for operators and alarms: 503 if one is down."""
    results = check_backends()
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse(results, status=200 if healthy else 503)

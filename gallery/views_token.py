from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gallery.models import ApiToken


@login_required
def api_token(request):
    """Shows whether the user has an API token; a POST issues a new one (replacing the old),
    displayed this once only."""
    key = ApiToken.issue(request.user) if request.method == "POST" else None
    has_token = key is not None or ApiToken.objects.filter(user=request.user).exists()
    return render(request, "gallery/api_token.html", {"key": key, "has_token": has_token})

"""Following people on the site: the follow button of a person's page (without JavaScript) and
"Following", the newest public photos of the people one follows (gallery.services.follows)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gallery.services import follows
from gallery.web.paging import page_context, page_of


@require_POST
@login_required
def follow(request, username):
    """POST follow=on|off, back to the person's page. Idempotent, like the API's."""
    person = follows.person(username)
    if request.POST.get("follow") == "off":
        follows.unfollow(request.user, person)
    else:
        follows.follow(request.user, person)
    return redirect("gallery:user", username=person.get_username())


@require_GET
@login_required
def following(request):
    """The feed: one Query a page (docs/architecture.md, "The following feed")."""
    page = page_of(request, follows.feed_page, request.user)
    context = page_context(request, page, source=None, feed_limit=follows.max_entries())
    return render(request, "gallery/following.html", context)

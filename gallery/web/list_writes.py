"""A browser sees its own writes on its next list page, whichever process or instance serves it.

With PHOTOSHARE_LIST_GENERATION_SECONDS above 0 a process trusts the list pages' generation it
read for that long (gallery/storage/dynamodb/listcache.py), so another process's write may take
that long to show. A request that wrote sends the new generation back in a cookie as long-lived
as the trust; the browser's next requests carry it, and a process whose trusted generation is
another one asks the shared cache instead. The cookie's value is only ever compared: a forged one
costs its sender one cache round trip a request, nothing else.
"""

import math

from django.conf import settings

from gallery.storage.dynamodb import listcache


class ListWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.COOKIES.get(listcache.WRITTEN_COOKIE)
        if wanted:
            listcache.browser_wrote(wanted)
        response = self.get_response(request)
        written = listcache.written_in_request()
        if written is not None:
            generation, seconds = written
            response.set_cookie(
                listcache.WRITTEN_COOKIE,
                generation,
                max_age=math.ceil(seconds),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

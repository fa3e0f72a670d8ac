"""The site's URLs plus /hello/, the baseline: a Django view through the same middleware, no backend."""

from django.http import HttpResponse
from django.urls import path

from photoshare.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world!", content_type="text/plain")


urlpatterns = [path("hello/", hello), *site_urlpatterns]

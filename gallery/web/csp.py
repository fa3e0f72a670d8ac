"""The media storage's origins in Django's Content-Security-Policy.

Django sends the policy (django.middleware.csp, settings.SECURE_CSP, or SECURE_CSP_REPORT_ONLY when
PHOTOSHARE_CSP_REPORT_ONLY is set) with a nonce per request. Images may also come from the media
storage, and the upload page's script POSTs files to the bucket: their origins are read once from a
URL the storage makes (a presigned S3 endpoint, moto or a CDN domain is allowed without configuring
it twice), so this middleware, just inside Django's, hands each response the settings' policy with
them added, through Django's own per-view override (csp_override).
"""

from functools import cache

from django.conf import settings
from django.views.decorators.csp import csp_override, csp_report_only_override

from gallery.storage.s3.media_urls import media_origin
from gallery.storage.s3.uploads import upload_origin


@cache
def storage_sources():
    # Read on first use rather than at start-up: the storage may not be configured yet then.
    return {"img-src": media_origin(), "connect-src": upload_origin()}


def with_storage_sources(policy, sources):
    """`policy` (a SECURE_CSP dict) with each origin added to its directive, when it has one."""
    return {
        directive: [*values, sources[directive]] if sources.get(directive) else values
        for directive, values in policy.items()
    }


class StorageSourcesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        view = lambda _request: response  # noqa: E731 -- the overrides decorate a view
        for override, policy in [
            (csp_override, settings.SECURE_CSP),
            (csp_report_only_override, settings.SECURE_CSP_REPORT_ONLY),
        ]:
            if policy:
                view = override(with_storage_sources(policy, storage_sources()))(view)
        return view(request)
